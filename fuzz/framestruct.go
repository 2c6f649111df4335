package fuzz

import gofuzz "github.com/google/gofuzz"

// fuzzFrame is the frame FuzzFrameStruct builds from its input: a header's
// fields and a payload.
type fuzzFrame struct {
	Fin     bool
	Rsv     uint8
	OpCode  uint8
	Masked  bool
	Mask    [4]byte
	Length  int64
	Payload []byte
}

// frameFromBytes fills a fuzzFrame from data with gofuzz, reading data as
// its source of randomness, so that the fuzzing engine's mutations of data
// steer the fields. This is the only use of gofuzz (an archived module), so
// that replacing it touches one function.
func frameFromBytes(data []byte) fuzzFrame {
	var f fuzzFrame
	gofuzz.NewFromGoFuzz(data).Fuzz(&f)
	return f
}
