package fuzz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/wsfuzz/wsfuzz/oracle"
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
func parseServerStream(out []byte, inflate func([]byte) ([]byte, bool)) ([]oracle.Frame, error) {
	var frames []oracle.Frame
	for off := 0; len(out) > 0; {
		if len(frames) > 0 && frames[len(frames)-1].Op == oracle.OpClose {
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
		if op != oracle.OpText && op != oracle.OpBinary && op != oracle.OpClose && op != oracle.OpPong {
			return frames, fmt.Errorf("frame at offset %d has opcode %#x", off, op)
		}
		compressed := rsv == 4 && inflate != nil && (op == oracle.OpText || op == oracle.OpBinary)
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
			if op == oracle.OpBinary && !compressed {
				return frames, nil // a streamed echo, cut where the client's frame stops
			}
			return frames, fmt.Errorf("frame at offset %d: %d payload bytes, %d there", off, length, len(out)-n)
		}
		f := oracle.Frame{Op: op, Compressed: compressed, Payload: out[n : n+int(length)]}
		if compressed {
			msg, ok := inflate(f.Payload)
			if !ok {
				return frames, fmt.Errorf("compressed frame at offset %d does not inflate", off)
			}
			f.Payload = msg
		}
		if op == oracle.OpClose {
			if length < 2 {
				return frames, errors.New("close frame without a code")
			}
			f.Code = binary.BigEndian.Uint16(f.Payload)
			if !oracle.CloseCodeSendable(f.Code) {
				return frames, fmt.Errorf("close code %d is not sendable", f.Code)
			}
			if oracle.FirstBadUTF8(f.Payload[2:]) != -1 {
				return frames, fmt.Errorf("close reason %q is not UTF-8", f.Payload[2:])
			}
			f.Payload = nil
		}
		frames = append(frames, f)
		out = out[n+int(length):]
		off += n + int(length)
	}
	return frames, nil
}
