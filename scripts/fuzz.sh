#!/usr/bin/env bash
# fuzz.sh [seconds] - run every native fuzz target of ./fuzz in turn.
#
# go test -fuzz runs one target at a time, so this script runs them one
# after the other, each for the given number of seconds (default 10),
# between two runs of FuzzTrivial, a target that does nothing but one
# comparison: its rate is the most the fuzzing engine can do on this
# machine, and every target's rate is shown as a fraction of the better of
# its two runs (the machine's load may change during the script).
#
# It stops at the first failure and prints the command that reproduces it;
# the failing input is in fuzz/testdata/fuzz/<Target>/. At the end it
# prints one table: executions, average executions per second, new
# interesting inputs, and the ratio to the trivial target.
#
# Environment:
#   FUZZ_TARGETS   space-separated targets to run (default: all)
#   FUZZ_PARALLEL  fuzzing workers, go test -parallel (default 1)
#   FUZZ_LOG_DIR   where each target's full output goes (default: a temp dir)
#   FUZZ_MINIMIZE_TIME  -fuzzminimizetime for new interesting inputs
#                  (default: Go's, 60s); the engine's rate counts the time
#                  spent minimizing, so targets that find much new
#                  coverage run at a lower rate than FuzzTrivial
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
parallel=${FUZZ_PARALLEL:-1}
targets=${FUZZ_TARGETS:-"FuzzFrame FuzzFrameStruct FuzzMask FuzzUTF8 FuzzClose FuzzHandshake FuzzInflate FuzzSession"}
logs=${FUZZ_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-fuzz.XXXXXX")}
mkdir -p "$logs"

# seconds_of turns a Go duration as the fuzzer prints it (59s, 5m0s,
# 1h2m3s) into seconds.
seconds_of() {
	awk -v d="$1" 'BEGIN {
		s = 0
		while (match(d, /^[0-9.]+[hms]/)) {
			n = substr(d, 1, RLENGTH - 1); u = substr(d, RLENGTH, 1)
			s += n * (u == "h" ? 3600 : u == "m" ? 60 : 1)
			d = substr(d, RLENGTH + 1)
		}
		print s
	}'
}

table="$logs/table.txt"
: >"$logs/rates.txt"
printf '%-16s %12s %10s %8s %8s\n' target execs execs/s new ratio >"$table"
trivial_rate=
echo "fuzzing ./fuzz: ${seconds}s per target, -parallel $parallel, logs in $logs"
for target in FuzzTrivial $targets FuzzTrivial; do
	log="$logs/$target.log"
	cmd=(go test ./fuzz -run "^${target}\$" -fuzz "^${target}\$" -fuzztime "${seconds}s" -parallel "$parallel" -timeout 0)
	if [ -n "${FUZZ_MINIMIZE_TIME:-}" ]; then
		cmd+=(-fuzzminimizetime "$FUZZ_MINIMIZE_TIME")
	fi
	echo "== ${cmd[*]}"
	if ! "${cmd[@]}" >"$log" 2>&1; then
		tail -n 40 "$log"
		input=$(sed -n 's/.*Failing input written to testdata\/fuzz\/[^/]*\/\([^ ]*\).*/\1/p' "$log" | tail -n 1)
		echo
		echo "FAIL: $target (full output: $log)"
		if [ -n "$input" ]; then
			echo "failing input: fuzz/testdata/fuzz/$target/$input"
			echo "reproduce with: go test ./fuzz -run '^${target}\$/^${input}\$' -v"
		else
			echo "reproduce with: ${cmd[*]}"
		fi
		exit 1
	fi
	# The last status line: "fuzz: elapsed: 5m0s, execs: 123 (4/sec), new interesting: 7 (total: 40)".
	last=$(grep 'fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
	if [ -z "$last" ]; then
		echo "no status line in $log" >&2
		exit 1
	fi
	elapsed=$(sed -n 's/.*elapsed: \([^,]*\),.*/\1/p' <<<"$last")
	execs=$(sed -n 's/.*execs: \([0-9]*\) .*/\1/p' <<<"$last")
	new=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
	secs=$(seconds_of "$elapsed")
	rate=$(awk -v e="$execs" -v s="$secs" 'BEGIN { printf "%d", (s > 0 ? e / s : 0) }')
	if [ "$target" = FuzzTrivial ] && [ "${rate}" -gt "${trivial_rate:-0}" ]; then
		trivial_rate=$rate
	fi
	echo "$target $execs $rate ${new:-0}" >>"$logs/rates.txt"
	echo "   $last"
done
# The ratios, once both trivial runs are in.
while read -r target execs rate new; do
	ratio=$(awk -v r="$rate" -v t="$trivial_rate" 'BEGIN { printf "%.2f", (t > 0 ? r / t : 0) }')
	printf '%-16s %12s %10s %8s %8s\n' "$target" "$execs" "$rate" "$new" "$ratio" >>"$table"
done <"$logs/rates.txt"
echo
echo "all targets passed (${seconds}s each, -parallel $parallel); average execs/s, new interesting inputs,"
echo "and ratio to FuzzTrivial's better run ($trivial_rate execs/s):"
cat "$table"
