package fuzz

import "testing"

// FuzzTrivial does nothing but one comparison on its input. It is not a
// test of anything: it measures the fuzzing engine's own rate on this
// machine, in this package's binary (same coverage map, same corpus
// plumbing), so that scripts/fuzz.sh can show each real target's rate as
// a fraction of the most the engine can do.
func FuzzTrivial(f *testing.F) {
	f.Add([]byte("x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1 && data[0] == 'x' {
			return
		}
	})
}
