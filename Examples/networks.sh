#!/usr/bin/env bash
# Writes docs/networks.md and its ecograms from the Amsterdam example study: one resident's network
# (P-017 in the Jan van Maijenbuurt) before and after an intervention, recorded with fieldlog and
# shown with what fieldlog prints. NetworkDocTests runs it and compares what it writes with docs/.
#
#   bash Examples/networks.sh [--bin PATH/fieldlog] [--out FOLDER]   (default: this build, docs/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=""
out="$root/docs"
while [ $# -gt 0 ]; do
  case "$1" in
  --bin) bin="$2"; shift 2 ;;
  --out) out="$2"; shift 2 ;;
  *) echo "usage: $0 [--bin PATH/fieldlog] [--out FOLDER]" >&2; exit 64 ;;
  esac
done
if [ -z "$bin" ]; then
  swift build --package-path "$root" --product fieldlog >/dev/null
  bin="$(swift build --package-path "$root" --show-bin-path)/fieldlog"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fieldlog-networks.XXXXXX")
trap 'rm -rf "$work"' EXIT
export FIELDLOG_JOURNAL="$work/werkplaats-amsterdam.sqlite"
mkdir -p "$out/networks"
page="$work/networks.md"
ids=()

# An argument as a person would type it: quoted when it holds a space or a shell character.
shown() {
  local word
  for word in "$@"; do
    case "$word" in
    *[\ \>\<\~\;\&\|\'\"\$\(\)]* | "") printf ' "%s"' "$word" ;;
    *) printf ' %s' "$word" ;;
    esac
  done
}
# Runs fieldlog; entry ids, which differ in every journal, are shown as ENTRY-01, ENTRY-02 ...
fieldlog() { "$bin" "$@"; }
masked() {
  local text="$1" i
  for i in "${!ids[@]}"; do
    text="${text//${ids[$i]}/ENTRY-0$((i + 1))}"
    text="${text//${ids[$i]:0:8}/ENTRY-0$((i + 1))}"
  done
  printf '%s\n' "$text"
}
# Writes the command and what it printed into the page, as one block.
step() {
  local output
  output=$(fieldlog "$@" 2>&1)
  {
    printf '```\n$ fieldlog%s\n' "$(masked "$(shown "$@")")"
    masked "$output"
    printf '```\n\n'
  } >>"$page"
}
# Runs without showing (the set-up a page need not repeat).
quiet() { fieldlog "$@" >/dev/null; }
text() { printf '%s\n' "$@" >>"$page"; }

quiet init --study "$root/Examples/werkplaats-amsterdam.yaml" --author "Sanne de Vries"
quiet participant add P-017 --neighbourhood "Jan van Maijenbuurt" --role bewoner
quiet participant add P-021 --role zus
quiet participant add P-022 --role buurvrouw
quiet consent P-017 --given written --scope recording --date 2024-02-20
quiet consent P-021 --given verbal --scope recording --date 2024-02-20

text "# Networks: who is around a resident, and what an intervention changed" ""
text "<!-- Written by Examples/networks.sh from the Amsterdam example study; do not edit by hand:" \
  "     run 'bash Examples/networks.sh' (NetworkDocTests checks that this page is what it writes). -->" ""
text "A network conversation brings a social worker together with a resident and the people around" \
  "them. fieldlog keeps that network as events in the journal, like everything else: members, and" \
  "ties between them that are recorded, changed and ended on a day. So the network on any day is" \
  "worked out from the events, and a report can compare two days. This page follows one resident," \
  "P-017 in the Jan van Maijenbuurt, before and after the conversation of 20 March 2024, in which" \
  "the neighbour agreed to go along to the food bank." ""
text "Everyone in a network is a pseudonym: a participant of the study (P-021, her sister), or an" \
  "alias that only the network knows, such as N-017-zoon. The real-name guard refuses an alias or a" \
  "note that holds a name of the key file. P-022, the neighbour, is a participant who has not" \
  "consented to recording: every page and export shows her only as 'member without consent' with" \
  "her role." ""

text "## The network before" ""
text "The members, from the day they belong to the network. A role is one of client, family, friend," \
  "neighbour, volunteer, professional, faith-community or other; professionals are formal support" \
  "and everyone else informal, unless \`--formal\` or \`--informal\` says otherwise. A member" \
  "belongs from \`--since\` (default today), or from their first tie if that is earlier." ""
