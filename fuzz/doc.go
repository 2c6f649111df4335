// Package fuzz holds wsfuzz's native fuzz targets (go test -fuzz) and the
// checks, models and input decoders they share.
//
// Each target lives in its own *_fuzz_test.go file together with its check
// function: the property the target asserts, written against the
// implementation under test passed in as parameters. The same check runs
// over the committed seed corpus (go test ./fuzz), under the fuzzing
// engine, and in the can-fail tests, which plug deliberately broken
// implementations into it and assert that it reports them.
//
// The targets and their inputs:
//
//	FuzzFrame(data []byte)                 one frame header, judged against gobwas/ws
//	FuzzFrameStruct(data []byte)           a frame struct built from data by gofuzz
//	FuzzMask(payload, key uint32, offset)  the masking fast path against the definition
//	FuzzUTF8(data, splits []byte)          the streaming validator under any split
//	FuzzClose(payload []byte)              close payloads and the session's reply
//	FuzzHandshake(request []byte)          the opening handshake on raw HTTP bytes
//	FuzzInflate(compressed []byte)         permessage-deflate inflation under a limit
//	FuzzSession(stream, chops, extensions) the whole sans-I/O session against a model
//	FuzzTrivial(data []byte)               the engine's rate baseline, nothing else
//
// Where an input is cut into pieces (splits, chops), the pieces are listed
// as sizes in unsigned varints; see forEachPiece.
//
// The shared helpers (the reporter interface, the piece decoder, the
// handshake model, the server frame stream parser, the compress/flate
// reference) are ordinary, non-test files on purpose: OSS-Fuzz's native Go
// build (go-118-fuzz-build) compiles only the package's non-test files plus
// the one test file that holds the target it builds, so a helper in another
// _test.go file would not be there.
//
// The seed corpus is in testdata/fuzz/<Target>/: hand-written seeds (RFC
// 6455 examples, boundary lengths; named seed-*) and the entries the corpus
// importer writes from Autobahn reports (named by hash). scripts/fuzz.sh runs
// every target in turn; docs/fuzzing.md tells how to run them locally, in
// CI and under ClusterFuzzLite or OSS-Fuzz.
package fuzz
