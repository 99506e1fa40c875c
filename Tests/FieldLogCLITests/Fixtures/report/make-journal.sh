#!/usr/bin/env bash
# Builds the HTML report's fixture journal: the Amsterdam example study, the invented entries of
# entries.jsonl, and the codings of codings.tsv by two coders (Ahmed codes every second entry).
# Usage: make-journal.sh FIELDLOG-BINARY JOURNAL
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$1
journal=$2
fieldlog() { "$bin" "$@" --journal "$journal" >/dev/null; }
fieldlog init --study "$here/../../../../Examples/werkplaats-amsterdam.yaml" --author "Sanne de Vries"
fieldlog coder add Ahmed
fieldlog import "$here/entries.jsonl"
while IFS=$'\t' read -r entry code coder quote; do
  [[ $entry == \#* ]] && continue
  if [[ -n $quote ]]; then
    fieldlog code apply "$entry" "$code" --coder "$coder" --quote "$quote"
  else
    fieldlog code apply "$entry" "$code" --coder "$coder"
  fi
done <"$here/codings.tsv"
