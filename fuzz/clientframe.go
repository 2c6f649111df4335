package fuzz

import "encoding/binary"

// clientKey is the masking key of the client frames the checks and seeds
// build. Every byte differs, so that a masking bug at any key offset shows.
var clientKey = [4]byte{0x37, 0xFA, 0x21, 0x3D}

// maskedFrame builds a final, masked client frame by hand (not with
// server/wire, which is what is under test).
func maskedFrame(op byte, payload []byte) []byte {
	return appendClientFrame(nil, true, 0, op, payload)
}

// appendClientFrame appends a masked client frame with the minimal length
// encoding.
func appendClientFrame(dst []byte, fin bool, rsv, op byte, payload []byte) []byte {
	b0 := rsv<<4 | op
	if fin {
		b0 |= 0x80
	}
	switch n := len(payload); {
	case n <= 125:
		dst = append(dst, b0, 0x80|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b0, 0x80|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, 0x80|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	dst = append(dst, clientKey[:]...)
	for i, c := range payload {
		dst = append(dst, c^clientKey[i%4])
	}
	return dst
}
