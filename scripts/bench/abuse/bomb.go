package main

import (
	"bytes"

	"github.com/klauspost/compress/flate"
)

// zerosPart compresses size zeros at the best level, the second time with
// the first as history, and returns both sync-flushed parts.
func zerosParts(size int) (first, next []byte) {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, size)
	w.Write(zeros)
	w.Flush()
	first = bytes.Clone(buf.Bytes())
	buf.Reset()
	w.Write(zeros)
	w.Flush()
	next = bytes.Clone(buf.Bytes())
	return first, next
}

// bomb returns the payload of a compressed message (RFC 7692: the final
// 00 00 ff ff removed) that inflates to parts x 16 MiB of zeros: about 16
// KB per 16 MiB.
func bomb(parts int) []byte {
	first, next := zerosParts(16 << 20)
	out := append([]byte(nil), first...)
	for range parts - 1 {
		out = append(out, next...)
	}
	return out[:len(out)-4]
}

// nearLimitBomb returns a compressed message that inflates to 1 KiB under
// 16 MiB of zeros, the largest message the servers accept.
func nearLimitBomb() []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(make([]byte, 16<<20-1024))
	w.Flush()
	return buf.Bytes()[:buf.Len()-4]
}
