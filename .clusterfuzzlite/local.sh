#!/usr/bin/env bash
# local.sh [target] [seconds] - build one fuzz target as a libFuzzer binary,
# the way OSS-Fuzz's native Go build does, and run it for a while.
#
#   .clusterfuzzlite/local.sh FuzzSession 60
#
# Needs Go and clang (Debian: apt-get install -y clang). go-118-fuzz-build
# rewrites the target's test file and needs its testing shim in go.mod, so
# the build runs in a copy of the repository under $WORK (default: a temp
# dir); the repository itself and its go.mod are left untouched. The
# binary, its corpus and the run's log stay in $WORK. The run starts from
# the committed seed corpus, converted to libFuzzer's encoding.
#
# INSTRUMENT chooses what gets coverage instrumentation: "project" (the
# default) instruments the module's packages except ./fuzz (the code under
# test, not the checks and the model) and except the packages listed in
# PRESERVE (comma-separated import paths); "all" instruments every
# package, as compile_native_go_fuzzer does in build.sh. For example, to
# fuzz the session without steering into server/deflate, which FuzzInflate
# fuzzes on its own:
#
#   PRESERVE=github.com/wsfuzz/wsfuzz/server/deflate .clusterfuzzlite/local.sh FuzzSession 60
set -euo pipefail
target=${1:-FuzzSession}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/wsfuzz-libfuzzer.XXXXXX")}
# The build tool and its testing shim, pinned (see build.sh).
tool_version=v0.0.0-20250520111509-a70c2aa677fa

export PATH="$(go env GOPATH)/bin:$PATH"
if ! command -v go-118-fuzz-build >/dev/null; then
	go install "github.com/AdamKorcz/go-118-fuzz-build@$tool_version"
fi

src="$work/src"
rm -rf "$src"
mkdir -p "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src")
cd "$src"
go get "github.com/AdamKorcz/go-118-fuzz-build/testing@$tool_version" >/dev/null 2>&1
flags=()
if [ "${INSTRUMENT:-project}" = project ]; then
	flags=(-include 'github.com/wsfuzz/wsfuzz/*' -preserve "github.com/wsfuzz/wsfuzz/fuzz${PRESERVE:+,$PRESERVE}")
fi
echo "== go-118-fuzz-build ${flags[*]} -o $work/$target.a -func $target ./fuzz"
go-118-fuzz-build "${flags[@]}" -o "$work/$target.a" -func "$target" ./fuzz
echo "== clang -fsanitize=fuzzer $work/$target.a -o $work/$target"
clang -fsanitize=fuzzer "$work/$target.a" -o "$work/$target"

corpus="$work/corpus-$target"
rm -rf "$corpus" "$work/seeds"
WSFUZZ_LIBFUZZER_CORPUS="$work/seeds" go test -count=1 -run '^TestLibFuzzerCorpus$' ./fuzz >/dev/null
if [ -d "$work/seeds/$target" ]; then mv "$work/seeds/$target" "$corpus"; else mkdir -p "$corpus"; fi
echo "== $work/$target -max_total_time=$seconds -print_final_stats=1 $corpus"
"$work/$target" -max_total_time="$seconds" -print_final_stats=1 "$corpus" 2>&1 | tee "$work/$target.log" | grep -E '^#[0-9]+ +(pulse|DONE)|stat::|ERROR|panic' || true
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$target.log")
echo "$target under libFuzzer: $execs executions in ${seconds}s, $rate execs/s (log: $work/$target.log)"
grep -q '^stat::number_of_executed_units' "$work/$target.log"
