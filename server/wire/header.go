package wire

import "encoding/binary"

// RSV bits as they appear in Header.Rsv.
const (
	Rsv1 byte = 0x4 // permessage-deflate's "compressed" bit
	Rsv2 byte = 0x2
	Rsv3 byte = 0x1
)

// MaxHeaderLen is the longest frame header: 2 fixed bytes, an 8-byte
// extended length and a 4-byte masking key.
const MaxHeaderLen = 14

// MaxControlPayload is the largest payload of a control frame.
const MaxControlPayload = 125

// Header is a decoded frame header (RFC 6455 section 5.2).
type Header struct {
	Fin    bool
	Rsv    byte // RSV1..RSV3 as the bits Rsv1, Rsv2, Rsv3
	OpCode Opcode
	Masked bool
	Mask   [4]byte
	Length int64
}

// DecodeHeader decodes the frame header at the start of b and returns it
// with its size in bytes. It returns ErrIncomplete when b is too short, and
// ErrLengthMSB or ErrLengthNotMinimal when the length field breaks RFC 6455
// section 5.2 (the most significant bit of a 64-bit length must be 0, and
// the minimal number of bytes must be used). Rules that depend on the
// connection (masking, extensions, opcodes) are left to CheckHeader.
func DecodeHeader(b []byte) (h Header, n int, err error) {
	if len(b) < 2 {
		return h, 0, ErrIncomplete
	}
	b0, b1 := b[0], b[1]
	h.Fin = b0&0x80 != 0
	h.Rsv = (b0 >> 4) & 0x7
	h.OpCode = Opcode(b0 & 0xF)
	h.Masked = b1&0x80 != 0
	n = 2
	switch l := b1 & 0x7F; l {
	case 126:
		if len(b) < 4 {
			return h, 0, ErrIncomplete
		}
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		n = 4
		if h.Length < 126 {
			return h, 0, ErrLengthNotMinimal
		}
	case 127:
		if len(b) < 10 {
			return h, 0, ErrIncomplete
		}
		u := binary.BigEndian.Uint64(b[2:])
		if u>>63 != 0 {
			return h, 0, ErrLengthMSB
		}
		h.Length = int64(u)
		n = 10
		if h.Length <= 0xFFFF {
			return h, 0, ErrLengthNotMinimal
		}
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		if len(b) < n+4 {
			return h, 0, ErrIncomplete
		}
		copy(h.Mask[:], b[n:n+4])
		n += 4
	}
	return h, n, nil
}

// HeaderLen returns the size of h's encoding.
func HeaderLen(h Header) int {
	n := 2
	switch {
	case h.Length > 0xFFFF:
		n += 8
	case h.Length > 125:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// AppendHeader appends the encoding of h to dst, with the length in its
// minimal form. h.Length must not be negative.
func AppendHeader(dst []byte, h Header) []byte {
	b0 := byte(h.OpCode&0xF) | (h.Rsv&0x7)<<4
	if h.Fin {
		b0 |= 0x80
	}
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	switch {
	case h.Length > 0xFFFF:
		dst = append(dst, b0, b1|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.Length))
	case h.Length > 125:
		dst = append(dst, b0, b1|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(h.Length))
	default:
		dst = append(dst, b0, b1|byte(h.Length))
	}
	if h.Masked {
		dst = append(dst, h.Mask[:]...)
	}
	return dst
}
