#!/usr/bin/env bash
# fuzz.sh [seconds] - run every native fuzz target of the module in turn.
#
# The targets are found with go test -list: every Fuzz* function of every
# package of this module (fuzz/, corpus/, server/deflate/, ...), so a new
# target is run without being listed here. go test -fuzz runs one target
# at a time, so this script runs them one after the other, each for the
# given number of seconds (default 10).
# Before each target and after the last one it runs FuzzTrivial, a target
# that does nothing but one comparison: its rate is the most the fuzzing
# engine can do on this machine at that moment, and each target's rate is
# shown as a fraction of the mean of the trivial runs on either side of it,
# so that a change in the machine's load during a long run does not skew
# the comparison.
#
# It stops at the first failure and prints the command that reproduces it;
# the failing input is in <package>/testdata/fuzz/<Target>/. At the end it
# prints one table: executions, average executions per second, new
# interesting inputs, the trivial baseline and the ratio to it.
#
# Environment:
#   FUZZ_TARGETS   space-separated targets to run (default: all), each a
#                  name (FuzzSession) or package/name (server/deflate/FuzzInflateMessage)
#   FUZZ_PARALLEL  fuzzing workers, go test -parallel (default 1)
#   FUZZ_TRIVIAL_SECONDS  length of each FuzzTrivial run (default: the
#                  same as the targets', at most 60)
#   FUZZ_LOG_DIR   where each target's full output goes (default: a temp dir)
#   FUZZ_MINIMIZE_TIME  -fuzzminimizetime for new interesting inputs
#                  (default: Go's, 60s); the engine's rate counts the time
#                  spent minimizing, so targets that find much new
#                  coverage run at a lower rate than FuzzTrivial
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
parallel=${FUZZ_PARALLEL:-1}
logs=${FUZZ_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-fuzz.XXXXXX")}
mkdir -p "$logs"

# all_targets lists "package/Target" for every fuzz target of the module
# but FuzzTrivial, packages as directories relative to the module root.
all_targets() {
	local module
	module=$(go list -m)
	go test -list '^Fuzz' ./... | awk -v module="$module" '
		/^Fuzz/ { names[++n] = $1; next }
		/^(ok|\?) / {
			dir = $2; sub("^" module "/?", "", dir); if (dir == "") dir = "."
			for (i = 1; i <= n; i++) if (names[i] != "FuzzTrivial") print dir "/" names[i]
			n = 0
		}'
}

found=$(all_targets)
if [ -z "${FUZZ_TARGETS:-}" ]; then
	targets=$found
else
	targets=
	for t in $FUZZ_TARGETS; do
		match=$(grep -E "(^|/)${t}\$" <<<"$found" || true)
		if [ "$(grep -c . <<<"$match")" -ne 1 ]; then
			echo "fuzz.sh: FUZZ_TARGETS names $t, which is not exactly one of the targets:" $found >&2
			exit 2
		fi
		targets="$targets $match"
	done
fi

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
trivial_seconds=${FUZZ_TRIVIAL_SECONDS:-$((seconds < 60 ? seconds : 60))}
echo "fuzzing" $targets
echo "${seconds}s per target, FuzzTrivial ${trivial_seconds}s between them, -parallel $parallel, logs in $logs"

# engine_deadline_race tells whether a failed run's log shows only the
# Go fuzzing engine's own race at the end of a -fuzztime duration
# (go.dev/issue/75804, fixed in Go 1.27): the coordinator reports its
# deadline as the target's failure, "--- FAIL: Target" followed by
# "context deadline exceeded", with no failing input written, no panic
# and no message from the target itself. Such a run found nothing; it is
# run again, at most four times. Every other failure stops the script.
engine_deadline_race() {
	local log=$1
	grep -q '^    context deadline exceeded$' "$log" &&
		! grep -q 'Failing input written\|panic:\|_test\.go:[0-9]' "$log" &&
		[ "$(grep -c '^    ' "$log")" -eq 1 ]
}

# fuzz_one runs one target (package/Target) for the given seconds and
# appends "target execs rate new" to rates.txt; on failure it prints how to
# reproduce it and exits.
fuzz_one() {
	local dir=${1%/*} target=${1##*/} secs=$2 run=$3
	local log="$logs/$target.$run.log"
	local cmd=(go test "./$dir" -run "^${target}\$" -fuzz "^${target}\$" -fuzztime "${secs}s" -parallel "$parallel" -timeout 0)
	if [ -n "${FUZZ_MINIMIZE_TIME:-}" ]; then
		cmd+=(-fuzzminimizetime "$FUZZ_MINIMIZE_TIME")
	fi
	echo "== ${cmd[*]}"
	local attempt=1 ok=1
	while ! "${cmd[@]}" >"$log" 2>&1; do
		if ! engine_deadline_race "$log" || [ "$attempt" -ge 5 ]; then
			ok=0
			break
		fi
		echo "   the engine's -fuzztime deadline race (go.dev/issue/75804), not a finding; run $((attempt + 1)) of at most 5"
		cp "$log" "$log.race$attempt"
		attempt=$((attempt + 1))
	done
	if [ "$ok" -eq 0 ]; then
		tail -n 40 "$log"
		local input
		input=$(sed -n 's/.*Failing input written to testdata\/fuzz\/[^/]*\/\([^ ]*\).*/\1/p' "$log" | tail -n 1)
		echo
		echo "FAIL: $dir/$target (full output: $log)"
		if [ -n "$input" ]; then
			echo "failing input: $dir/testdata/fuzz/$target/$input"
			echo "reproduce with: go test ./$dir -run '^${target}\$/^${input}\$' -v"
		else
			echo "reproduce with: ${cmd[*]}"
		fi
		exit 1
	fi
	# The last status line: "fuzz: elapsed: 5m0s, execs: 123 (4/sec), new interesting: 7 (total: 40)".
	local last elapsed execs new rate
	last=$(grep 'fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
	if [ -z "$last" ]; then
		# The run passed while the engine was still running the seed corpus
		# (gathering baseline coverage): a slow or loaded machine. Every seed
		# it ran passed; nothing was fuzzed, and the table says so.
		last=$(grep 'gathering baseline coverage: ' "$log" | tail -n 1 || true)
		if [ -z "$last" ]; then
			echo "no status line in $log" >&2
			exit 1
		fi
		echo "$target 0 0 0" >>"$logs/rates.txt"
		echo "   $last (the -fuzztime ended before fuzzing began)"
		return
	fi
	elapsed=$(sed -n 's/.*elapsed: \([^,]*\),.*/\1/p' <<<"$last")
	execs=$(sed -n 's/.*execs: \([0-9]*\) .*/\1/p' <<<"$last")
	new=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$last")
	rate=$(awk -v e="$execs" -v s="$(seconds_of "$elapsed")" 'BEGIN { printf "%d", (s > 0 ? e / s : 0) }')
	echo "$target $execs $rate ${new:-0}" >>"$logs/rates.txt"
	echo "   $last"
}

run=0
fuzz_one fuzz/FuzzTrivial "$trivial_seconds" $run
for target in $targets; do
	run=$((run + 1))
	fuzz_one "$target" "$seconds" $run
	fuzz_one fuzz/FuzzTrivial "$trivial_seconds" $run
done

# Each target against the mean of the trivial runs before and after it.
printf '%-24s %12s %10s %8s %10s %8s\n' target execs execs/s new trivial/s ratio >"$table"
awk '
	$1 == "FuzzTrivial" { t[++nt] = $3; next }
	{ name[++n] = $1; execs[n] = $2; rate[n] = $3; new[n] = $4; after[n] = nt }
	END {
		for (i = 1; i <= n; i++) {
			base = (t[after[i]] + t[after[i] + 1]) / 2
			printf "%-24s %12d %10d %8d %10d %8.2f\n", name[i], execs[i], rate[i], new[i], base, (base > 0 ? rate[i] / base : 0)
		}
		for (i = 1; i <= nt; i++) trivial = trivial " " t[i]
		print "FuzzTrivial runs (execs/s):" trivial
	}' "$logs/rates.txt" >>"$table"
echo
echo "all targets passed (${seconds}s each, -parallel $parallel); average execs/s, new interesting inputs,"
echo "and ratio to the mean FuzzTrivial rate of the runs before and after each target:"
cat "$table"
