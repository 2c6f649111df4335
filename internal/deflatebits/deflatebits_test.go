package deflatebits

import (
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"
)

// inflate reads a stream with compress/flate.
func inflate(t *testing.T, b []byte) ([]byte, error) {
	t.Helper()
	return io.ReadAll(flate.NewReader(bytes.NewReader(b)))
}

func TestFixedBlock(t *testing.T) {
	text := strings.Repeat("0123456789abcdef", 40)
	for _, d := range []int{3, 4, 5, 7, 8, 9, 12, 13, 256, 257, 512, 513, 640} {
		var w Writer
		w.BlockHeader(true, Fixed)
		w.FixedLiterals(text)
		w.FixedCopy3(d)
		w.FixedSymbol(256)
		got, err := inflate(t, w.Bytes())
		want := text + text[len(text)-d:len(text)-d+3]
		if err != nil || string(got) != want {
			t.Errorf("distance %d: %q, %v", d, got[len(text):], err)
		}
	}
}

func TestDynamicBlock(t *testing.T) {
	// A complete code with lengths 1 to 14 and two of 15.
	var lengths [257]int
	for n := 1; n < 15; n++ {
		lengths['a'+n-1] = n
	}
	lengths[255], lengths[256] = 15, 15
	var w Writer
	codes := w.DynamicHeader(lengths)
	for _, c := range "abcn" {
		w.Code(codes[c], lengths[c])
	}
	w.Code(codes[256], 15)
	w.BlockHeader(true, Stored)
	w.Align()
	w.Bits(0, 16)      // LEN 0
	w.Bits(0xFFFF, 16) // NLEN
	if got, err := inflate(t, w.Bytes()); err != nil || string(got) != "abcn" {
		t.Errorf("%q, %v", got, err)
	}
	// The end-of-block code is all ones: the last code of the longest length.
	if codes[256] != 1<<15-1 {
		t.Errorf("end of block code %b", codes[256])
	}
}
