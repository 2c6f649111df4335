#!/usr/bin/env bash
# autobahn.sh [-c CASES] [-x EXCLUDE] [-a AGENT] [-o DIR] [-n] URL
#
# Runs Autobahn|Testsuite's fuzzing client against the WebSocket server at
# URL (ws://host:port/path), writes its reports to DIR/servers (default
# reports/servers: index.json, index.html and one JSON and one HTML page
# per case), prints a summary, and then seeds the fuzz corpus from the
# reports with scripts/seed-corpus.sh.
#
# The suite comes from a local wstest when there is one (on PATH, or the
# command in $WSTEST), else from the crossbario/autobahn-testsuite Docker
# image ($AUTOBAHN_IMAGE). AUTOBAHN=wstest or AUTOBAHN=docker chooses.
# With Docker the container shares the host's network, so a server on
# 127.0.0.1 is reachable as it is (Linux).
#
#   -c CASES    cases to run, comma-separated, as in Autobahn's spec
#               (default "*"; e.g. "1.*,2.*,6.4.*")
#   -x EXCLUDE  cases to leave out (e.g. "12.*,13.*" for a server without
#               permessage-deflate)
#   -a AGENT    the name reports give the server (default: wsfuzz)
#   -o DIR      report directory (default: reports)
#   -n          do not seed the fuzz corpus
#
# Exit status: 0 when every case is OK or INFORMATIONAL (both verdicts),
# 1 when some case is not, 2 on bad usage or when the suite did not run.
#
# A failing case can then be replayed alone, without the suite:
#   go run ./cmd/wsfuzz replay --target URL --cases 6.4.1 DIR/servers
set -uo pipefail
cd "$(dirname "$0")/.."

usage() {
	sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

cases='*' exclude='' agent=wsfuzz out=reports seed=1
while getopts 'c:x:a:o:nh' opt; do
	case $opt in
	c) cases=$OPTARG ;;
	x) exclude=$OPTARG ;;
	a) agent=$OPTARG ;;
	o) out=$OPTARG ;;
	n) seed=0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
url=$1
case $url in
ws://*) ;;
*) echo "autobahn.sh: $url is not a ws:// URL" >&2; exit 2 ;;
esac

# json_list turns "a,b" into ["a","b"].
json_list() {
	local IFS=, first=1 item
	printf '['
	for item in $1; do
		item=${item// /}
		[ -n "$item" ] || continue
		[ $first = 1 ] || printf ','
		printf '"%s"' "$item"
		first=0
	done
	printf ']'
}

runner=${AUTOBAHN:-}
wstest=${WSTEST:-wstest}
if [ -z "$runner" ]; then
	if command -v "${wstest%% *}" >/dev/null 2>&1; then
		runner=wstest
	elif command -v docker >/dev/null 2>&1; then
		runner=docker
	else
		echo "autobahn.sh: neither wstest nor docker found; install autobahntestsuite or Docker" >&2
		exit 2
	fi
fi

mkdir -p "$out/servers" || exit 2
out=$(cd "$out" && pwd)
# Reports of an earlier run would mix into the summary.
rm -f "$out"/servers/index.json "$out"/servers/index.html "$out"/servers/*_case_*.json "$out"/servers/*_case_*.html
spec_dir=$(mktemp -d "${TMPDIR:-/tmp}/autobahn-spec.XXXXXX") || exit 2
trap 'rm -rf "$spec_dir"' EXIT

write_spec() { # outdir
	cat >"$spec_dir/fuzzingclient.json" <<EOF
{
  "outdir": "$1",
  "servers": [{"agent": "$agent", "url": "$url"}],
  "cases": $(json_list "$cases"),
  "exclude-cases": $(json_list "$exclude"),
  "exclude-agent-cases": {}
}
EOF
}

start=$(date +%s)
case $runner in
wstest)
	write_spec "$out/servers"
	echo "== $wstest -m fuzzingclient against $url"
	$wstest -m fuzzingclient -s "$spec_dir/fuzzingclient.json"
	rc=$?
	;;
docker)
	image=${AUTOBAHN_IMAGE:-crossbario/autobahn-testsuite}
	write_spec /reports/servers
	echo "== $image against $url"
	docker run --rm --network host --user "$(id -u):$(id -g)" \
		-v "$spec_dir:/config:ro" -v "$out:/reports" \
		"$image" wstest -m fuzzingclient -s /config/fuzzingclient.json
	rc=$?
	;;
*)
	echo "autobahn.sh: AUTOBAHN must be wstest or docker, not $runner" >&2
	exit 2
	;;
esac
echo "== the suite exited with $rc after $(($(date +%s) - start))s"
index=$out/servers/index.json
if [ ! -s "$index" ]; then
	echo "autobahn.sh: no $index written" >&2
	exit 2
fi

# One line per case that is not OK or INFORMATIONAL, then the counts.
summary() {
	if command -v jq >/dev/null 2>&1; then
		jq -r '
			[to_entries[] | .key as $agent | .value | to_entries[] |
			 {id: .key, b: .value.behavior, c: .value.behaviorClose, code: .value.remoteCloseCode}] as $all |
			($all[] | select((.b | IN("OK", "INFORMATIONAL") | not) or (.c | IN("OK", "INFORMATIONAL") | not)) |
			 "  \(.id)\tbehavior=\(.b)\tbehaviorClose=\(.c)\tremoteCloseCode=\(.code)"),
			"== \($all | length) cases, \([$all[] | select((.b | IN("OK", "INFORMATIONAL")) and (.c | IN("OK", "INFORMATIONAL")))] | length) OK or INFORMATIONAL"
		' "$index"
	else
		python3 - "$index" <<'EOF'
import json, sys
idx = json.load(open(sys.argv[1]))
good = ("OK", "INFORMATIONAL")
n = ok = 0
for agent, cases in idx.items():
    for cid, c in cases.items():
        n += 1
        if c["behavior"] in good and c["behaviorClose"] in good:
            ok += 1
        else:
            print("  %s\tbehavior=%s\tbehaviorClose=%s\tremoteCloseCode=%s" % (cid, c["behavior"], c["behaviorClose"], c.get("remoteCloseCode")))
print("== %d cases, %d OK or INFORMATIONAL" % (n, ok))
EOF
	fi
}
report=$(summary) || exit 2
echo "$report"
status=0
if echo "$report" | grep -q '^  '; then
	status=1
fi

if [ $seed = 1 ]; then
	if [ -x scripts/seed-corpus.sh ]; then
		echo "== seeding the fuzz corpus from $out/servers"
		scripts/seed-corpus.sh "$out/servers" || echo "autobahn.sh: scripts/seed-corpus.sh failed" >&2
	else
		echo "autobahn.sh: scripts/seed-corpus.sh not found; corpus not seeded" >&2
	fi
fi
exit $status
