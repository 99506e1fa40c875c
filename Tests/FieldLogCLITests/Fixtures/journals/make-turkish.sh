#!/bin/sh
# Makes the fixture journal with the fieldlog of commit 389f9cc (before text folding was split).
set -e
FL="$1"; J="$2"
export XDG_CONFIG_HOME="$(dirname "$J")/config"
"$FL" init --study "$(dirname "$0")/turkish-study.yaml" --author "Ayşe Demır" --journal "$J"
"$FL" participant add P-042 --journal "$J"
"$FL" participant add P-018 --journal "$J"
E1=$("$FL" add observation --journal "$J" --text "Mevrouw Yılmaz schenkt çay in de Kadınlar Kahvesi. Ze zegt: wij helpen elkaar." --neighbourhood Kanaleneiland --initiative "Kadınlar Kahvesi" --question RQ1 --tag yardımlaşma --tag ISPARTA --participant P-042 --at 2025-03-04 --json | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
E2=$("$FL" add observation --journal "$J" --text "In de Işıklar Buurt loopt de straße-actie door. Gül vertelt over haar buren." --neighbourhood "Işıklar Buurt" --question RQ1 --tag ışık --at 2025-03-05 --json | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
"$FL" code apply "$E1" "Yardımlaşma > Komşuluk" --quote "wij helpen elkaar" --journal "$J"
"$FL" code apply "$E2" "Straße" --journal "$J"
"$FL" amend "$E1" --journal "$J" --text "Mevrouw Yılmaz schenkt çay in de Kadınlar Kahvesi. Later zegt ze: wij helpen elkaar." --reason "zin aangevuld"
"$FL" memo add --about "$E2" "Gül kent iedereen in de straat." --journal "$J"
"$FL" retract "$E2" --reason "dubbel genoteerd" --journal "$J"
"$FL" verify --journal "$J"
