#!/usr/bin/env bash
# A journal for the workspace's browser tests and screenshots: the Amsterdam example study, bodies
# with emoji, a ZWJ sequence, an astral letter, NFD input and line breaks, one entry whose
# participant gave no quotation consent, and codings by two coders.
# Usage: make-journal.sh BIN_DIR JOURNAL   (the signing key goes under $XDG_CONFIG_HOME)
set -euo pipefail
bin=$1
journal=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fieldlog() { "$bin/fieldlog" "$@" --journal "$journal"; }
"$bin/fieldlog" init --study "$root/Examples/werkplaats-amsterdam.yaml" --journal "$journal" \
  --author "Sanne de Vries" >/dev/null
fieldlog coder add Ahmed >/dev/null

fieldlog add observation --at "2024-03-12 10:00" --neighbourhood Holendrecht \
  --initiative "Buurtkamer De Brug" --question RQ1 --tag koffieochtend --phase observe \
  --title "Koffieochtend in de buurtkamer" \
  --text "Twaalf bewoners bij de koffieochtend 👩‍👩‍👧 in de buurtkamer.
Mevrouw A. vertelt dat ze via de buurtmoeder bij het wijkteam terechtkwam.
Het café-gevoel van de ochtend maakt de drempel lager 🙂; de 𝒜-lijst hangt bij de deur." >/dev/null
# NFD: "café" typed as e + combining acute; the journal stores it composed (NFC).
fieldlog add nabije-kennis --at "2024-03-15 09:30" --neighbourhood Holendrecht --question RQ2 \
  --title "Wat de buurtmoeder ziet" --field holder=P-040 --field holder-role=buurtmoeder \
  --text "$(printf 'Ze ziet oudere mannen na het overlijden van hun vrouw uit beeld raken.\nIn het cafe\xcc\x81 op de hoek zitten ze nog wel, elke ochtend.')" >/dev/null
printf '%s\n' "De wijkcoach bespreekt met P-017, haar zus en een buurvrouw wie de boodschappen doet." \
  "Afspraak: de buurvrouw gaat op dinsdag mee naar het voedselpunt." |
  fieldlog add network-conversation - --at "2024-03-20 15:00" --neighbourhood "Jan van Maijenbuurt" \
    --question RQ1 --new-participant P-017:client --new-participant P-021:family \
    --title "Netwerkgesprek over boodschappen" >/dev/null
fieldlog add interview --at "2024-04-05 11:00" --neighbourhood "Jan van Maijenbuurt" \
  --initiative "Voedselpunt De Gedeelde Tafel" --question RQ2 --question RQ3 --tag voedselzekerheid \
  --title "Interview met een vrijwilliger" \
  --text "Wie er niet komt? Vooral mensen die zich schamen. Een buurvrouw brengt dan een tas langs.
Dat is schaduwwerk: niemand ziet het, maar het houdt mensen overeind." >/dev/null

# Consent: P-017 agreed to a recording, not to quotation: that entry's text is withheld on pages.
fieldlog consent P-017 --given written --scope recording >/dev/null

# P-017's network: P-021 (her sister) has not consented to recording, so pages show her by role only.
fieldlog network member add P-017 P-021 --role family --since 2024-03-01 >/dev/null
fieldlog network member add P-017 N-017-zoon --role family --since 2024-03-01 >/dev/null
fieldlog network member add P-017 N-017-wijkcoach --role professional --since 2024-03-01 >/dev/null
fieldlog network tie P-017 N-017-wijkcoach P-017 --kind support --strength 2 --directed --at 2024-03-01 >/dev/null
fieldlog network tie P-017 P-017 N-017-zoon --kind conflict --strength 2 --mutual --at 2024-03-01 >/dev/null
fieldlog network tie P-017 P-021 P-017 --kind support --strength 3 --directed --at 2024-03-20 >/dev/null

first=$(fieldlog list --json --since 2024-03-12 --until 2024-03-12 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
interview=$(fieldlog list --json --kind interview | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
fieldlog code apply "$first" "informele steun > buurtmoeders" --quote "via de buurtmoeder" >/dev/null
fieldlog code apply "$first" "samenwerking wijkteam" --quote "bij het wijkteam terechtkwam" >/dev/null
fieldlog code apply "$first" "informele steun > buurtmoeders" --quote "via de buurtmoeder" --coder Ahmed >/dev/null
fieldlog code apply "$first" "toegankelijkheid > drempels" --quote "maakt de drempel lager" --coder Ahmed >/dev/null
fieldlog code apply "$interview" "sociale participatie" --quote "Dat is schaduwwerk" >/dev/null
fieldlog code apply "$interview" "sociale participatie" --quote "Een buurvrouw brengt dan een tas langs." --coder Ahmed >/dev/null
fieldlog memo add --about "$first" "De buurtmoeder als brug naar het wijkteam: vaker zien?" >/dev/null
