#!/bin/sh
# Makes the fixture journals with the fieldlog of commit 7e73062, the last release before the write
# path was redesigned (issue 14): every event of it carries its own signature.
# Usage: make-amsterdam.sh FIELDLOG OUT-FOLDER  (writes amsterdam-7e73062.sqlite and
# colleague-7e73062.sqlite there, and the two signing keys under OUT-FOLDER/config).
set -e
FL="$1"; OUT="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
STUDY="$HERE/../../../../Examples/werkplaats-amsterdam.yaml"
export XDG_CONFIG_HOME="$OUT/config"
J="$OUT/amsterdam-7e73062.sqlite"; C="$OUT/colleague-7e73062.sqlite"
id() { python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'; }

"$FL" init --study "$STUDY" --author "Sanne de Vries" --journal "$J"
"$FL" participant add P-017 --journal "$J"
"$FL" participant add P-021 --journal "$J"
"$FL" consent P-017 --given written --scope quotation --journal "$J"
"$FL" consent P-021 --given verbal --scope quotation --journal "$J"
"$FL" coder add "Ahmed" --journal "$J"
E1=$("$FL" add observation --journal "$J" --at "2024-03-12 10:00" --neighbourhood Holendrecht \
  --initiative "Buurtkamer De Brug" --question RQ1 --question RQ3 --tag koffieochtend \
  --title "Koffieochtend in de buurtkamer" --field setting=buurtkamer --participant P-017 \
  --text "Twaalf bewoners bij de koffieochtend. Mevrouw A. kwam via de buurtmoeder bij het wijkteam; het café-gevoel maakt de drempel lager. 👩🏽‍🍳" --json | id)
E2=$("$FL" add network-conversation --journal "$J" --at "2024-03-20 15:00" \
  --neighbourhood "Jan van Maijenbuurt" --question RQ1 --participant P-021 \
  --field roles=client,family --field facilitator=wijkcoach \
  --text "De wijkcoach bespreekt met P-021 wie de boodschappen doet. Afspraak: dinsdag samen naar het voedselpunt." --json | id)
E3=$("$FL" add interview --journal "$J" --at "2024-04-05 11:00" --neighbourhood "Jan van Maijenbuurt" \
  --initiative "Voedselpunt De Gedeelde Tafel" --question RQ2 --field language=nl \
  --text "Interview met een vrijwilliger over wie er niet komt en waarom: schaamte, en de tijden." --json | id)
E4=$("$FL" add nabije-kennis --journal "$J" --at "2024-04-12 09:00" --neighbourhood Holendrecht \
  --question RQ2 --field holder-role=buurtmoeder \
  --text "Oudere mannen raken na het overlijden van hun vrouw uit beeld." --json | id)
"$FL" code define "netwerk" --color "#0072b2" --journal "$J"
"$FL" code define "sleutelfiguren" --parent "netwerk" --journal "$J"
"$FL" code define "afspraken" --journal "$J"
"$FL" code define "eenzaamheid" --journal "$J"
"$FL" code apply "$E1" "netwerk > sleutelfiguren" --quote "via de buurtmoeder" --journal "$J"
"$FL" code apply "$E2" "afspraken" --journal "$J"
"$FL" code apply "$E3" "toegankelijkheid > drempels" --quote "schaamte" --journal "$J"
K=$("$FL" code apply "$E4" "eenzaamheid" --journal "$J")
"$FL" code remove "$K" --journal "$J"
"$FL" code apply "$E4" "eenzaamheid" --journal "$J"
"$FL" study describe "Hoe formele zorg en informele steun samenwerken." --journal "$J"
"$FL" study add-question RQ9 --text "Een vraag die weer weg gaat." --journal "$J"
"$FL" study remove-question RQ9 --journal "$J"
"$FL" code rename "afspraken" "praktische afspraken" --journal "$J"
"$FL" code move "eenzaamheid" --parent "netwerk" --journal "$J"
"$FL" code describe "toegankelijkheid > drempels" --description "Wat mensen tegenhoudt" --journal "$J"
"$FL" code define "schaamte" --journal "$J"
"$FL" code merge "schaamte" "toegankelijkheid > drempels" --journal "$J"
"$FL" memo add --about "$E3" "Schaamte komt terug in drie interviews." --journal "$J"
"$FL" memo add --about "netwerk" "Buurtmoeders als brug naar het wijkteam." --journal "$J"
"$FL" amend "$E3" --journal "$J" --text "Interview met een vrijwilliger over wie er niet komt en waarom: schaamte, en de openingstijden." --reason "zin aangevuld"
"$FL" retract "$E4" --reason "dubbel genoteerd" --journal "$J"
"$FL" unretract "$E4" --reason "toch niet dubbel" --journal "$J"
E5=$("$FL" add observation --journal "$J" --at "2024-04-20 14:00" --neighbourhood Holendrecht \
  --question RQ1 --participant P-017 --text "Een notitie die later weg moet." --json | id)
"$FL" redact "$E5" --reason "AVG" --yes --journal "$J"
"$FL" consent P-021 --withdraw --scope quotation --journal "$J"
printf '%s\n' \
  '{"kind":"observation","body":"Geïmporteerd: de moskee organiseert een inloop.","neighbourhood":"Jan van Maijenbuurt","questions":["RQ1"],"occurred_at":"2024-05-01T10:00:00+02:00"}' \
  '{"kind":"interview","body":"Geïmporteerd: gesprek met de coördinator.","neighbourhood":"Holendrecht","questions":["RQ3"]}' \
  > "$OUT/import.jsonl"
"$FL" import "$OUT/import.jsonl" --journal "$J"
rm "$OUT/import.jsonl"

"$FL" init --from "$J" --author "Bram Jansen" --journal "$C"
"$FL" merge "$J" --journal "$C"
E6=$("$FL" add observation --journal "$C" --at "2024-05-14 16:00" --neighbourhood Holendrecht \
  --question RQ3 --text "Bram ziet de buurtmoeders het wijkteam bellen." --json | id)
"$FL" code apply "$E6" "informele steun > buurtmoeders" --journal "$C"
"$FL" code apply "$E1" "toegankelijkheid > drempels" --quote "drempel" --journal "$C"
"$FL" merge "$C" --journal "$J"
"$FL" verify --journal "$J"
"$FL" verify --journal "$C"
