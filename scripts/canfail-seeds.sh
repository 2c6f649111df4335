#!/usr/bin/env bash
# canfail-seeds.sh [first] [last] - run every can-fail test of ./props
# (TestCanFail*: a property checked against a deliberately broken
# implementation, which must find the bug and shrink it to a small
# counterexample) once per seed from first to last (default 1 to 1000),
# and print each seed and test that failed. A can-fail test that misses
# its broken variant for some seed would make CI flaky; this shows it
# does not. Exits 1 when any seed failed.
set -euo pipefail
cd "$(dirname "$0")/.."
first=${1:-1}
last=${2:-1000}
bin=$(mktemp "${TMPDIR:-/tmp}/props-test.XXXXXX")
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" ./props
tests=$("$bin" -test.list '^TestCanFail' | wc -l)
echo "running $tests can-fail tests for seeds $first to $last"
failed=0
for seed in $(seq "$first" "$last"); do
	if ! out=$(PROPS_SEED=$seed "$bin" -test.run '^TestCanFail' 2>&1); then
		grep -- '--- FAIL' <<<"$out" | sed "s/^/seed $seed: /"
		failed=$((failed + 1))
	fi
done
echo "$failed of $((last - first + 1)) seeds failed"
[ "$failed" -eq 0 ]
