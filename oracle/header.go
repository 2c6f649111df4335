package oracle

import "encoding/binary"

// header is a frame header as a client writes it.
type header struct {
	fin    bool
	rsv    byte
	op     byte
	masked bool
	key    [4]byte
	length uint64
}

// peekHeader reads the frame header at the start of b: the header, its
// size, and false when b is too short to hold it.
func peekHeader(b []byte) (h header, n int, ok bool) {
	if len(b) < 2 {
		return h, 0, false
	}
	h.fin, h.rsv, h.op, h.masked = b[0]&0x80 != 0, b[0]>>4&7, b[0]&0x0F, b[1]&0x80 != 0
	h.length, n = uint64(b[1]&0x7F), 2
	switch h.length {
	case 126:
		if len(b) < 4 {
			return h, 0, false
		}
		h.length, n = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return h, 0, false
		}
		h.length, n = binary.BigEndian.Uint64(b[2:]), 10
	}
	if h.masked {
		if len(b) < n+4 {
			return h, 0, false
		}
		copy(h.key[:], b[n:])
		n += 4
	}
	return h, n, true
}
