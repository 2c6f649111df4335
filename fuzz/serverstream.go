package fuzz

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// parseServerStream checks that out is a valid stream of frames from a
// strict echo server and returns them. It holds the server to more than
// the RFC requires of any server, because this server promises it: every
// frame is whole, unfragmented (FIN set) and unmasked, uses the minimal
// length encoding, and is a text, binary, pong or close frame; control
// frames carry at most 125 bytes; RSV1 appears only on text and binary
// frames and only when inflate is not nil (permessage-deflate), and such a
// frame's payload is inflated with inflate before it is returned; a close
// frame has a sendable code and a UTF-8 reason, and nothing follows it.
//
// The one incomplete frame allowed is an uncompressed binary frame at the
// very end: the server streams a binary message that arrives as one frame
// through as it arrives, so when the client's stream stops mid-frame, so
// does the echo. Such a tail is checked like any frame header and then left
// out of the returned frames, which hold whole echoes only (a model of the
// same client stream predicts no echo for a message it has not seen whole).
func parseServerStream(out []byte, inflate func([]byte) ([]byte, bool)) ([]modelFrame, error) {
	var frames []modelFrame
	for off := 0; len(out) > 0; {
		if len(frames) > 0 && frames[len(frames)-1].op == opClose {
			return frames, fmt.Errorf("bytes after the close frame at offset %d", off)
		}
		if len(out) < 2 {
			return frames, fmt.Errorf("truncated header at offset %d", off)
		}
		b0, b1 := out[0], out[1]
		op, rsv := b0&0xF, b0>>4&7
		if b0&0x80 == 0 {
			return frames, fmt.Errorf("frame at offset %d is fragmented (FIN clear)", off)
		}
		if b1&0x80 != 0 {
			return frames, fmt.Errorf("frame at offset %d is masked", off)
		}
		if op != opText && op != opBinary && op != opClose && op != opPong {
			return frames, fmt.Errorf("frame at offset %d has opcode %#x", off, op)
		}
		compressed := rsv == 4 && inflate != nil && (op == opText || op == opBinary)
		if rsv != 0 && !compressed {
			return frames, fmt.Errorf("frame at offset %d has RSV bits %03b", off, rsv)
		}
		length, n := uint64(b1&0x7F), 2
		switch length {
		case 126:
			if len(out) < 4 {
				return frames, fmt.Errorf("truncated 16-bit length at offset %d", off)
			}
			length, n = uint64(binary.BigEndian.Uint16(out[2:])), 4
			if length < 126 {
				return frames, fmt.Errorf("frame at offset %d: length %d in 16 bits", off, length)
			}
		case 127:
			if len(out) < 10 {
				return frames, fmt.Errorf("truncated 64-bit length at offset %d", off)
			}
			length, n = binary.BigEndian.Uint64(out[2:]), 10
			if length <= 0xFFFF {
				return frames, fmt.Errorf("frame at offset %d: length %d in 64 bits", off, length)
			}
		}
		if op >= 8 && length > 125 {
			return frames, fmt.Errorf("control frame at offset %d has %d bytes", off, length)
		}
		if uint64(len(out)-n) < length {
			if op == opBinary && !compressed {
				return frames, nil // a streamed echo, cut where the client's frame stops
			}
			return frames, fmt.Errorf("frame at offset %d: %d payload bytes, %d there", off, length, len(out)-n)
		}
		f := modelFrame{op: op, compressed: compressed, payload: out[n : n+int(length)]}
		if compressed {
			msg, ok := inflate(f.payload)
			if !ok {
				return frames, fmt.Errorf("compressed frame at offset %d does not inflate", off)
			}
			f.payload = msg
		}
		if op == opClose {
			if length < 2 {
				return frames, errors.New("close frame without a code")
			}
			f.code = binary.BigEndian.Uint16(f.payload)
			if !closeCodeSendable(f.code) {
				return frames, fmt.Errorf("close code %d is not sendable", f.code)
			}
			if firstBadUTF8(f.payload[2:]) != -1 {
				return frames, fmt.Errorf("close reason %q is not UTF-8", f.payload[2:])
			}
			f.payload = nil
		}
		frames = append(frames, f)
		out = out[n+int(length):]
		off += n + int(length)
	}
	return frames, nil
}
