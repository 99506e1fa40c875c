import FieldLogCLI

FieldLog.runMain()
