package server

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// testKey is the masking key of every client frame built in these tests.
var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// clientFrame builds a masked client frame.
func clientFrame(op wire.Opcode, fin bool, rsv byte, payload []byte) []byte {
	b := wire.AppendHeader(nil, wire.Header{Fin: fin, Rsv: rsv, OpCode: op, Masked: true, Mask: testKey, Length: int64(len(payload))})
	start := len(b)
	b = append(b, payload...)
	wire.MaskBytes(testKey, 0, b[start:])
	return b
}

// serverFrame builds the unmasked frame the server is expected to send.
func serverFrame(op wire.Opcode, payload []byte) []byte {
	b := wire.AppendHeader(nil, wire.Header{Fin: true, OpCode: op, Length: int64(len(payload))})
	return append(b, payload...)
}

// closePayload builds a close payload with code and reason.
func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// serverClose is the close frame with which the server fails or answers.
func serverClose(code wire.CloseCode, reason string) []byte {
	return serverFrame(wire.OpClose, wire.AppendClosePayload(nil, code, reason))
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// feedAll feeds stream to a new session in the given chunk sizes (the rest
// in one piece) and returns everything it wrote and whether it is done.
func feedAll(cfg SessionConfig, stream []byte, chops ...int) (out []byte, s *Session) {
	s = NewSession(cfg)
	for _, n := range chops {
		if n > len(stream) {
			n = len(stream)
		}
		o, _, _ := s.Feed(stream[:n])
		out = append(out, o...)
		stream = stream[n:]
	}
	o, _, _ := s.Feed(stream)
	return append(out, o...), s
}

// randomBytes returns n bytes that do not compress, the same every run.
func randomBytes(n int) []byte {
	var seed [32]byte
	seed[0] = byte(n)
	b := make([]byte, n)
	rand.NewChaCha8(seed).Read(b)
	return b
}
