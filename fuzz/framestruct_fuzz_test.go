package fuzz

import (
	"bytes"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FuzzFrameStruct decodes its input into a frame struct with gofuzz and
// checks, with checkFrameStruct, that encoding then decoding the frame
// gives it back.
func FuzzFrameStruct(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFrameStruct(t, wire.AppendHeader, wire.DecodeHeader, frameFromBytes(data))
	})
}

// checkFrameStruct is FuzzFrameStruct's property, over the encoder and
// decoder under test.
//
// The struct is first brought into the header's domain: RSV keeps its low
// 3 bits and the opcode its low 4 (the only bits the wire has). A
// non-negative Length makes a header-only frame declaring that length, so
// that every length up to 2^63-1 is reachable; a negative one makes a whole
// frame whose length is that of Payload, masked with Mask when Masked.
// For every such frame: the encoding is as long as wire.HeaderLen says,
// decodes without error to the same header and the same size, and the
// payload unmasks to the original.
func checkFrameStruct(r reporter, encode func([]byte, wire.Header) []byte,
	decode func([]byte) (wire.Header, int, error), f fuzzFrame) {
	r.Helper()
	h := wire.Header{Fin: f.Fin, Rsv: f.Rsv & 7, OpCode: wire.Opcode(f.OpCode & 0xF), Masked: f.Masked, Length: f.Length}
	if h.Masked {
		h.Mask = f.Mask
	}
	whole := h.Length < 0
	if whole {
		h.Length = int64(len(f.Payload))
	}
	enc := encode(nil, h)
	if len(enc) != wire.HeaderLen(h) {
		r.Errorf("encode(%+v) = %x: %d bytes, HeaderLen says %d", h, enc, len(enc), wire.HeaderLen(h))
	}
	hdrLen := len(enc)
	if whole {
		enc = append(enc, f.Payload...)
		if h.Masked {
			wire.MaskBytesSlow(h.Mask, 0, enc[hdrLen:])
		}
	}
	got, n, err := decode(enc)
	if err != nil {
		r.Errorf("decode(encode(%+v)) = %x: %v", h, enc, err)
		return
	}
	if got != h || n != hdrLen {
		r.Errorf("decode(encode(%+v)) = %+v, %d bytes of %d", h, got, n, hdrLen)
		return
	}
	if whole {
		payload := enc[n:]
		if got.Masked {
			wire.MaskBytesSlow(got.Mask, 0, payload)
		}
		if !bytes.Equal(payload, f.Payload) {
			r.Errorf("frame %+v: payload %x came back as %x", h, f.Payload, payload)
		}
	}
}
