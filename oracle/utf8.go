package oracle

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// FirstBadUTF8 is the reference judge of UTF-8 validity with fail-fast
// position, built only from unicode/utf8 and independent of server/wire.
// It returns -1 when b is valid, len(b) when b is valid up to an unfinished
// last sequence, and otherwise the offset of the first byte after which no
// continuation can make the bytes valid: the byte where a strict streaming
// validator must stop.
//
// It walks b with utf8.DecodeRune; at the first invalid position i, the bad
// byte is i+k for the longest k such that b[i:i+k] is a prefix of some
// valid encoding (see isRunePrefix).
func FirstBadUTF8(b []byte) int {
	i := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		k := 0
		for k < 3 && i+k < len(b) && isRunePrefix(b[i:i+k+1]) {
			k++
		}
		return i + k
	}
	return -1
}

// scalarCount is the number of Unicode scalar values: every code point
// except the surrogates U+D800-U+DFFF.
const scalarCount = 0x110000 - 0x800

// scalarAt returns the idx-th scalar value in increasing order.
func scalarAt(idx int) rune {
	if idx < 0xD800 {
		return rune(idx)
	}
	return rune(idx + 0x800)
}

// isRunePrefix reports whether p is a prefix of the UTF-8 encoding of some
// scalar value. UTF-8 encodings sort in the order of the values they
// encode, so the first encoding not below p is the only candidate: a binary
// search over the scalar values finds it.
func isRunePrefix(p []byte) bool {
	var buf [utf8.UTFMax]byte
	enc := func(idx int) []byte { return buf[:utf8.EncodeRune(buf[:], scalarAt(idx))] }
	idx := sort.Search(scalarCount, func(i int) bool { return bytes.Compare(enc(i), p) >= 0 })
	return idx < scalarCount && bytes.HasPrefix(enc(idx), p)
}
