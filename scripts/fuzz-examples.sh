#!/usr/bin/env bash
# fuzz-examples.sh [seconds] - fuzz the echo server of each peer library in
# examples/ (gorilla/websocket, gobwas/ws, coder/websocket, lxzan/gws) with
# wsfuzz's harness, one library after the other, for the given number of
# seconds each (default 60), and summarise what each run found.
#
# go test -fuzz stops at the first failure. To find more than one kind of
# finding in a library's budget, the script fuzzes it in rounds: after
# each finding it adds the finding's class (its verdict kind and what went
# wrong, printed by the target as "finding: ...") to a known list, and
# fuzzes again for what is left of the budget, with the inputs of a known
# class skipped (examples/internal/probe, Server.Fuzz). A panic in a
# goroutine the server started itself crashes the process before there
# is a verdict to skip: it ends the library's run.
#
# A finding is either a seed (the shipped corpus or testdata/fuzz, shown
# as seed#N or by file name, not minimised) or an input the fuzzer made
# and minimised, which go test writes to
# examples/<lib>/testdata/fuzz/<Target>/<hash>. For each, the summary shows
# its class, the input as the harness prints it (offer, size, pieces, the
# bytes in hex, at most 512) and the command that reruns it.
#
# Exit status: 0 when no library had a finding, 1 when one had.
#
# Environment:
#   FUZZ_EXAMPLES     libraries to fuzz (default: gorilla gobwas coder gws)
#   FUZZ_STRICT=1     judge with fuzz.Strict: NON-STRICT verdicts and what
#                     only strict mode holds against a server are findings
#   FUZZ_PARALLEL     fuzzing workers, go test -parallel (default 1)
#   FUZZ_ROUNDS       at most this many rounds per library (default 10)
#   FUZZ_KNOWN        a file name in each library's directory (for example
#                     known.txt) whose signatures are known from the start:
#                     only a new kind of finding counts
#   FUZZ_LOG_DIR      where the logs, known lists and summary go (default:
#                     a temp dir)
set -euo pipefail
cd "$(dirname "$0")/../examples"

seconds=${1:-60}
libs=${FUZZ_EXAMPLES:-"gorilla gobwas coder gws"}
parallel=${FUZZ_PARALLEL:-1}
rounds=${FUZZ_ROUNDS:-10}
logs=${FUZZ_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-examples.XXXXXX")}
mkdir -p "$logs"
summary="$logs/summary.txt"
: >"$summary"
env_prefix=""
mode="default options"
if [ "${FUZZ_STRICT:-}" = 1 ]; then
	env_prefix="WSFUZZ_STRICT=1 "
	mode="fuzz.Strict"
fi
echo "fuzzing examples/: ${seconds}s per library ($mode), -parallel $parallel, logs in $logs"

# target_of names a library's fuzz target: gorilla -> FuzzGorilla.
target_of() {
	case $1 in
	gws) echo FuzzGws ;;
	*) echo "Fuzz$(tr '[:lower:]' '[:upper:]' <<<"${1:0:1}")${1:1}" ;;
	esac
}

# engine_deadline_race tells whether a failed run's log shows only the Go
# fuzzing engine's own race at the end of -fuzztime (go.dev/issue/75804):
# "context deadline exceeded" and nothing the target said.
engine_deadline_race() {
	grep -q '^    context deadline exceeded$' "$1" &&
		! grep -q 'Failing input written\|panic:\|finding: \|_test\.go:[0-9]\|\.go:[0-9]*: ' "$1"
}

# note appends a line to the summary and prints it.
note() { echo "$*" | tee -a "$summary"; }

found=0
for lib in $libs; do
	target=$(target_of "$lib")
	known="$logs/$lib.known"
	: >"$known"
	if [ -n "${FUZZ_KNOWN:-}" ] && [ -f "$lib/$FUZZ_KNOWN" ]; then
		cat "$lib/$FUZZ_KNOWN" >"$known"
	fi
	start=$SECONDS
	note ""
	note "== $lib ($target, ${seconds}s, $mode)"
	round=0
	ended=""
	while [ -z "$ended" ]; do
		if [ "$round" -ge "$rounds" ]; then
			note "   stopped after $rounds rounds (FUZZ_ROUNDS), $((SECONDS - start))s of the budget used"
			break
		fi
		left=$((seconds - (SECONDS - start)))
		if [ "$left" -lt 1 ]; then
			note "   budget spent"
			ended=1
			continue
		fi
		round=$((round + 1))
		log="$logs/$lib.$round.log"
		cmd=(go test "./$lib" -run '^$' -fuzz "^${target}\$" -fuzztime "${left}s" -parallel "$parallel" -timeout 0)
		echo "   round $round: ${env_prefix}WSFUZZ_KNOWN=$known ${cmd[*]}"
		if WSFUZZ_KNOWN=$known WSFUZZ_STRICT=${FUZZ_STRICT:-} "${cmd[@]}" >"$log" 2>&1; then
			last=$(grep 'fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
			note "   no new finding in the last ${left}s (${last:-the seed corpus not yet all run})"
			break
		fi
		if engine_deadline_race "$log"; then
			note "   the engine's -fuzztime deadline race (go.dev/issue/75804), not a finding"
			continue
		fi
		at=$((SECONDS - start))
		found=1
		seed=$(sed -n "s/^failure while testing seed corpus entry: $target\/\(.*\)$/\1/p" "$log" | head -n 1)
		file=$(sed -n "s/.*Failing input written to testdata\/fuzz\/$target\/\([^ ]*\).*/\1/p" "$log" | tail -n 1)
		sig=$(sed -n 's/^ *fuzz\.go:[0-9]*: finding: //p' "$log" | head -n 1)
		input=$(sed -n 's/^ *input: //p' "$log" | tail -n 1)
		name=${file:-$seed}
		if [ -z "$sig" ]; then
			# The process died before a verdict; go test -fuzz does not show
			# why, so run the input once more on its own to see the panic.
			crash="$log.crash"
			if [ -n "$name" ]; then
				${env_prefix:+env WSFUZZ_STRICT=1} go test "./$lib" -run "^$target/$name\$" >"$crash" 2>&1 || true
			fi
			sig="CRASH | $(grep -h -m 1 '^panic: \|^fatal error: ' "$crash" "$log" 2>/dev/null | head -n 1 || true)"
			[ "$sig" = "CRASH | " ] && sig="CRASH | $(grep -m 1 'fuzzing process hung or terminated unexpectedly' "$log" || echo "see $log")"
		fi
		note "   finding $round after ${at}s: $sig"
		if [ -n "$name" ]; then
			note "     input: ${input:-(none printed; see the corpus file)}"
			[ -n "$file" ] && note "     corpus file: examples/$lib/testdata/fuzz/$target/$file"
			note "     rerun: (cd examples && ${env_prefix}go test ./$lib -run '^$target/$name\$')"
		else
			note "     no input recorded: see $log"
		fi
		case $sig in
		CRASH*)
			note "   a crash of the whole process cannot be skipped: the run of $lib ends here"
			break
			;;
		esac
		echo "$sig" >>"$known"
	done
done
echo
echo "summary ($summary):"
cat "$summary"
exit "$found"
