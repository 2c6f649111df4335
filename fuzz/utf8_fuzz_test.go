package fuzz

import (
	"github.com/wsfuzz/wsfuzz/oracle"
	"testing"
	"unicode/utf8"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FuzzUTF8 checks the streaming UTF-8 validator with checkUTF8: data is
// the text, splits the sizes of the pieces it arrives in (unsigned
// varints, see forEachPiece).
func FuzzUTF8(f *testing.F) {
	f.Fuzz(func(t *testing.T, data, splits []byte) {
		checkUTF8(t, newWireValidator, wire.FirstInvalidUTF8, data, splits)
	})
}

// streamValidator is the interface of wire.UTF8Validator that the check
// drives.
type streamValidator interface {
	Write(p []byte) bool
	Offset() int64
	Failed() bool
	Done() bool
}

func newWireValidator() streamValidator { return new(wire.UTF8Validator) }

// checkUTF8 is FuzzUTF8's property, over the streaming validator and the
// whole-buffer function under test. The text is validated three ways: in
// the pieces splits gives, whole, and one byte at a time. Each way must
// agree with utf8.Valid on validity and with oracle.FirstBadUTF8 (the reference
// built from unicode/utf8 alone) on the offset of the first bad byte:
// fail fast means the validator stops at the byte where no continuation
// can make the text valid, wherever the pieces were cut, so it never
// accepts a surrogate, an overlong form or a value above U+10FFFF.
func checkUTF8(r reporter, newValidator func() streamValidator, whole func([]byte) int, data, splits []byte) {
	r.Helper()
	want := oracle.FirstBadUTF8(data)
	if (want == -1) != utf8.Valid(data) {
		r.Errorf("reference judge disagrees with utf8.Valid on %q", data)
		return
	}
	if got := whole(data); got != want {
		r.Errorf("whole-buffer first bad offset of %q = %d, want %d", data, got, want)
	}

	v := newValidator()
	var cuts []int
	at := 0
	forEachPiece(data, splits, func(p []byte) {
		cuts = append(cuts, at)
		at += len(p)
		v.Write(p)
	})
	if got := streamOffset(v); got != want {
		r.Errorf("streaming %q in pieces at %v: first bad offset %d, want %d", data, cuts, got, want)
	}

	v = newValidator()
	for i := range data {
		if !v.Write(data[i : i+1]) {
			break
		}
	}
	if got := streamOffset(v); got != want {
		r.Errorf("streaming %q byte by byte: first bad offset %d, want %d", data, got, want)
	}
}

// streamOffset turns a validator's final state into oracle.FirstBadUTF8's form:
// -1 for valid text, else the offset where it stopped (the end of the text
// when the last sequence is left open).
func streamOffset(v streamValidator) int {
	if !v.Failed() && v.Done() {
		return -1
	}
	return int(v.Offset())
}
