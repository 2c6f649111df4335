#!/usr/bin/env bash
# Attack the reference server and gorilla/websocket's echo server as a
# hostile client would, side by side, and print one table.
#
#   scripts/abuse.sh [ABUSE FLAGS]
#
# Builds the reference server (./cmd/wsfuzz) and, from the nested module in
# scripts/bench, gorilla's echo server and the attack program
# (scripts/bench/abuse), raises the open-file limit (10,000 idle or
# slowloris connections need a descriptor each on both sides), and runs
# every scenario against each server in a fresh process on a free
# 127.0.0.1 port. Each scenario is bounded in time; a server whose RSS
# passes 6 GiB is killed; the whole run stops by itself (20 minutes at
# most, about 7 on 2 cores). The table goes to stdout and to
# scripts/bench/results/abuse.txt, the JSON lines to
# scripts/bench/results/abuse.jsonl.
#
# Flags go to the attack program: -only idle,junk runs some scenarios;
# -idle, -slowloris, -fragmented, -stalled, -slow-readers, -bombers,
# -junk, -over-limit set their scale; -rss-cap and -timeout the bounds.
set -uo pipefail

case "${1:-}" in
-h | --help)
	sed -n '2,/^set /p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0
	;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/scripts/bench
results=$bench/results
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-abuse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

log() { printf 'abuse: %s\n' "$*" >&2; }

ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10500 ]; then
	log "warning: open-file limit is $(ulimit -n); 10,000 connections need about 10,100 per process (raise the hard limit as root, or pass -idle and -slowloris smaller)"
fi

log "building the reference server and scripts/bench (abuse, servers/gorilla)"
(cd "$root" && go build -o "$tmp/wsfuzz" ./cmd/wsfuzz) || exit 1
# -mod=mod: the nested module follows the root module's requirements.
(cd "$bench" && go build -mod=mod -o "$tmp/" ./abuse ./servers/gorilla) || exit 1

mkdir -p "$results"
started=$(date +%s)
"$tmp/abuse" -wsfuzz "$tmp/wsfuzz" -gorilla "$tmp/gorilla" -json "$tmp/abuse.jsonl" "$@" >"$tmp/abuse.txt"
status=$?
cp "$tmp/abuse.txt" "$results/abuse.txt"
cp "$tmp/abuse.jsonl" "$results/abuse.jsonl" 2>/dev/null
cat "$tmp/abuse.txt"
log "done in $(($(date +%s) - started))s; table in ${results#"$root"/}/abuse.txt"
exit $status
