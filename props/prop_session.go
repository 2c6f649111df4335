package props

import (
	"bytes"
	"fmt"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// maxMessageLen bounds generated messages: past the 16-bit length form.
const maxMessageLen = 70000

// FragmentedEcho states that a message cut into any fragments, with any
// pings and pongs interleaved (from Messages), and fed in any reads (from
// Chops), is echoed once, whole, in one frame, after a pong for each ping
// sent before its last fragment, and followed by the pongs for pings sent
// after it: one pong per ping, in order, with the ping's payload. The
// server stays open.
func FragmentedEcho(newServer NewServer) gopter.Prop {
	return forAll(func(args Tuple) string {
		m, chop := args[0].(Message), args[1].(Chop)
		var want []Frame
		for _, f := range m.Frames() {
			switch {
			case f.Header.OpCode == wire.OpPing:
				want = append(want, ServerFrame(wire.OpPong, f.Payload))
			case !f.Header.OpCode.IsControl() && f.Header.Fin:
				want = append(want, ServerFrame(m.Op, m.Payload))
			}
		}
		srv := newServer()
		defer closeServer(srv)
		out := FeedChopped(srv, m.Bytes(), chop)
		if fault := serverFault(srv); fault != "" {
			return fault
		}
		got, err := ParseServerStream(out)
		if err != nil {
			return fmt.Sprintf("server output: %v", err)
		}
		if err := SameOutput(got, want); err != nil {
			return err.Error()
		}
		if srv.Done() {
			return "server closed the connection"
		}
		return ""
	}, Messages(maxMessageLen), Chops())
}

// ChopInvariance states that a whole client stream (from Actions:
// messages, fragments, pings, pongs, invalid text, close frames and
// garbage headers, so streams that end the connection too) gives the same
// output bytes and the same end state however it is cut into reads.
func ChopInvariance(newServer NewServer) gopter.Prop {
	return forAll(func(args Tuple) string {
		as, chop := args[0].([]Action), args[1].(Chop)
		var stream []byte
		for _, a := range as {
			stream = append(stream, a.Bytes()...)
		}
		one := newServer()
		defer closeServer(one)
		whole := FeedChopped(one, stream, nil)
		cut := newServer()
		defer closeServer(cut)
		pieces := FeedChopped(cut, stream, chop)
		if fault := serverFault(one, cut); fault != "" {
			return fault
		}
		if !bytes.Equal(whole, pieces) {
			return fmt.Sprintf("%d-byte stream: output in one read %s, in pieces %s", len(stream), showBytes(whole), showBytes(pieces))
		}
		if one.Done() != cut.Done() {
			return fmt.Sprintf("done %v in one read, %v in pieces", one.Done(), cut.Done())
		}
		return ""
	}, Actions(2000), Chops())
}

// FailFastMidFrame states that a server fails the connection with 1007 as
// soon as it has read the first byte that makes a text message invalid
// (RFC 6455 section 8.1; Autobahn cases 6.4.*): the client sends the
// message (text from InvalidUTF8, defects that a later byte cannot mend)
// cut into fragments as a Message would be, and stops right after that
// byte, in the middle of its frame; by then the server must have sent a
// close frame with 1007 and be done.
func FailFastMidFrame(newServer NewServer) gopter.Prop {
	return forAll(func(args Tuple) string {
		c, cut, key, chop := args[0].(UTF8Case), args[1].(int), args[2].([4]byte), args[3].(Chop)
		text := c.Bytes()
		bad := c.BadOffset()
		if bad >= len(text) {
			return "" // truncated at the end: only the end of the message tells
		}
		cut = min(cut, bad) // the first fragment ends before the bad byte
		var stream []byte
		first := ClientFrame(wire.OpText, false, text[:cut], key)
		stream = first.AppendTo(stream)
		second := ClientFrame(wire.OpContinuation, true, text[cut:], key).Bytes()
		hdr := len(second) - (len(text) - cut)
		stream = append(stream, second[:hdr+bad-cut+1]...)
		srv := newServer()
		defer closeServer(srv)
		out := FeedChopped(srv, stream, chop)
		if fault := serverFault(srv); fault != "" {
			return fmt.Sprintf("after byte %d of %d: %s", bad, len(text), fault)
		}
		got, err := ParseServerStream(out)
		if err != nil {
			return fmt.Sprintf("server output: %v", err)
		}
		if err := SameOutput(got, []Frame{CloseFrame(1007)}); err != nil {
			return fmt.Sprintf("after byte %d of %d: %v", bad, len(text), err)
		}
		if !srv.Done() {
			return "server not done after failing"
		}
		return ""
	}, InvalidUTF8(maxTextLen), cutGen(maxTextLen), MaskKey(), Chops())
}

// cutGen generates an offset where a message is cut into two fragments.
func cutGen(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(p.Rng.Intn(maxLen+1), shrinker(func(v int) cands[int] { return intCands(v) }))
	}
}
