#!/usr/bin/env bash
# seed-corpus.sh [--all] [wsfuzz import flags] [REPORT...]
#
# Seeds the fuzz corpus (fuzz/testdata/fuzz/<Target>/) from Autobahn
# reports: the common case of "wsfuzz import", the cases the server failed.
# REPORT is a report directory, an index.json or a case report; the
# default is reports/servers, where scripts/autobahn.sh and Autobahn's
# fuzzingclient write. Files are named by content, so running it again
# adds only what is new; commit what it writes to keep replaying it in
# "go test ./fuzz".
#
#   --all   import every case, not only the failing ones
#
# Other flags go to wsfuzz import, e.g. --cases 6.4.*,7.* or -n (dry run);
# see "go run ./cmd/wsfuzz import --help".
#
# Exit status: that of wsfuzz import (1 when some report could not be read
# or some file not written, 2 on bad usage).
set -euo pipefail
cd "$(dirname "$0")/.."

failing=--failing-only
args=()
for a in "$@"; do
	case $a in
	--all) failing= ;;
	-h | --help)
		sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) args+=("$a") ;;
	esac
done

have_report=0
for a in "${args[@]+"${args[@]}"}"; do
	case $a in -*) ;; *) have_report=1 ;; esac
done
if [ $have_report = 0 ]; then
	if [ ! -e reports/servers ]; then
		echo "seed-corpus.sh: no REPORT given and reports/servers does not exist (run scripts/autobahn.sh first)" >&2
		exit 2
	fi
	args+=(reports/servers)
fi

exec go run ./cmd/wsfuzz import $failing --out fuzz/testdata/fuzz "${args[@]}"
