#!/usr/bin/env bash
# Compare the reference echo server with peer Go WebSocket libraries.
#
#   scripts/bench.sh [--quick]
#   scripts/bench.sh --autobahn [CASES]
#
# Builds the reference server (./cmd/wsfuzz) and, from the nested module in
# scripts/bench, an echo server for each peer (gorilla/websocket, gobwas/ws,
# lxzan/gws, coder/websocket) and the load generator. Then it runs the same
# loads against each, row by row: the servers of a row one after another
# (the first one turning from row to row), each cell in a fresh server
# process on a free 127.0.0.1 port, so that a slow minute of the machine
# falls on every server of a row alike. It prints one table: msg/s and
# p50/p99 round-trip latency per server, and the reference server's ratio
# to the best peer. The table also goes to scripts/bench/results/latest.txt,
# the raw JSON lines to scripts/bench/results/latest.jsonl.
#
# Loads: 1, 64 and 1000 connections x 16 B, 1 KiB, 64 KiB and 1 MiB binary
# messages, compression off; and 1 KiB and 64 KiB text with
# permessage-deflate. Each cell runs for a fixed time (3 s, the first 0.5 s
# left out as warm-up; --quick: 1 s and 0.2 s) or until a message cap,
# whichever comes first. The whole set runs in 3 rounds (--quick: 1), and
# the table shows the median of each figure, so that a moment of load
# elsewhere on the machine does not decide a row. Everything stays on
# 127.0.0.1; every server started here is stopped on exit.
#
# The load and the servers are pinned to separate halves of the CPUs.
#
# Before each cell it waits (a bounded while) for other processes to go
# quiet; cells where others still took CPU are marked in the table.
#
# --autobahn runs Autobahn|Testsuite's fuzzing client (scripts/autobahn.sh:
# a local wstest, or its Docker image) against every server instead, cases
# CASES (default 9.*, the performance section), in the same rotating order
# and rounds, and prints per section the sum of the case durations (the
# median over rounds) and the reference server's ratio to the best peer,
# paired by round. With Docker the suite is not pinned to the load
# CPUs. The reports stay in scripts/bench/results/autobahn/.
#
# Environment: BENCH_SERVERS="wsfuzz gorilla" runs a subset; BENCH_ROUNDS=5
# sets the rounds;
# BENCH_DURATION / BENCH_WARMUP override the cell length (e.g. 5s / 1s);
# BENCH_PIN=0 lets the load and the servers share all CPUs; BENCH_QUIET=0
# skips the waits for a quiet machine, BENCH_QUIET_MAX=600 allows up to
# 600 s of them in all (default 150, --quick 30).
set -uo pipefail

quick=0
autobahn=0
autobahn_cases=9.*
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--autobahn)
		autobahn=1
		if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then
			autobahn_cases=$2
			shift
		fi
		;;
	-h | --help)
		sed -n '2,/^set /p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "usage: $0 [--quick] | --autobahn [CASES]" >&2
		exit 2
		;;
	esac
	shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/scripts/bench
results=$bench/results
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-bench.XXXXXX")
server_pid=

log() { printf 'bench: %s\n' "$*" >&2; }

stop_server() {
	local pid=$server_pid
	server_pid=
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$quick" = 1 ]; then
	duration=${BENCH_DURATION:-1s}
	warmup=${BENCH_WARMUP:-0.2s}
	rounds=${BENCH_ROUNDS:-1}
else
	duration=${BENCH_DURATION:-3s}
	warmup=${BENCH_WARMUP:-0.5s}
	rounds=${BENCH_ROUNDS:-3}
fi
if ! [ "$rounds" -ge 1 ] 2>/dev/null; then
	log "BENCH_ROUNDS must be a whole number of at least 1, not '$rounds'"
	exit 2
fi

# Message caps per size, so no cell can run away in memory or time even on
# a faster machine. In flight at once: at most one message per connection
# each way, so 1000 x 1 MiB holds about 1 GiB per side.
cap_for() {
	case "$1" in
	16 | 1KiB) echo 2000000 ;;
	64KiB) echo 200000 ;;
	1MiB) echo 6000 ;;
	*) echo 100000 ;;
	esac
}

# 1000 connections need about 1000 descriptors in the load and as many in
# the server. Raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 1100 ]; then
	log "warning: open-file limit is $(ulimit -n); the 1000-connection rows need about 1100 (raise it with ulimit -n as root)"
fi

