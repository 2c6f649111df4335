package props

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// Frame is a whole frame: its header and its payload in the clear.
// Header.Length is ignored by Bytes, which uses len(Payload).
type Frame struct {
	Header  wire.Header
	Payload []byte
}

// ClientFrame returns a masked frame as a client sends it.
func ClientFrame(op wire.Opcode, fin bool, payload []byte, key [4]byte) Frame {
	return Frame{Header: wire.Header{Fin: fin, OpCode: op, Masked: true, Mask: key, Length: int64(len(payload))}, Payload: payload}
}

// ServerFrame returns an unmasked, final frame as a server sends it.
func ServerFrame(op wire.Opcode, payload []byte) Frame {
	return Frame{Header: wire.Header{Fin: true, OpCode: op, Length: int64(len(payload))}, Payload: payload}
}

// CloseFrame returns the server's close frame with code and no reason.
func CloseFrame(code uint16) Frame {
	return ServerFrame(wire.OpClose, binary.BigEndian.AppendUint16(nil, code))
}

// AppendTo appends the frame's encoding to dst, masking the payload with
// the header's key when the header says it is masked.
func (f Frame) AppendTo(dst []byte) []byte {
	h := f.Header
	h.Length = int64(len(f.Payload))
	dst = wire.AppendHeader(dst, h)
	start := len(dst)
	dst = append(dst, f.Payload...)
	if h.Masked {
		wire.MaskBytesSlow(h.Mask, 0, dst[start:])
	}
	return dst
}

// Bytes returns the frame's encoding.
func (f Frame) Bytes() []byte { return f.AppendTo(nil) }

func (f Frame) String() string {
	h := f.Header
	var b bytes.Buffer
	fmt.Fprintf(&b, "%v", h.OpCode)
	if !h.Fin {
		b.WriteString(" FIN=0")
	}
	if h.Rsv != 0 {
		fmt.Fprintf(&b, " RSV=%03b", h.Rsv)
	}
	if h.Masked && h.Mask != ([4]byte{}) {
		fmt.Fprintf(&b, " key=% X", h.Mask)
	} else if !h.Masked {
		b.WriteString(" unmasked")
	}
	if h.OpCode == wire.OpClose && len(f.Payload) >= 2 {
		fmt.Fprintf(&b, " code=%d reason=%q", binary.BigEndian.Uint16(f.Payload), f.Payload[2:])
	} else {
		fmt.Fprintf(&b, " %s", showText(f.Payload))
	}
	return b.String()
}

// ParseServerStream splits what a server wrote into frames and checks that
// each is a well-formed server frame of a connection without extensions:
// minimal length encoding, no RSV bits, unmasked, final (the properties
// here expect every message echoed in one frame), a defined opcode, and a
// control payload of at most 125 bytes. Stray bytes at the end are an error.
func ParseServerStream(b []byte) ([]Frame, error) { return parseServerStream(b, 0) }

// parseServerStream is ParseServerStream allowing the RSV bits of rsv on
// data frames.
func parseServerStream(b []byte, rsv byte) ([]Frame, error) {
	var frames []Frame
	for len(b) > 0 {
		h, n, err := wire.DecodeHeader(b)
		if err != nil {
			return frames, fmt.Errorf("frame %d: %w", len(frames), err)
		}
		allowed := rsv
		if h.OpCode.IsControl() {
			allowed = 0
		}
		if err := wire.CheckHeader(h, wire.FromServer, allowed); err != nil {
			return frames, fmt.Errorf("frame %d: %w", len(frames), err)
		}
		if !h.Fin {
			return frames, fmt.Errorf("frame %d: server fragmented a message", len(frames))
		}
		if int64(len(b)-n) < h.Length {
			return frames, fmt.Errorf("frame %d: %d payload bytes of %d", len(frames), len(b)-n, h.Length)
		}
		end := n + int(h.Length)
		frames = append(frames, Frame{Header: h, Payload: b[n:end:end]})
		b = b[end:]
	}
	return frames, nil
}

// errOutput describes a difference between expected and actual output.
var errOutput = errors.New("output differs")

// SameOutput compares a server's frames with the expected ones. Close
// frames compare by status code only, since the reason is free text, but
// a reason must be valid UTF-8.
func SameOutput(got, want []Frame) error {
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			return fmt.Errorf("%w: frame %d missing, want %v", errOutput, i, want[i])
		case i >= len(want):
			return fmt.Errorf("%w: extra frame %d: %v", errOutput, i, got[i])
		}
		g, w := got[i], want[i]
		if g.Header.OpCode != w.Header.OpCode {
			return fmt.Errorf("%w: frame %d is %v, want %v", errOutput, i, g, w)
		}
		if g.Header.OpCode == wire.OpClose {
			if len(g.Payload) < 2 || !bytes.Equal(g.Payload[:2], w.Payload[:2]) || ReferenceFirstInvalid(g.Payload[2:]) >= 0 {
				return fmt.Errorf("%w: frame %d is %v, want %v", errOutput, i, g, w)
			}
			continue
		}
		if !bytes.Equal(g.Payload, w.Payload) {
			return fmt.Errorf("%w: frame %d is %v, want %v", errOutput, i, g, w)
		}
	}
	return nil
}
