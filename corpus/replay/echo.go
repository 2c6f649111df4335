package replay

import (
	"bytes"
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Echo is the script of a case that judges itself, as Autobahn's
// performance and compression cases do (9.*, 12.*, 13.*): such a case has
// no expected events. The client sends Count messages, the next one as
// soon as the echo of the one before has arrived, checks each echo, and
// starts the closing handshake itself once all came back or one came back
// wrong; a timer (Timeout) closes the connection of a server that is too
// slow. The case's verdict is then Observed.Self, and its closing verdict
// follows the common rules.
//
// The data the case sends is not logged (Autobahn switches its wire log
// off for these cases too): the log shows the timer, the switch, and the
// closing handshake.
type Echo struct {
	// Count is the number of messages, at least 1.
	Count int
	// Message returns the payload of message i (0 <= i < Count).
	Message func(i int) []byte
	// Binary sends binary messages, else text.
	Binary bool
	// FragmentSize splits each message into frames of at most this many
	// payload octets (Autobahn's fragmentSize and autoFragmentSize); 0
	// sends one frame. A compressed message is split after compression.
	FragmentSize int
	// ChopSize writes each frame in pieces of this many octets, each
	// flushed on its own (Autobahn's chopsize); 0 writes a frame at once.
	ChopSize int
	// Timeout is the case's limit in seconds (Autobahn's closeAfter):
	// the client closes the connection of a server that has not echoed
	// everything by then.
	Timeout float64
	// Compress marks a permessage-deflate case: the request offers the
	// extension, every message is sent compressed, and a server that does
	// not agree to the extension makes the case UNIMPLEMENTED.
	Compress bool
	// CheckContent compares each echo with what was sent, octet for
	// octet; otherwise only its type and length are checked (Autobahn's
	// 9.* cases check no more).
	CheckContent bool
	// Share, when set, names the messages: cases with the same Share send
	// the same messages, so their compressed forms can be computed once
	// and shared (see sharedcompress.go).
	Share string
}

// SelfVerdict is the verdict a self-judging case gave itself, and why.
type SelfVerdict struct {
	Behavior string
	Result   string
}

// echoState follows a session's Echo script.
type echoState struct {
	e    *Echo
	sent int    // messages sent so far
	want []byte // the payload of the message whose echo is awaited
	done bool   // every echo arrived, or one was wrong
	// windowOf is the message whose last 32 KiB are the window the next
	// compressed echo is inflated on, -1 when not one message's
	// (knownecho.go).
	windowOf int
}

// startEcho runs the Echo script when the connection opens.
func (s *session) startEcho() {
	e := s.p.Echo
	s.echo = &echoState{e: e, windowOf: -1}
	s.obs.Self = &SelfVerdict{Behavior: Failed, Result: fmt.Sprintf("The case did not finish within %g seconds.", e.Timeout)}
	s.log.pause(true)
	if e.Compress && s.deflate == nil {
		s.obs.Self = &SelfVerdict{Behavior: Unimplemented, Result: "The server did not agree to permessage-deflate."}
		s.echo.done = true
		s.log.pause(false)
		s.sendCloseFrame(closeNormal, noCloseCodeReason, false)
		return
	}
	s.tracef("close connection after %gs", e.Timeout)
	s.log.timer(corpus.Timeout, e.Timeout, "")
	s.after(s.opt.guard(e.Timeout), timerClose, nil)
	s.sendEcho()
}

// sendEcho sends the script's next message.
func (s *session) sendEcho() {
	st := s.echo
	e := st.e
	msg := e.Message(st.sent)
	st.want = msg
	st.sent++
	payload, rsv := msg, 0
	if e.Compress {
		z, err := s.compressEcho(msg, st.sent-1)
		if err != nil {
			s.obs.Self.Result = "The client could not compress its message: " + err.Error()
			s.failConnection(closeGoingAway, "compression failed")
			return
		}
		payload, rsv = z, 4
	}
	opcode := 1
	if e.Binary {
		opcode = 2
	}
	s.sendEchoFrames(opcode, rsv, Fragment(payload, e.FragmentSize), e.ChopSize)
}

// sendEchoFrames sends the frames of one message, as sendScriptFrame would
// one by one. Frames written whole into the current turn (no chop size, no
// queued writes) are encoded into one buffer that joins the turn at once,
// instead of a buffer per frame and a copy of each into the turn; the
// wire log and the statistics still see every frame and every write.
func (s *session) sendEchoFrames(opcode, rsv int, parts [][]byte, chop int) {
	frame := func(i int) *corpus.Frame {
		f := &corpus.Frame{Opcode: opcode, Fin: i == len(parts)-1, Rsv: rsv, Payload: parts[i], ChopSize: chop}
		if i > 0 {
			f.Opcode, f.Rsv = 0, 0
		}
		return f
	}
	if chop > 0 || s.queueActive || s.state == stateClosed {
		for i := range parts {
			s.sendScriptFrame(frame(i))
		}
		return
	}
	size := 0
	for _, part := range parts {
		size += frameLength(len(part), true)
	}
	buf := make([]byte, 0, size)
	for i := range parts {
		f := frame(i)
		f.Mask = s.newMask()
		s.log.frame(corpus.TxFrame, f)
		start := len(buf)
		buf = appendFrame(buf, f.Opcode, f.Fin, f.Rsv, f.Mask, f.Payload)
		s.log.octets(corpus.TxOctets, buf[start:], false)
	}
	s.joinTurn(buf)
}

// compressEcho compresses message i of the script: shared with the other
// cases that send it when each message is compressed on its own.
func (s *session) compressEcho(msg []byte, i int) ([]byte, error) {
	d := s.deflate
	if s.echo.e.Share == "" || !d.p.clientNoContextTakeover {
		return d.compress(msg)
	}
	return sharedCompressed(s.echo.e.Share, i, len(msg), d.p.clientMaxWindowBits, func() ([]byte, error) { return d.compress(msg) })
}

// echoReceived checks one message from the server against the script.
func (s *session) echoReceived(msg []byte, binary bool) {
	st := s.echo
	if st.done {
		return
	}
	e := st.e
	kind := func(b bool) string {
		if b {
			return "binary"
		}
		return "text"
	}
	var wrong string
	switch {
	case st.want == nil:
		wrong = fmt.Sprintf("A %s message of %d octets arrived that was never sent.", kind(binary), len(msg))
	case binary != e.Binary:
		wrong = fmt.Sprintf("Message %d came back as a %s message; it was sent as %s.", st.sent, kind(binary), kind(e.Binary))
	case len(msg) != len(st.want):
		wrong = fmt.Sprintf("Message %d came back with %d octets; it was sent with %d.", st.sent, len(msg), len(st.want))
	case e.CheckContent && !bytes.Equal(msg, st.want):
		at := 0
		for at < len(msg) && msg[at] == st.want[at] {
			at++
		}
		wrong = fmt.Sprintf("Message %d came back with other content (first difference at octet %d).", st.sent, at)
	}
	st.want = nil
	switch {
	case wrong != "":
		s.obs.Self = &SelfVerdict{Behavior: Failed, Result: wrong}
	case st.sent < e.Count:
		s.sendEcho()
		return
	default:
		result := fmt.Sprintf("All %d echoes arrived as sent.", e.Count)
		if e.Count == 1 {
			result = fmt.Sprintf("The echo of the %s message of %d octets arrived.", kind(binary), len(msg))
		}
		s.obs.Self = &SelfVerdict{Behavior: OK, Result: result}
	}
	st.done = true
	s.log.pause(false)
	s.sendCloseFrame(closeNormal, noCloseCodeReason, false)
}

// Fragment splits a message's payload into the frame payloads Autobahn's
// sendMessage sends: the whole payload when size is 0 or the payload is
// not longer than size; otherwise pieces of size octets, the last one
// shorter, and empty when the payload is a multiple of size (Autobahn
// then ends the message with an empty final frame).
func Fragment(payload []byte, size int) [][]byte {
	if size <= 0 || len(payload) <= size {
		return [][]byte{payload}
	}
	var parts [][]byte
	for off := 0; ; off += size {
		if off+size > len(payload) {
			return append(parts, payload[off:])
		}
		parts = append(parts, payload[off:off+size])
	}
}