# ---- build -----------------------------------------------------------------
mkdir -p "$tmp/bin" "$tmp/logs" "$results"
log "building peers and the load generator (scripts/bench)"
# -mod=mod: the nested module follows the root module's requirements
# through its replace directive, so let go update its go.mod when they move.
if ! (cd "$bench" && go build -mod=mod -o "$tmp/bin/" ./servers/... ./load ./benchtool); then
	log "build of scripts/bench failed"
	exit 1
fi
tool=$tmp/bin/benchtool

# On a small machine the load and the server fight for the same cores and a
# cell's result depends on where the scheduler put them. Pin the load to
# one half of the allowed CPUs and the servers to the other (Go sizes
# GOMAXPROCS to that), so every server gets the same cores, the client can
# never take them, and cells repeat closely. BENCH_PIN=0 turns this off.
run_load=()
run_server=()
pin_note="not pinned"
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null; then
	if halves=$("$tool" split-cpus 2>/dev/null); then
		read -r load_cpus server_cpus <<<"$halves"
		run_load=(taskset -c "$load_cpus")
		run_server=(taskset -c "$server_cpus")
		pin_note="load on CPU $load_cpus, servers on CPU $server_cpus (taskset)"
	fi
fi
log "pinning: $pin_note"

ref_ok=0
ref_note=
log "building the reference server (go build ./cmd/wsfuzz)"
if (cd "$root" && go build -o "$tmp/bin/wsfuzz" ./cmd/wsfuzz) >"$tmp/logs/wsfuzz-build.log" 2>&1; then
	if "$tmp/bin/wsfuzz" serve --help >"$tmp/logs/wsfuzz-help.txt" 2>&1 ||
		grep -q -- '--addr\|-addr' "$tmp/logs/wsfuzz-help.txt"; then
		ref_ok=1
	else
		ref_note="the reference server builds but 'wsfuzz serve --help' fails: $(head -c 300 "$tmp/logs/wsfuzz-help.txt" | tr '\n' ' ')"
	fi
else
	ref_note="the reference server cannot be built yet: $(grep -v '^#' "$tmp/logs/wsfuzz-build.log" | head -n 3 | tr '\n' ' ')"
fi
[ -n "$ref_note" ] && log "$ref_note; its column shows n/a"

# The reference server's flags, read from its help: compression is on by
# default and turned off with --no-compression (or --compression=false);
# limits are set where a flag for them exists: 16 MiB messages, enough
# connections, a short graceful shutdown.
ref_args=()
ref_off_args=()
ref_deflate=0
has_flag() { grep -Eq -- "^[[:space:]]*--?$1([[:space:]=]|\$)" "$tmp/logs/wsfuzz-help.txt"; }
if [ "$ref_ok" = 1 ]; then
	if has_flag no-compression; then
		ref_deflate=1 ref_off_args=(--no-compression)
	elif has_flag compression; then
		ref_deflate=1 ref_off_args=(--compression=false)
	elif has_flag compress; then
		ref_deflate=1 ref_off_args=(--compress=false)
	elif grep -qi 'deflate' "$tmp/logs/wsfuzz-help.txt"; then
		ref_deflate=1 # on by default, no flag to turn it off: the client just does not offer it
	fi
	has_flag max-message-size && ref_args+=(--max-message-size=16777216)
	has_flag max-connections && ref_args+=(--max-connections=5000)
	has_flag shutdown-timeout && ref_args+=(--shutdown-timeout=1s)
	has_flag compression-level && ref_args+=(--compression-level=1) # flate.BestSpeed, as the peers
	if [ "$ref_deflate" != 1 ]; then
		ref_note="the reference server has no permessage-deflate yet (nothing in 'wsfuzz serve --help'); its compression rows show n/a"
		log "$ref_note"
	fi
fi

# start_server NAME MODE PORT: start NAME with compression MODE (off|on).
start_server() {
	local name=$1 mode=$2 port=$3 addr=127.0.0.1:$3
	local logf=$tmp/logs/$name-$mode.log
	case "$name" in
	wsfuzz)
		if [ "$mode" = off ]; then
			"${run_server[@]}" "$tmp/bin/wsfuzz" serve --addr "$addr" "${ref_args[@]}" "${ref_off_args[@]}" >>"$logf" 2>&1 &
		else
			"${run_server[@]}" "$tmp/bin/wsfuzz" serve --addr "$addr" "${ref_args[@]}" >>"$logf" 2>&1 &
		fi
		;;
	*)
		if [ "$mode" = off ]; then
			"${run_server[@]}" "$tmp/bin/$name" -addr "$addr" >>"$logf" 2>&1 &
		else
			"${run_server[@]}" "$tmp/bin/$name" -addr "$addr" -compress >>"$logf" 2>&1 &
		fi
		;;
	esac
	server_pid=$!
	if ! "$tool" wait "$addr" 15s 2>>"$logf"; then
		log "$name ($mode) did not start; log: $(tail -n 3 "$logf" | tr '\n' ' ')"
		stop_server
		return 1
	fi
}

