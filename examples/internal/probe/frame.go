package probe

import "encoding/binary"

// Opcodes of the frames the probes send (RFC 6455 section 5.2).
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
)

// maskKey is the masking key of every probe frame; its bytes all differ,
// so a server that unmasks at the wrong offset echoes garbage.
var maskKey = [4]byte{0x37, 0xFA, 0x21, 0x3D}

// Frame is a masked client frame with the minimal length encoding.
func Frame(op byte, fin bool, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	var f []byte
	switch n := len(payload); {
	case n <= 125:
		f = append(f, b0, 0x80|byte(n))
	case n <= 0xFFFF:
		f = binary.BigEndian.AppendUint16(append(f, b0, 0x80|126), uint16(n))
	default:
		f = binary.BigEndian.AppendUint64(append(f, b0, 0x80|127), uint64(n))
	}
	f = append(f, maskKey[:]...)
	for i, c := range payload {
		f = append(f, c^maskKey[i%4])
	}
	return f
}

// Close is a close frame with code, or with no body when code is 0.
func Close(code uint16) []byte {
	if code == 0 {
		return Frame(OpClose, true, nil)
	}
	return Frame(OpClose, true, binary.BigEndian.AppendUint16(nil, code))
}

// Chops are the fuzz input's piece sizes (unsigned varints) for the given
// sizes: the stream goes out in pieces of these lengths, then the rest.
func Chops(sizes ...int) []byte {
	var b []byte
	for _, s := range sizes {
		b = binary.AppendUvarint(b, uint64(s))
	}
	return b
}

// Join concatenates frames into one stream.
func Join(frames ...[]byte) []byte {
	var s []byte
	for _, f := range frames {
		s = append(s, f...)
	}
	return s
}
