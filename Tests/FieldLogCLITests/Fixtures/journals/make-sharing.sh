#!/bin/sh
# Makes sharing-d4afa36.sqlite with the fieldlog of commit d4afa36 (schema step v7-sharing-consent,
# the last before the action-research loop rebuilt the entry and consent tables in v8-par-loop),
# and sharing-d4afa36.list.json, what that fieldlog's 'list --json --include-retracted' printed.
# Usage: make-sharing.sh FIELDLOG OUT-FOLDER  (the signing key goes under OUT-FOLDER/config).
set -e
FL="$1"; OUT="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
export XDG_CONFIG_HOME="$OUT/config"
J="$OUT/sharing-d4afa36.sqlite"
STUDY="$OUT/study-d4afa36.yaml"
# The example study as that fieldlog read it: without the later 'cycles', 'letters', 'retention'.
sed '/^# The action-research loop/,$d' "$HERE/../../../../Examples/werkplaats-amsterdam.yaml" >"$STUDY"
id() { python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'; }

"$FL" init --study "$STUDY" --author "Sanne de Vries" --journal "$J"
"$FL" participant add P-017 --role client --neighbourhood Holendrecht --journal "$J"
"$FL" participant add P-021 --journal "$J"
"$FL" consent P-017 --given written --scope recording,quotation,share-consortium --date 2024-03-01 --journal "$J"
"$FL" consent P-021 --given verbal --scope quotation --date 2024-03-02 --journal "$J"
E1=$("$FL" add observation --journal "$J" --at "2024-03-12 10:00" --neighbourhood Holendrecht \
  --initiative "Buurtkamer De Brug" --question RQ1 --tag koffieochtend --participant P-017 \
  --title "Koffieochtend in de buurtkamer" \
  --text "Twaalf bewoners bij de koffieochtend; P-017 kwam via de buurtmoeder." --json | id)
E2=$("$FL" add network-conversation --journal "$J" --at "2024-03-20 15:00" \
  --neighbourhood "Jan van Maijenbuurt" --question RQ1 --participant P-021:client \
  --field roles=client,family --field facilitator=wijkcoach \
  --text "De wijkcoach bespreekt met P-021 wie de boodschappen doet." --json | id)
E3=$("$FL" add nabije-kennis --journal "$J" --at "2024-04-02" --neighbourhood Holendrecht \
  --question RQ2 --field holder=P-017 --text "De buurtmoeder ziet wie er niet meer komt." --json | id)
E4=$("$FL" add interview --journal "$J" --at "2024-04-05 11:00" --neighbourhood "Jan van Maijenbuurt" \
  --question RQ2 --text "Een interview dat later wordt ingetrokken." --json | id)
"$FL" code apply "$E1" "informele steun > buurtmoeders" --quote "via de buurtmoeder" --journal "$J" >/dev/null
"$FL" memo add --about "$E1" "De buurtmoeder als brug." --journal "$J" >/dev/null
"$FL" amend "$E2" --reason "afspraak toegevoegd" --journal "$J" \
  --text "De wijkcoach bespreekt met P-021 wie de boodschappen doet. Afspraak: dinsdag." >/dev/null
"$FL" retract "$E4" --reason "dubbel ingevoerd" --journal "$J" >/dev/null
"$FL" redact "$E3" --reason "AVG-verzoek" --yes --journal "$J" >/dev/null
"$FL" list --json --include-retracted --journal "$J" >"$OUT/sharing-d4afa36.list.json"
"$FL" verify --journal "$J"
rm "$STUDY"
