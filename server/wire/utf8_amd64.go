package wire

import "unicode/utf8"

// validAVX2 reports whether p followed by tail is valid UTF-8; len(p) is
// a multiple of 32 and tail is the rest of the input padded with zeros.
//
//go:noescape
func validAVX2(p []byte, tail *[32]byte) bool

// vectorMinUTF8 is the shortest input the vector loop takes: below it
// the setup costs more than utf8.Valid's whole run.
const vectorMinUTF8 = 64

// validUTF8 reports whether p is valid UTF-8, as utf8.Valid does, 32
// bytes at a time on CPUs with AVX2.
func validUTF8(p []byte) bool {
	if !hasAVX2 || len(p) < vectorMinUTF8 {
		return utf8.Valid(p)
	}
	n := len(p) &^ 31
	var tail [32]byte
	copy(tail[:], p[n:])
	return validAVX2(p[:n], &tail)
}
