#!/bin/sh
# Makes par-1c4d6ba.sqlite with the fieldlog of commit 1c4d6ba (schema step v8-par-loop, the last
# before v9-networks added the network tables), and par-1c4d6ba.list.json, what that fieldlog's
# 'list --json --include-retracted --include-reflections' printed.
# Usage: make-par.sh FIELDLOG OUT-FOLDER  (the signing key goes under OUT-FOLDER/config).
set -e
FL="$1"; OUT="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
export XDG_CONFIG_HOME="$OUT/config"
J="$OUT/par-1c4d6ba.sqlite"
id() { python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'; }

"$FL" init --study "$HERE/../../../../Examples/werkplaats-amsterdam.yaml" --author "Sanne de Vries" --journal "$J"
"$FL" participant add P-017 --role client --neighbourhood "Jan van Maijenbuurt" --journal "$J"
"$FL" participant add P-021 --journal "$J"
"$FL" consent P-017 --given written --scope recording,quotation,member-check --letter v1 --date 2024-03-01 --journal "$J"
"$FL" consent P-021 --given verbal --scope recording --date 2024-03-02 --journal "$J"
E1=$("$FL" add network-conversation --journal "$J" --at "2024-03-20 15:00" \
  --neighbourhood "Jan van Maijenbuurt" --question RQ1 --participant P-017 --participant P-021 \
  --field roles=client,family --field facilitator=wijkcoach --field follow-up=2024-04-02 \
  --field intervention="buurvrouw gaat mee naar het voedselpunt" --phase act \
  --text "De wijkcoach bespreekt met P-017 en haar zus wie de boodschappen doet." --json | id)
E2=$("$FL" add observation --journal "$J" --at "2024-04-02 10:00" --neighbourhood Holendrecht \
  --question RQ2 --participant P-017 --cycle C1 --phase observe \
  --text "P-017 komt voor het eerst naar de koffieochtend." --json | id)
"$FL" add reflection --journal "$J" --at 2024-04-12 --cycle C1 --phase reflect \
  --text "Ik merk dat ik de wijkcoach als vanzelfsprekend zie." >/dev/null
"$FL" code apply "$E2" "sociale participatie" --quote "voor het eerst" --journal "$J" >/dev/null
"$FL" memo add --about "$E2" --share "Een eerste stap naar buiten." --journal "$J" >/dev/null
"$FL" membercheck record P-017 --response agrees --entry "$E2" --text "Klopt." --date 2024-05-01 --journal "$J" >/dev/null
"$FL" study add-letter v2 --date 2024-09-01 --journal "$J" >/dev/null
"$FL" study set-retention --key-file-until 2027-12-31 --journal "$J" >/dev/null
"$FL" amend "$E1" --reason "afspraak aangevuld" --journal "$J" \
  --text "De wijkcoach bespreekt met P-017 en haar zus wie de boodschappen doet. Dinsdag." >/dev/null
"$FL" list --json --include-retracted --include-reflections --journal "$J" >"$OUT/par-1c4d6ba.list.json"
"$FL" verify --journal "$J"