step network member add P-017 P-021 --role family --since 2024-03-01
quiet network member add P-017 P-022 --role neighbour --since 2024-03-01
quiet network member add P-017 N-017-zoon --role family --since 2024-03-01
quiet network member add P-017 N-017-wijkcoach --role professional --since 2024-03-01
quiet network member add P-017 N-017-huisarts --role professional --since 2024-03-01
quiet network member add P-017 N-017-imam --role faith-community --since 2024-03-01 \
  --initiative "Vrouwengroep Moskee Al-Amal"
text "(and so on for P-022, N-017-zoon, N-017-wijkcoach, N-017-huisarts and N-017-imam.)" ""
text "A tie has a kind (support, contact, conflict, referral) and a strength from 1 to 3. Name one" \
  "member and the tie is between them and P-017:" ""
step network tie P-017 N-017-imam --kind contact --strength 1 --at 2024-03-01
text "Name two and it is between those two. A tie has no direction unless \`--directed\` (the first" \
  "gives to the second) or \`--mutual\`." ""
step network tie P-017 N-017-wijkcoach P-017 --kind support --strength 2 --directed --at 2024-03-01
quiet network tie P-017 N-017-huisarts P-017 --kind support --strength 1 --directed --at 2024-03-01
quiet network tie P-017 P-017 N-017-zoon --kind conflict --strength 2 --mutual --at 2024-03-01
quiet network tie P-017 P-017 P-021 --kind contact --strength 1 --at 2024-03-01
quiet network tie P-017 N-017-wijkcoach N-017-huisarts --kind contact --strength 1 --at 2024-03-01
step network show P-017 --at 2024-03-01

text "## The intervention" ""
text "The network conversation records its ties with \`--tie\`: \`A>B:kind:strength\` runs from A to" \
  "B, \`A<>B\` both ways, \`A~B\` has no direction, and \`:end\` in place of the strength ends a tie." \
  "The ties take the day of the conversation and link to it; the intervention and its follow-up are" \
  "the conversation's own fields." ""
quiet network member add P-017 N-017-vrijwilliger --role volunteer --since 2024-03-20 \
  --initiative "Voedselpunt De Gedeelde Tafel"
