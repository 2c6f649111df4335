package replay

import (
	"encoding/binary"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// encodeFrame returns the octets of a frame as Autobahn's sendFrame writes
// them: FIN, RSV and opcode in the first byte, the shortest length
// encoding, the masking key when there is one and the masked payload.
func encodeFrame(opcode int, fin bool, rsv int, mask []byte, payload []byte) []byte {
	return appendFrame(make([]byte, 0, frameLength(len(payload), mask != nil)), opcode, fin, rsv, mask, payload)
}

// appendFrame appends the octets of a frame (see encodeFrame) to dst.
func appendFrame(dst []byte, opcode int, fin bool, rsv int, mask []byte, payload []byte) []byte {
	b0 := byte(opcode % 128)
	if fin {
		b0 |= 0x80
	}
	b0 |= byte(rsv%8) << 4
	var b1 byte
	if mask != nil {
		b1 = 0x80
	}
	n := len(payload)
	switch {
	case n <= 125:
		dst = append(dst, b0, b1|byte(n))
	case n <= 0xffff:
		dst = binary.BigEndian.AppendUint16(append(dst, b0, b1|126), uint16(n))
	default:
		dst = binary.BigEndian.AppendUint64(append(dst, b0, b1|127), uint64(n))
	}
	dst = append(dst, mask...)
	start := len(dst)
	dst = append(dst, payload...)
	if mask != nil {
		maskAt(dst[start:], mask, 0)
	}
	return dst
}

// maskAt XORs p with the masking key, p starting at payload offset pos:
// eight octets at a time, then the rest one by one.
func maskAt(p, key []byte, pos int) {
	var k [8]byte
	for i := range k {
		k[i] = key[(pos+i)%4]
	}
	word := binary.LittleEndian.Uint64(k[:])
	i := 0
	for ; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], binary.LittleEndian.Uint64(p[i:])^word)
	}
	for ; i < len(p); i++ {
		p[i] ^= key[(pos+i)%4]
	}
}

// frameLength returns the number of octets a frame of payload length n
// takes on the wire.
func frameLength(n int, masked bool) int {
	l := 2 + n
	switch {
	case n > 0xffff:
		l += 8
	case n > 125:
		l += 2
	}
	if masked {
		l += 4
	}
	return l
}

// maxRebuild bounds the payload of a frame rebuilt from a repeated
// payload; a report can claim any length.
const maxRebuild = 64 << 20

// buildFrame rebuilds a sent frame from its TF entry. It returns the
// frame's length on the wire (-1 when the entry does not say) and its
// octets, nil when the entry does not hold the whole payload: a cut payload
// can still be rebuilt when the frame repeats a short payload to a stated
// length (Autobahn's payload_len), as long as the short payload is whole.
func buildFrame(f *corpus.Frame) (int, []byte) {
	n := f.PayloadLength
	if f.RepeatLength > 0 {
		n = f.RepeatLength
	} else if n < 0 && f.PayloadExact {
		n = len(f.Payload)
	}
	if n < 0 {
		return -1, nil
	}
	masked := f.Mask != nil
	length := frameLength(n, masked)
	if masked && len(f.Mask) != 4 {
		return length, nil
	}
	unitLen := f.PayloadLength
	if unitLen < 0 {
		unitLen = len(f.Payload)
	}
	if !f.PayloadExact || len(f.Payload) != unitLen {
		return length, nil
	}
	payload := f.Payload
	if f.RepeatLength > 0 {
		if len(f.Payload) == 0 || n > maxRebuild {
			return length, nil
		}
		payload = make([]byte, 0, n)
		for len(payload) < n {
			payload = append(payload, f.Payload[:min(len(f.Payload), n-len(payload))]...)
		}
	}
	return length, encodeFrame(f.Opcode, f.Fin, f.Rsv, f.Mask, payload)
}

// rawStream follows the octets a script wrote outside logged frames
// (Autobahn's streaming API: beginMessageFrame writes a header, then
// sendMessageFrameData the payload in pieces), to know the frame left open
// at the end of the log: its masking key and how much of its payload was
// sent.
type rawStream struct {
	buf []byte
}

func (r *rawStream) add(p []byte) { r.buf = append(r.buf, p...) }

// open returns the masking key of the frame left unfinished at the end of
// the raw octets, how many of its payload octets were sent and how many
// are left; ok is false when no frame is left open.
func (r *rawStream) open() (key []byte, sent, left int, ok bool) {
	b := r.buf
	for len(b) >= 2 {
		n := int(b[1] & 0x7f)
		hl := 2
		switch n {
		case 126:
			hl += 2
		case 127:
			hl += 8
		}
		masked := b[1]&0x80 != 0
		if masked {
			hl += 4
		}
		if len(b) < hl {
			return nil, 0, 0, false
		}
		switch n {
		case 126:
			n = int(binary.BigEndian.Uint16(b[2:]))
		case 127:
			v := binary.BigEndian.Uint64(b[2:])
			if v > 1<<40 {
				return nil, 0, 0, false
			}
			n = int(v)
		}
		if len(b)-hl < n {
			if !masked {
				return nil, 0, 0, false
			}
			return b[hl-4 : hl], len(b) - hl, n - (len(b) - hl), true
		}
		b = b[hl+n:]
	}
	return nil, 0, 0, false
}

// SendFrame returns the Send action that writes frame f as Autobahn's
// sendFrame does: the frame's octets, masked with f.Mask (none when nil),
// in one write, or in writes of f.ChopSize octets each flushed on its own;
// with f.Sync the write is flushed on its own. When f.RepeatLength is set,
// the payload is f.Payload repeated to that many octets (Autobahn's
// payload_len). The action's Frame is f, for the wire log.
func SendFrame(f *corpus.Frame) Action {
	payload := f.Payload
	if f.RepeatLength > 0 && len(f.Payload) > 0 {
		payload = make([]byte, 0, f.RepeatLength)
		for len(payload) < f.RepeatLength {
			payload = append(payload, f.Payload[:min(len(f.Payload), f.RepeatLength-len(payload))]...)
		}
	}
	return Action{
		Kind:   Send,
		Chunks: chunk(encodeFrame(f.Opcode, f.Fin, f.Rsv, f.Mask, payload), f),
		What:   describeFrame(f, nil),
		Frame:  f,
	}
}

// decodeFrame reads the one frame that wire holds, header and payload, and
// returns it with its payload unmasked; nil when wire is not exactly one
// frame.
func decodeFrame(wire []byte) *corpus.Frame {
	if len(wire) < 2 {
		return nil
	}
	n := int(wire[1] & 0x7f)
	hl := 2
	switch n {
	case 126:
		hl += 2
	case 127:
		hl += 8
	}
	masked := wire[1]&0x80 != 0
	if masked {
		hl += 4
	}
	if len(wire) < hl {
		return nil
	}
	switch n {
	case 126:
		n = int(binary.BigEndian.Uint16(wire[2:]))
	case 127:
		v := binary.BigEndian.Uint64(wire[2:])
		if v > uint64(len(wire)) {
			return nil
		}
		n = int(v)
	}
	if len(wire)-hl != n {
		return nil
	}
	f := &corpus.Frame{
		Opcode:  int(wire[0] & 0x0f),
		Fin:     wire[0]&0x80 != 0,
		Rsv:     int(wire[0]&0x70) >> 4,
		Payload: append([]byte(nil), wire[hl:]...),
	}
	if masked {
		f.Mask = append([]byte(nil), wire[hl-4:hl]...)
		maskAt(f.Payload, f.Mask, 0)
	}
	f.PayloadLength, f.PayloadExact = n, true
	return f
}
