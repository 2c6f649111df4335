package target

import "encoding/binary"

// findClose walks a stream of frames (the server's output, or the client's
// bytes) and returns where the first whole close frame ends and the close
// code it carries (-1 for none). ok is false when the stream holds no
// whole close frame before it ends or stops making sense as frames.
func findClose(stream []byte) (end, code int, ok bool) {
	return findCloseFrame(stream, false)
}

// findClientClose is findClose for the client's bytes, counting only a
// close frame that can start the closing handshake: final, no RSV bits,
// masked, at most 125 bytes. A malformed one fails the connection instead,
// and the client answers the server's close then as to any other.
func findClientClose(stream []byte) (end, code int, ok bool) {
	return findCloseFrame(stream, true)
}

func findCloseFrame(stream []byte, wellFormed bool) (end, code int, ok bool) {
	for off := 0; len(stream)-off >= 2; {
		b0, b1 := stream[off], stream[off+1]
		n := off + 2
		length := uint64(b1 & 0x7F)
		switch length {
		case 126:
			if len(stream) < n+2 {
				return 0, 0, false
			}
			length, n = uint64(binary.BigEndian.Uint16(stream[n:])), n+2
		case 127:
			if len(stream) < n+8 {
				return 0, 0, false
			}
			length, n = binary.BigEndian.Uint64(stream[n:]), n+8
		}
		var key []byte
		if b1&0x80 != 0 {
			if len(stream) < n+4 {
				return 0, 0, false
			}
			key, n = stream[n:n+4], n+4
		}
		if length > uint64(len(stream)-n) {
			return 0, 0, false
		}
		payload := stream[n : n+int(length)]
		off = n + int(length)
		if b0&0x0F != 0x8 || wellFormed && (b0 != 0x88 || key == nil || length > 125) {
			continue
		}
		if len(payload) < 2 {
			return off, -1, true
		}
		hi, lo := payload[0], payload[1]
		if key != nil {
			hi, lo = hi^key[0], lo^key[1]
		}
		return off, int(hi)<<8 | int(lo), true
	}
	return 0, 0, false
}

// replyMask is the masking key of the close frame the client answers a
// server's close with (RFC 6455 section 5.7's example key).
var replyMask = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// closeReply is the client's close frame in answer to a server's close
// frame with code (-1 for none): the code echoed, as Autobahn's client
// does, no reason.
func closeReply(code int) []byte {
	if code < 0 || code > 0xFFFF {
		return []byte{0x88, 0x80, replyMask[0], replyMask[1], replyMask[2], replyMask[3]}
	}
	return []byte{0x88, 0x82, replyMask[0], replyMask[1], replyMask[2], replyMask[3],
		byte(code>>8) ^ replyMask[0], byte(code) ^ replyMask[1]}
}