first=$(fieldlog add network-conversation --at "2024-03-20 15:00" --neighbourhood "Jan van Maijenbuurt" \
  --question RQ1 --participant P-017 --participant P-021 --network P-017 \
  --field roles=client,family,neighbour --field facilitator=wijkcoach --field follow-up=2024-04-02 \
  --field intervention="buurvrouw gaat mee naar het voedselpunt; zus belt wekelijks" \
  --tie "P-022>P-017:support:2" --tie "P-021>P-017:support:2" \
  --tie "N-017-wijkcoach>N-017-vrijwilliger:referral:2" \
  --title "Netwerkgesprek over boodschappen" \
  --text "De wijkcoach bespreekt met P-017, haar zus en de buurvrouw wie de boodschappen doet." --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
ids+=("$first")
text '```'
text '$ fieldlog add network-conversation --at "2024-03-20 15:00" --neighbourhood "Jan van Maijenbuurt" \' \
  '    --question RQ1 --participant P-017 --participant P-021 --network P-017 \' \
  '    --field follow-up=2024-04-02 \' \
  '    --field intervention="buurvrouw gaat mee naar het voedselpunt; zus belt wekelijks" \' \
  '    --tie "P-022>P-017:support:2" --tie "P-021>P-017:support:2" \' \
  '    --tie "N-017-wijkcoach>N-017-vrijwilliger:referral:2" --text "..."'
text 'ENTRY-01' '```' ""
text "When a follow-up day passes without a later network conversation, \`network due\` lists it:" ""
step network due --today 2024-04-10

text "## The network after" ""
second=$(fieldlog add network-conversation --at "2024-06-12 10:00" --neighbourhood "Jan van Maijenbuurt" \
  --question RQ1 --participant P-017 --field follow-up=2024-09-01 \
  --field intervention="vrijwilliger haalt P-017 op voor het voedselpunt" \
  --tie "N-017-vrijwilliger>P-017:support:2" --tie "P-021<>P-017:support:3" \
  --tie "P-017<>N-017-zoon:conflict:end" --tie "P-022~P-021:contact:1" \
  --title "Tweede netwerkgesprek" --text "Terugblik met P-017 op drie maanden boodschappen." --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
ids+=("$second")
text "A second conversation on 12 June records what changed: the volunteer now supports P-017, her" \
  "sister's support runs both ways, the conflict with her son has ended." ""
step network show P-017 --at 2024-07-01

text "## The report" ""
text "Size counts the members around P-017; the informal share is theirs of it; density is the share" \
  "of pairs of members (P-017 left out) that have a tie; reciprocity is the share of ties with a" \
  "direction that run both ways. Between two days, the report lists the ties gained, lost and" \
  "changed, and the network conversations in between with their interventions." ""
step network report P-017 --from 2024-03-01 --to 2024-07-01
text "Across the study, by the participant's neighbourhood or by the initiatives members belong to:" ""
step network report --by neighbourhood --to 2024-07-01

text "## The ecograms" ""
text "\`network draw\` writes a deterministic SVG: P-017 in the centre, rings for family, other" \
  "informal support and formal support; support is a solid line, contact dotted, conflict dashed" \
  "red and referral dash-dot, as wide as the tie is strong, with arrows where it has a direction." \
  "A dashed circle is a member without consent. Give \`--at\` twice to draw two days side by side." ""
fieldlog network draw P-017 --at 2024-03-01 -o "$out/networks/P-017-2024-03-01.svg" --force >/dev/null
fieldlog network draw P-017 --at 2024-07-01 -o "$out/networks/P-017-2024-07-01.svg" --force >/dev/null
text '```' '$ fieldlog network draw P-017 --at 2024-03-01 -o docs/networks/P-017-2024-03-01.svg' \
  '$ fieldlog network draw P-017 --at 2024-07-01 -o docs/networks/P-017-2024-07-01.svg' '```' ""
text "Before, on 1 March 2024:" "" \
  "![The network of P-017 on 2024-03-01](networks/P-017-2024-03-01.svg)" ""
text "After, on 1 July 2024:" "" \
  "![The network of P-017 on 2024-07-01](networks/P-017-2024-07-01.svg)" ""

text "## For network analysis" ""
text "GraphML and GEXF are read by Gephi, igraph and networkx; CSV gives a node list and an edge" \
  "list. Every state of a tie is one edge with the day it began (\`start\`) and the day it changed" \
  "or ended (\`end\`), so Gephi's timeline plays the change; \`--all\` exports every network of the" \
  "study. Both are directed graphs: a tie without a direction is one edge with \`direction\` none," \
  "a mutual tie one edge with \`direction\` mutual (which networkx reads from GEXF as an edge each" \
  "way); filter on \`direction\` for measures that need it. The tests read both back with networkx." ""
text '```' '$ fieldlog network export P-017 --format graphml -o P-017.graphml'
fieldlog network export P-017 --format graphml -o "$work/P-017.graphml" | sed "s#$work/##" >>"$page"
text '$ python3 -c "import networkx as nx; g = nx.read_graphml('"'"'P-017.graphml'"'"'); print(g.number_of_nodes(), g.number_of_edges())"'
python3 -c "import networkx as nx; g = nx.read_graphml('$work/P-017.graphml'); print(g.number_of_nodes(), g.number_of_edges())" >>"$page"
text '```' ""

text "## Privacy" ""
text "- Members are pseudonyms; \`network member add\` refuses an alias or note with a real name of" \
  "  the key file." \
  "- A participant without consent to recording is shown and exported only as 'member without" \
  "  consent N' with a role, without their note or initiative; an export names a tie by what it" \
  "  shows. The network *of* a participant is recorded only once they consent to recording; if" \
  "  they withdraw, it is kept out of every view and export (\`export --all\` and \`report --by\`" \
  "  say how many they left out)." \
  "- \`redact --participant P\` erases every member and tie that names P, in every network, and the" \
  "  journal still verifies; \`redact --participant N-017-zoon\` erases a network-only member, with" \
  "  their note and ties. Retracting a network conversation takes the ties recorded on it along." \
  "- Pushing to the team hub keeps back the network events of a participant without consent to" \
  "  share with the consortium."

cp "$page" "$out/networks.md"
chmod 0644 "$out/networks.md" "$out"/networks/*.svg
echo "wrote $out/networks.md and $out/networks/"