# ---- loads -----------------------------------------------------------------
rows_off=()
rows_on=()
for c in 1 64 1000; do
	for s in 16 1KiB 64KiB 1MiB; do rows_off+=("$c $s binary"); done
	for s in 1KiB 64KiB; do rows_on+=("$c $s text"); done
done

servers=${BENCH_SERVERS:-wsfuzz gorilla gobwas gws coder}
jsonl=$tmp/results.jsonl
: >"$jsonl"
total=0
for name in $servers; do total=$((total + rounds * (${#rows_off[@]} + ${#rows_on[@]}))); done
n=0
failed=0

# record_error NAME CONNS SIZE TYPE COMPRESS MESSAGE: a cell that produced
# no result of its own.
record_error() {
	local size
	size=$(case "$3" in 16) echo 16 ;; 1KiB) echo 1024 ;; 64KiB) echo 65536 ;; 1MiB) echo 1048576 ;; esac)
	printf '{"server":"%s","conns":%d,"size":%d,"type":"%s","compress":%s,"error":"%s"}\n' \
		"$1" "$2" "$size" "$4" "$5" "$(printf '%s' "$6" | tr -d '"\\' | tr '\n' ' ')" >>"$jsonl"
}

# Other processes on the machine (builds, tests) skew a cell. Before each
# one, wait until the machine is quiet (others under 0.2 cores), at most a
# few seconds per cell and a bounded total, then go on regardless; the
# table marks cells during which others still took CPU.
if [ "$quick" = 1 ]; then quiet_cell=2s quiet_budget_ms=30000; else quiet_cell=6s quiet_budget_ms=150000; fi
[ -n "${BENCH_QUIET_MAX:-}" ] && quiet_budget_ms=$((BENCH_QUIET_MAX * 1000))
[ "${BENCH_QUIET:-1}" = 0 ] && quiet_budget_ms=0
quiet_waited_ms=0
wait_quiet() {
	[ "$quiet_waited_ms" -lt "$quiet_budget_ms" ] || return 0
	local out ms busy
	out=$("$tool" quiet "$quiet_cell") || return 0
	read -r ms busy <<<"$out"
	quiet_waited_ms=$((quiet_waited_ms + ms))
	if [ "$ms" -gt 1000 ]; then
		log "waited $((ms / 1000))s for other processes to calm down (last seen: $busy cores busy)"
	fi
}

# run_cell NAME MODE CONNS SIZE TYPE: one cell, in a server process of its
# own (started on a free port, stopped after), so that no cell inherits
# another's heap or connections.
run_cell() {
	local name=$1 mode=$2 conns=$3 size=$4 typ=$5 compress=false port out rc
	[ "$mode" = on ] && compress=true
	port=$("$tool" port)
	if ! start_server "$name" "$mode" "$port"; then
		record_error "$name" "$conns" "$size" "$typ" "$compress" "server did not start"
		failed=$((failed + 1))
		return
	fi
	wait_quiet
	local args=(-url "ws://127.0.0.1:$port/" -conns "$conns" -size "$size" -duration "$duration"
		-warmup "$warmup" -messages "$(cap_for "$size")" -label "$name" -server-pid "$server_pid" -json)
	[ "$typ" = text ] && args+=(-text)
	[ "$compress" = true ] && args+=(-compress)
	out=$("${run_load[@]}" "$tmp/bin/load" "${args[@]}")
	rc=$?
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >>"$jsonl"
	else
		record_error "$name" "$conns" "$size" "$typ" "$compress" "load exited with status $rc and no result"
	fi
	[ "$rc" = 0 ] || failed=$((failed + 1))
	stop_server
}

# header prints the first lines of a report: when, what, on which machine.
header() {
	echo "$1, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "cores: $(nproc), $(go version | sed 's/^go version //'), $(uname -sr); $pin_note"
}

