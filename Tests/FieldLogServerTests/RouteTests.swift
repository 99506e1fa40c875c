import Testing
import FieldLogServer
