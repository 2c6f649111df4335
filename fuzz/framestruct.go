package fuzz

import (
	"encoding/binary"
	"sync"

	gofuzz "github.com/google/gofuzz"
)

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

// frameFuzzers holds reusable gofuzz Fuzzers. gofuzz.NewFromGoFuzz(data)
// builds a new Fuzzer per input and seeds three math/rand sources on the
// way (tens of microseconds, several times the fuzzing engine's own cost
// per input); a Fuzzer whose random source is swapped for a goFuzzSource
// reads the input the same way for a fraction of that.
var frameFuzzers = sync.Pool{New: func() any { return gofuzz.NewWithSeed(0) }}

// frameFromBytes fills a fuzzFrame from data with gofuzz, reading data as
// its source of randomness, so that the fuzzing engine's mutations of data
// steer the fields: it decodes data exactly as gofuzz.NewFromGoFuzz(data)
// would until data runs out. This is the only use of gofuzz (an archived
// module), so that replacing it touches one function.
func frameFromBytes(data []byte) fuzzFrame {
	fz := frameFuzzers.Get().(*gofuzz.Fuzzer)
	defer frameFuzzers.Put(fz)
	var f fuzzFrame
	fz.RandSource(newGoFuzzSource(data)).Fuzz(&f)
	return f
}

// goFuzzSource is a math/rand source that reads its numbers from an input
// the way gofuzz's bytesource does for NewFromGoFuzz: the first 8 bytes
// seed the fallback, then each number is the next 8 bytes, big-endian,
// zero-padded at the end. When the input is used up it falls back to a
// splitmix64 sequence from that seed (bytesource falls back to a math/rand
// source, which is costly to seed).
type goFuzzSource struct {
	data     []byte
	fallback uint64
}

func newGoFuzzSource(data []byte) *goFuzzSource {
	s := &goFuzzSource{data: data}
	if len(data) > 0 {
		s.fallback = s.next()
	}
	return s
}

func (s *goFuzzSource) next() uint64 {
	var b [8]byte
	n := copy(b[:], s.data)
	s.data = s.data[n:]
	return binary.BigEndian.Uint64(b[:])
}

func (s *goFuzzSource) Uint64() uint64 {
	if len(s.data) > 0 {
		return s.next()
	}
	s.fallback += 0x9E3779B97F4A7C15
	z := s.fallback
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (s *goFuzzSource) Int63() int64 { return int64(s.Uint64() >> 1) }

func (s *goFuzzSource) Seed(seed int64) { s.data, s.fallback = nil, uint64(seed) }
