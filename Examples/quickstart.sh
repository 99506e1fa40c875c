#!/usr/bin/env bash
# The main job end to end on a fresh checkout: build fieldlog, create a journal from the Amsterdam
# example in a temporary folder, record all four kinds of entry, list and search them, reflect and
# check with a participant, verify the journal, and say where it is.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

echo "== building fieldlog (the first build fetches and compiles the dependencies)"
swift build --package-path "$root" --product fieldlog >/dev/null
swift build --package-path "$root" --product fieldlog-serve >/dev/null
bin="$(swift build --package-path "$root" --show-bin-path)/fieldlog"
fieldlog() { "$bin" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fieldlog-quickstart.XXXXXX")
export FIELDLOG_JOURNAL="$work/werkplaats-amsterdam.sqlite"

echo "== fieldlog init --study Examples/werkplaats-amsterdam.yaml"
fieldlog init --study "$root/Examples/werkplaats-amsterdam.yaml" --author "Sanne de Vries"

echo "== recording one entry of each kind"
fieldlog add observation --at "2024-03-12 10:00" --neighbourhood Holendrecht \
  --initiative "Buurtkamer De Brug" --question RQ1 --question RQ3 --tag koffieochtend \
  --title "Koffieochtend in de buurtkamer" --field setting=buurtkamer --field duration-minutes=90 \
  --text "Twaalf bewoners bij de koffieochtend. Mevrouw A. vertelt dat ze via de buurtmoeder bij het
wijkteam terechtkwam; het café-gevoel van de ochtend maakt de drempel lager."

printf '%s\n' "De wijkcoach bespreekt met P-017, haar zus en een buurvrouw wie de boodschappen doet." \
  "Afspraak: de buurvrouw gaat op dinsdag mee naar het voedselpunt." |
  fieldlog add network-conversation - --at "2024-03-20 15:00" --neighbourhood "Jan van Maijenbuurt" \
    --question RQ1 --new-participant P-017:client --new-participant P-021:family \
    --new-participant P-022:neighbour \
    --field roles=client,family,neighbour --field facilitator=wijkcoach --field follow-up=2024-04-02 \
    --title "Netwerkgesprek over boodschappen"

note="$work/interview.txt"
printf '%s\n' "Interview met een vrijwilliger van het voedselpunt over wie er niet komt en waarom." >"$note"
fieldlog add interview --file "$note" --at "2024-04-05 11:00" --neighbourhood "jan van maijenbuurt" \
  --initiative "Voedselpunt De Gedeelde Tafel" --question RQ2 --question RQ3 \
  --new-participant P-030:vrijwilliger \
  --field interviewee=P-030 --field consent=written --field language=nl --field duration-minutes=45 \
  --tag voedselzekerheid

fieldlog add nabije-kennis --at yesterday --neighbourhood Holendrecht --question RQ2 \
  --field holder=P-040 --field holder-role=buurtmoeder --field context="na het vrijdaggebed" \
  --title "Wat de buurtmoeder ziet" \
  --text "Ze merkt dat oudere mannen na het overlijden van hun vrouw uit beeld raken."

echo "== fieldlog list"
fieldlog list
echo "== fieldlog list --neighbourhood Holendrecht --since 2024-03-01"
fieldlog list --neighbourhood Holendrecht --since 2024-03-01
echo "== fieldlog search cafe   (finds 'café': diacritics do not matter)"
fieldlog search cafe
echo "== coding: fieldlog code apply ... --quote, then report codes --by neighbourhood"
first=$(fieldlog list --json --neighbourhood Holendrecht --since 2024-03-12 --until 2024-03-12 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
fieldlog code apply "$first" "informele steun > buurtmoeders" --quote "via de buurtmoeder" >/dev/null
fieldlog report codes --by neighbourhood
echo "== the action-research loop (docs/par.md): a reflection, and a member check with P-017"
fieldlog add reflection --cycle C1 --phase reflect --at 2024-04-12 \
  --text "De buurvrouw doet meer dan het wijkteam wist. Volgende cyclus: haar vragen wat zij nodig heeft." \
  >/dev/null
fieldlog reflections --cycle C1
fieldlog consent P-017 --given written --scope recording,quotation,member-check --letter v1 \
  --date 2024-03-20
fieldlog membercheck export P-017 -o "$work/membercheck"
fieldlog membercheck record P-017 --response agrees --date 2024-04-10 \
  --text "Zo is het gegaan; de buurvrouw gaat nog steeds mee."
fieldlog membercheck status
echo "== fieldlog export entries --excel -o entries.csv"
fieldlog export entries --excel -o "$work/entries.csv"
echo "== fieldlog verify"
fieldlog verify
echo "== fieldlog serve: the coding workspace in the browser (started, asked for the entries, stopped)"
"$bin" serve >"$work/serve.out" 2>&1 &
serve=$!
for _ in $(seq 100); do grep -q token= "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
link=$(head -n 1 "$work/serve.out")
echo "$link" | sed 's/token=.*/token=…/'
python3 - "$link" <<'PY'
import json, sys, urllib.request
link = sys.argv[1]
base, token = link.split("/#token=")
request = urllib.request.Request(base + "/api/entries", headers={"Authorization": "Bearer " + token})
entries = json.load(urllib.request.urlopen(request, timeout=10))["entries"]
print(f"the workspace lists {len(entries)} entries; open the link in a browser to read and code them")
PY
kill -INT "$serve"   # Ctrl-C, as in a terminal
for _ in $(seq 100); do kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$serve" 2>/dev/null; then
  kill -KILL "$serve"
  echo "error: fieldlog serve did not stop on Ctrl-C" >&2
  exit 1
fi
wait "$serve"
echo
echo "The journal is at $FIELDLOG_JOURNAL"
echo "Try: FIELDLOG_JOURNAL=$FIELDLOG_JOURNAL $bin show <id>"
echo "Code in the browser: FIELDLOG_JOURNAL=$FIELDLOG_JOURNAL $bin serve --open"
