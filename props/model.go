package props

import (
	"fmt"
	"slices"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// Model is what a strict echo server (RFC 6455, no extensions, never
// closing first) is in, as far as its output is concerned. It is written
// from the RFC, not from any implementation: Step predicts, for each frame
// a client sends, the frames the server answers with.
//
// The server it describes echoes every text and binary message once, whole,
// in one frame; answers each ping with a pong carrying the same payload;
// ignores pongs; answers a close frame with a close frame carrying the same
// code (1000 for an empty one) and stops; and fails the connection with a
// close frame at the first violation: 1002 for a broken header rule, a
// continuation with no message open, a new message inside one, or a bad
// close payload; 1009 for a message over MaxMessage bytes; 1007 for text
// that is not UTF-8 as soon as a byte makes it certain (even in the middle
// of a fragment) and for a close reason that is not. After its close frame
// it sends nothing.
type Model struct {
	MaxMessage int64       // the server's message size limit
	Done       bool        // the server has sent its close frame
	Open       bool        // a fragmented message is in progress
	Op         wire.Opcode // its opcode
	Msg        []byte      // its payload so far
}

// Pending returns the bytes at the end of an open text message that start
// a character not yet complete.
func (m Model) Pending() []byte {
	if !m.Open || m.Op != wire.OpText || ReferenceFirstInvalid(m.Msg) != len(m.Msg) {
		return nil
	}
	i := len(m.Msg) - 1
	for i > 0 && m.Msg[i]&0xC0 == 0x80 {
		i--
	}
	return m.Msg[i:]
}

// Step returns the model after the client sent a, and the frames the
// server sends in answer. m is not changed.
func (m Model) Step(a Action) (Model, []Frame) {
	if m.Done {
		return m, nil
	}
	fail := func(code uint16) (Model, []Frame) {
		return Model{MaxMessage: m.MaxMessage, Done: true}, []Frame{CloseFrame(code)}
	}
	switch a.Kind {
	case SendPing:
		return m, []Frame{ServerFrame(wire.OpPong, a.Payload)}
	case SendPong:
		return m, nil
	case SendClose:
		code, _ := a.Close.Verdict()
		return fail(code) // a clean close ends the connection too
	case SendGarbage:
		return fail(1002)
	}
	op, fin := wire.OpText, true
	switch a.Kind {
	case SendBinary:
		op = wire.OpBinary
	case SendFragment:
		op, fin = a.Op, a.Fin
	}
	if (op == wire.OpContinuation) != m.Open {
		return fail(1002) // a continuation with no message, or a message inside one
	}
	var msg []byte
	if op == wire.OpContinuation {
		op = m.Op
		msg = slices.Concat(m.Msg, a.Payload)
	} else {
		msg = slices.Clone(a.Payload)
	}
	if int64(len(msg)) > m.MaxMessage {
		return fail(1009) // known from the header, before any payload
	}
	if op == wire.OpText {
		bad := ReferenceFirstInvalid(msg)
		if bad >= 0 && (bad < len(msg) || fin) {
			return fail(1007)
		}
	}
	if !fin {
		return Model{MaxMessage: m.MaxMessage, Open: true, Op: op, Msg: msg}, nil
	}
	return Model{MaxMessage: m.MaxMessage}, []Frame{ServerFrame(op, msg)}
}

func (m Model) String() string {
	switch {
	case m.Done:
		return "done"
	case m.Open:
		return fmt.Sprintf("in a %v message of %d bytes", m.Op, len(m.Msg))
	}
	return "open"
}
