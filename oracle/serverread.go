package oracle

import (
	"encoding/binary"
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// serverReading is what a client reads in a server's output: the events
// Autobahn records (whole messages, reassembled and inflated, and pongs),
// the close frame, and the first thing that breaks RFC 6455 for a server.
type serverReading struct {
	events []corpus.Event
	// closed is true when a whole close frame arrived; closeCode is its
	// code (0 for none) and closeEnd the offset in the output where it
	// ends.
	closed    bool
	closeCode int
	closeEnd  int
	// violation is the first rule the server's frames break, "" when none:
	// a client fails the connection there. strict lists what only strict
	// mode holds against the server (lengths not in their minimal form).
	violation string
	strict    []string
}

// readServer reads out, the bytes a server sent after its 101 response.
// inflate is the inflater of the server's compressed messages, nil when
// permessage-deflate was not agreed. echoable is a close code RFC 6455
// leaves undefined (above 4999) that the client sent, which the server may
// echo (Autobahn's 7.13.*); -1 for none. A frame cut at the end of out is
// not read: the connection ended or went quiet in the middle of it.
func readServer(out []byte, inflate *countingInflater, echoable int) serverReading {
	var r serverReading
	var msg []byte
	msgOp, msgCompressed := byte(0), false
	violate := func(off int, format string, args ...any) serverReading {
		r.violation = fmt.Sprintf("server frame at offset %d: ", off) + fmt.Sprintf(format, args...)
		return r
	}
	for off := 0; len(out)-off >= 2; {
		start := off
		if r.closed {
			return violate(off, "%d bytes after the close frame", len(out)-off)
		}
		b0, b1 := out[off], out[off+1]
		fin, rsv, op, masked := b0&0x80 != 0, b0>>4&7, b0&0x0F, b1&0x80 != 0
		n, length := off+2, uint64(b1&0x7F)
		switch length {
		case 126:
			if len(out) < n+2 {
				return r
			}
			length, n = uint64(binary.BigEndian.Uint16(out[n:])), n+2
			if length < 126 {
				r.strict = append(r.strict, fmt.Sprintf("server frame at offset %d: length %d in the 16-bit form", off, length))
			}
		case 127:
			if len(out) < n+8 {
				return r
			}
			length, n = binary.BigEndian.Uint64(out[n:]), n+8
			if length>>63 != 0 {
				return violate(off, "64-bit length with the top bit set")
			}
			if length <= 0xFFFF {
				r.strict = append(r.strict, fmt.Sprintf("server frame at offset %d: length %d in the 64-bit form", off, length))
			}
		}
		control := op >= 8
		switch {
		case masked:
			return violate(off, "masked (a server must not mask)")
		case op >= 3 && op <= 7 || op >= 0xB:
			return violate(off, "reserved opcode %#x", op)
		case control && (!fin || length > 125):
			return violate(off, "control frame fragmented or over 125 bytes")
		case rsv&3 != 0 || rsv != 0 && (control || op == OpContinuation || inflate == nil):
			return violate(off, "RSV bits %03b that no agreed extension defines", rsv)
		case op == OpContinuation && msgOp == 0:
			return violate(off, "continuation frame with no message to continue")
		case !control && op != OpContinuation && msgOp != 0:
			return violate(off, "new data frame before the last message ended")
		}
		if length > uint64(len(out)-n) {
			return r // cut: the connection ended or went quiet mid-frame
		}
		payload := out[n : n+int(length)]
		off = n + int(length)
		switch {
		case op == OpPong:
			r.events = append(r.events, corpus.Event{Kind: "pong", Data: payload})
		case op == OpPing:
			// A server may ping; Autobahn records no event for it.
		case op == OpClose:
			if v := closeViolation(payload, echoable); v != "" {
				return violate(start, "%s", v)
			}
			r.closed, r.closeEnd = true, off
			if len(payload) >= 2 {
				r.closeCode = int(binary.BigEndian.Uint16(payload))
			}
		default:
			if op != OpContinuation {
				msgOp, msgCompressed, msg = op, rsv != 0, nil
			}
			msg = append(msg, payload...)
			if !fin {
				continue
			}
			if msgCompressed {
				plain, err := inflate.inflate(msg)
				if err != nil {
					return violate(start, "compressed message does not inflate: %v", err)
				}
				msg = plain
			}
			if msgOp == OpText && FirstBadUTF8(msg) != -1 {
				return violate(start, "text message is not valid UTF-8")
			}
			r.events = append(r.events, corpus.Event{Kind: "message", Data: msg, Binary: msgOp == OpBinary})
			msgOp, msg = 0, nil
		}
	}
	return r
}

// closeViolation says what is wrong with a server's close payload, or "".
func closeViolation(p []byte, echoable int) string {
	switch {
	case len(p) == 1:
		return "close payload of one byte"
	case len(p) == 0:
		return ""
	case !CloseCodeSendable(binary.BigEndian.Uint16(p)) && int(binary.BigEndian.Uint16(p)) != echoable:
		return fmt.Sprintf("close code %d may not be sent", binary.BigEndian.Uint16(p))
	case FirstBadUTF8(p[2:]) != -1:
		return "close reason is not valid UTF-8"
	}
	return ""
}
