package props

import (
	"bytes"
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FrameCodec is a frame header codec under test, in the vocabulary of
// package wire. Wrap your own codec's functions to check it.
type FrameCodec struct {
	// Encode appends the encoding of h to dst, with the length in its
	// minimal form and the masking key when h.Masked.
	Encode func(dst []byte, h wire.Header) []byte
	// Decode decodes the header at the start of b and returns it with its
	// size, or an error for input too short or breaking a length rule. An
	// unmasked header has a zero Mask.
	Decode func(b []byte) (h wire.Header, n int, err error)
}

// WireCodec is the header codec of package wire.
var WireCodec = FrameCodec{Encode: wire.AppendHeader, Decode: wire.DecodeHeader}

// minimalHeaderLen is the size of a header in its minimal form (RFC 6455
// section 5.2): 2 bytes, plus 2 for lengths 126..65535 or 8 above, plus 4
// for the masking key.
func minimalHeaderLen(h wire.Header) int {
	n := 2
	switch {
	case h.Length >= 1<<16:
		n += 8
	case h.Length >= 126:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// FrameRoundTrip states that every header (from Header: every opcode, RSV
// combination and masking, lengths at the form boundaries up to 2^63-1)
// encodes to its minimal size, decodes back to itself from the encoding
// followed by any bytes, and that no proper prefix of its encoding decodes:
// a streaming reader must wait for the rest.
func FrameRoundTrip(c FrameCodec) gopter.Prop {
	return forAll(func(args Tuple) string {
		h, tail := args[0].(wire.Header), args[1].([]byte)
		enc := c.Encode(nil, h)
		if want := minimalHeaderLen(h); len(enc) != want {
			return fmt.Sprintf("encoded in %d bytes % X, want %d", len(enc), enc, want)
		}
		b := append(enc[:len(enc):len(enc)], tail...)
		got, n, err := c.Decode(b)
		switch {
		case err != nil:
			return fmt.Sprintf("decoding % X: %v", enc, err)
		case got != h || n != len(enc):
			return fmt.Sprintf("% X decoded to %+v in %d bytes", enc, got, n)
		}
		for k := range len(enc) {
			if h, n, err := c.Decode(enc[:k]); err == nil {
				return fmt.Sprintf("prefix % X of % X decoded to %+v in %d bytes", enc[:k], enc, h, n)
			}
		}
		return ""
	}, Header(), Payload(16))
}

// DecodeEncodeIdempotent states that whatever bytes a decoder accepts
// (from HeaderBytes: mutated headers, non-minimal lengths, a set top bit,
// truncations, random bytes) are exactly the encoding of what it decoded:
// re-encoding gives the same bytes back and decoding those gives the same
// header. A decoder that accepts a non-minimal length breaks it, and so
// does one that drops information.
func DecodeEncodeIdempotent(c FrameCodec) gopter.Prop {
	return prop.ForAll(func(b []byte) string {
		h, n, err := c.Decode(b)
		if err != nil {
			return ""
		}
		if n < 2 || n > len(b) {
			return fmt.Sprintf("% X decoded to %+v with size %d", b, h, n)
		}
		enc := c.Encode(nil, h)
		if !bytes.Equal(enc, b[:n]) {
			return fmt.Sprintf("% X decoded to %+v, which encodes as % X", b[:n], h, enc)
		}
		if h2, n2, err := c.Decode(enc); err != nil || h2 != h || n2 != n {
			return fmt.Sprintf("re-encoding % X decoded to %+v, %d, %v", enc, h2, n2, err)
		}
		return ""
	}, HeaderBytes())
}