# ---- Autobahn durations (--autobahn) ------------------------------------------
# Each server in turn, the first one turning from round to round, a fresh
# server process for every run of the suite.
if [ "$autobahn" = 1 ]; then
	read -r -a server_list <<<"$servers"
	abdir=$results/autobahn
	rm -rf "$abdir"
	mkdir -p "$abdir"
	total=$((rounds * ${#server_list[@]}))
	started=$(date +%s)
	for round in $(seq "$rounds"); do
		for i in "${!server_list[@]}"; do
			name=${server_list[$(((i + round) % ${#server_list[@]}))]}
			n=$((n + 1))
			[ "$name" = wsfuzz ] && [ "$ref_ok" != 1 ] && continue
			log "[$n/$total] round $round/$rounds, $name: Autobahn $autobahn_cases ($(($(date +%s) - started))s elapsed)"
			port=$("$tool" port)
			if ! start_server "$name" off "$port"; then
				failed=$((failed + 1))
				continue
			fi
			wait_quiet
			suite_log=$tmp/logs/autobahn-$round-$name.log
			"${run_load[@]}" "$root/scripts/autobahn.sh" -n -c "$autobahn_cases" -a "$name" \
				-o "$abdir/round-$round/$name" "ws://127.0.0.1:$port/" >"$suite_log" 2>&1
			rc=$?
			stop_server
			case $rc in
			0) ;;
			1) failed=$((failed + 1)) ;; # listed under the table
			*)
				log "the suite did not run against $name: $(tail -n 3 "$suite_log" | tr '\n' ' ')"
				exit 1
				;;
			esac
		done
	done
	{
		header "wsfuzz Autobahn durations"
		# autobahn.sh names the suite it ran in its first line: "== SUITE against URL".
		echo "suite: $(sed -n '1s/^== \(.*\) against .*/\1/p' "$suite_log"), cases $autobahn_cases, one server at a time"
		echo "wsfuzz: serve ${ref_args[*]} ${ref_off_args[*]}"
		echo
		"$tool" durations "$abdir" wsfuzz
	} >"$tmp/autobahn.txt" || exit 1
	cp "$tmp/autobahn.txt" "$results/autobahn.txt"
	cat "$tmp/autobahn.txt"
	log "done in $(($(date +%s) - started))s; table in ${results#"$root"/}/autobahn.txt, reports in ${abdir#"$root"/}"
	[ "$failed" = 0 ] || exit 1
	exit 0
fi

# Row by row: the servers of a row run one after another, so a slow minute
# of the machine falls on all of them alike rather than on one server's
# whole column. Which server goes first turns with every row and round.
read -r -a server_list <<<"$servers"
started=$(date +%s)
row_no=0
for round in $(seq "$rounds"); do
	for mode in off on; do
		if [ "$mode" = off ]; then rows=("${rows_off[@]}"); else rows=("${rows_on[@]}"); fi
		for row in "${rows[@]}"; do
			read -r conns size typ <<<"$row"
			row_no=$((row_no + 1))
			for i in "${!server_list[@]}"; do
				name=${server_list[$(((i + row_no) % ${#server_list[@]}))]}
				n=$((n + 1))
				if [ "$name" = wsfuzz ] && { [ "$ref_ok" != 1 ] || { [ "$mode" = on ] && [ "$ref_deflate" != 1 ]; }; }; then
					continue
				fi
				log "[$n/$total] round $round/$rounds, $name: $conns conns x $size $typ, compression $mode ($(($(date +%s) - started))s elapsed)"
				run_cell "$name" "$mode" "$conns" "$size" "$typ"
			done
		done
	done
done

# ---- table -----------------------------------------------------------------
{
	header "wsfuzz benchmark"
	echo "cells: $duration each ($warmup warm-up not counted) or a message cap (16 B and 1 KiB: 2M, 64 KiB: 200k, 1 MiB: 6k), whichever first; one message in flight per connection; $rounds round(s), median shown"
	echo "client: scripts/bench/load (gobwas/ws handshake, prebuilt masked frames, every echo compared byte for byte)"
	if [ "$ref_ok" = 1 ]; then
		echo "wsfuzz: serve ${ref_args[*]}; compression off: ${ref_off_args[*]:-(no flag; the client does not offer it)}"
	fi
	[ -n "$ref_note" ] && echo "note: $ref_note"
	echo
	"$tool" table "$jsonl" wsfuzz
} >"$tmp/table.txt"
cp "$tmp/table.txt" "$results/latest.txt"
cp "$jsonl" "$results/latest.jsonl"
cat "$tmp/table.txt"
log "done in $(($(date +%s) - started))s (of which $((quiet_waited_ms / 1000))s waiting for a quiet machine); table in ${results#"$root"/}/latest.txt"
if [ "$failed" -gt 0 ]; then
	log "$failed cells failed"
	exit 1
fi
