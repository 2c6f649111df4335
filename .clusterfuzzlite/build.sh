#!/bin/bash -eu
# Builds every native fuzz target of ./fuzz as a libFuzzer binary with
# OSS-Fuzz's native Go build (compile_native_go_fuzzer, which runs
# go-118-fuzz-build and links with $LIB_FUZZING_ENGINE), and packs each
# target's committed seed corpus as $OUT/<Target>_seed_corpus.zip.
#
# It runs inside the builder image (see Dockerfile) on a copy of the
# repository: the go get below changes only that copy's go.mod, never the
# repository's. To try the same build on a plain machine, see local.sh.
cd "$SRC/wsfuzz"

# The testing shim go-118-fuzz-build puts in place of package testing,
# pinned to the version local.sh is proven with.
tool_version=v0.0.0-20250520111509-a70c2aa677fa
go get "github.com/AdamKorcz/go-118-fuzz-build/testing@$tool_version"

targets="FuzzFrame FuzzFrameStruct FuzzMask FuzzUTF8 FuzzClose FuzzHandshake FuzzInflate FuzzSession"
for target in $targets; do
	compile_native_go_fuzzer github.com/wsfuzz/wsfuzz/fuzz "$target" "$target"
done

# libFuzzer reads each input whole; the harness splits it into the
# target's arguments the way go-fuzz-headers does, so the Go corpus files
# are converted to that encoding first.
corpus="$WORK/wsfuzz-corpus"
WSFUZZ_LIBFUZZER_CORPUS="$corpus" go test -count=1 -run '^TestLibFuzzerCorpus$' ./fuzz
for target in $targets; do
	(cd "$corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
done
