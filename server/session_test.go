package server

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

func TestSessionEcho(t *testing.T) {
	long := bytes.Repeat([]byte("abcdefgh"), 9000) // 72000 bytes: 64-bit length form
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"text", clientFrame(wire.OpText, true, 0, []byte("Hello")), serverFrame(wire.OpText, []byte("Hello"))},
		{"empty text", clientFrame(wire.OpText, true, 0, nil), serverFrame(wire.OpText, nil)},
		{"binary", clientFrame(wire.OpBinary, true, 0, []byte{0, 0xff, 0x80}), serverFrame(wire.OpBinary, []byte{0, 0xff, 0x80})},
		{"16-bit length", clientFrame(wire.OpBinary, true, 0, long[:300]), serverFrame(wire.OpBinary, long[:300])},
		{"64-bit length", clientFrame(wire.OpBinary, true, 0, long), serverFrame(wire.OpBinary, long)},
		{"fragmented text", cat(
			clientFrame(wire.OpText, false, 0, []byte("Hel")),
			clientFrame(wire.OpContinuation, false, 0, []byte("l")),
			clientFrame(wire.OpContinuation, true, 0, []byte("o"))),
			serverFrame(wire.OpText, []byte("Hello"))},
		{"fragmented with empty first and last", cat(
			clientFrame(wire.OpBinary, false, 0, nil),
			clientFrame(wire.OpContinuation, false, 0, []byte("x")),
			clientFrame(wire.OpContinuation, true, 0, nil)),
			serverFrame(wire.OpBinary, []byte("x"))},
		{"ping", clientFrame(wire.OpPing, true, 0, []byte("ping payload")), serverFrame(wire.OpPong, []byte("ping payload"))},
		{"ping 125 bytes", clientFrame(wire.OpPing, true, 0, long[:125]), serverFrame(wire.OpPong, long[:125])},
		{"unsolicited pong ignored", cat(
			clientFrame(wire.OpPong, true, 0, []byte("x")),
			clientFrame(wire.OpText, true, 0, []byte("y"))),
			serverFrame(wire.OpText, []byte("y"))},
		{"ping between fragments", cat(
			clientFrame(wire.OpText, false, 0, []byte("fragment1")),
			clientFrame(wire.OpPing, true, 0, []byte("p")),
			clientFrame(wire.OpContinuation, true, 0, []byte("fragment2"))),
			cat(serverFrame(wire.OpPong, []byte("p")), serverFrame(wire.OpText, []byte("fragment1fragment2")))},
		{"utf-8 across fragments", cat(
			clientFrame(wire.OpText, false, 0, []byte("\xce\xba\xe1")),
			clientFrame(wire.OpContinuation, true, 0, []byte("\xbd\xb9"))),
			serverFrame(wire.OpText, []byte("\xce\xba\xe1\xbd\xb9"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, s := feedAll(SessionConfig{}, tt.in)
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("output\n got %x\nwant %x", trim(got), trim(tt.want))
			}
			if s.Done() {
				t.Fatalf("session done after echo (err %v)", s.Err())
			}
		})
	}
}

func trim(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

func TestSessionCloseHandshake(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		want    wire.CloseCode
	}{
		{"empty close answered with 1000", nil, wire.CloseNormal},
		{"1000 echoed", closePayload(1000, ""), 1000},
		{"1001 echoed", closePayload(1001, "bye"), 1001},
		{"1003 echoed", closePayload(1003, ""), 1003},
		{"1007 echoed", closePayload(1007, ""), 1007},
		{"1011 echoed", closePayload(1011, ""), 1011},
		{"1012 echoed (registered)", closePayload(1012, ""), 1012},
		{"1014 echoed (registered)", closePayload(1014, ""), 1014},
		{"3000 echoed", closePayload(3000, ""), 3000},
		{"4999 echoed with reason", closePayload(4999, "κόσμε"), 4999},
		{"reason of 123 bytes", closePayload(1000, strings.Repeat("r", 123)), 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := cat(clientFrame(wire.OpClose, true, 0, tt.payload), clientFrame(wire.OpText, true, 0, []byte("after close")))
			got, s := feedAll(SessionConfig{}, in)
			if want := serverClose(tt.want, ""); !bytes.Equal(got, want) {
				t.Fatalf("got %x, want %x", got, want)
			}
			if !s.Done() || s.Err() != nil {
				t.Fatalf("done=%v err=%v, want a clean end", s.Done(), s.Err())
			}
		})
	}
}

// TestSessionFailures checks every rule that fails the connection, with the
// exact close code, and that nothing after the offending bytes is echoed.
func TestSessionFailures(t *testing.T) {
	hello := clientFrame(wire.OpText, true, 0, []byte("ok"))
	tooLong := append(clientFrame(wire.OpPing, true, 0, nil)[:1], 0x80|126, 0, 126) // ping with 16-bit length 126
	tests := []struct {
		name string
		in   []byte
		cfg  SessionConfig
		err  error
	}{
		{"unmasked frame", append([]byte{0x81, 0x02}, "hi"...), SessionConfig{}, wire.ErrUnmasked},
		{"reserved opcode 3", clientFrame(3, true, 0, nil), SessionConfig{}, wire.ErrReservedOpcode},
		{"reserved opcode 7", clientFrame(7, true, 0, nil), SessionConfig{}, wire.ErrReservedOpcode},
		{"reserved opcode 11", clientFrame(11, true, 0, nil), SessionConfig{}, wire.ErrReservedOpcode},
		{"reserved opcode 15", clientFrame(15, true, 0, nil), SessionConfig{}, wire.ErrReservedOpcode},
		{"RSV1 without extension", clientFrame(wire.OpText, true, wire.Rsv1, []byte("x")), SessionConfig{}, wire.ErrReservedBits},
		{"RSV2", clientFrame(wire.OpBinary, true, wire.Rsv2, nil), SessionConfig{}, wire.ErrReservedBits},
		{"RSV3 on ping", clientFrame(wire.OpPing, true, wire.Rsv3, nil), SessionConfig{}, wire.ErrReservedBits},
		{"fragmented ping", clientFrame(wire.OpPing, false, 0, nil), SessionConfig{}, wire.ErrControlFragmented},
		{"fragmented close", clientFrame(wire.OpClose, false, 0, nil), SessionConfig{}, wire.ErrControlFragmented},
		{"ping of 126 bytes", tooLong, SessionConfig{}, wire.ErrControlTooLong},
		{"continuation without message", clientFrame(wire.OpContinuation, true, 0, []byte("x")), SessionConfig{}, wire.ErrUnexpectedContinue},
		{"text inside fragmented message", cat(clientFrame(wire.OpText, false, 0, []byte("a")), clientFrame(wire.OpText, true, 0, []byte("b"))), SessionConfig{}, wire.ErrExpectedContinuation},
		{"64-bit length with top bit", []byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, SessionConfig{}, wire.ErrLengthMSB},
		{"non-minimal 16-bit length", []byte{0x82, 0x80 | 126, 0, 5, 1, 2, 3, 4}, SessionConfig{}, wire.ErrLengthNotMinimal},
		{"non-minimal 64-bit length", []byte{0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}, SessionConfig{}, wire.ErrLengthNotMinimal},
		{"invalid UTF-8 text", clientFrame(wire.OpText, true, 0, []byte("\xce\xba\xff")), SessionConfig{}, wire.ErrInvalidUTF8},
		{"surrogate", clientFrame(wire.OpText, true, 0, []byte("\xed\xa0\x80")), SessionConfig{}, wire.ErrInvalidUTF8},
		{"text ends mid-sequence", clientFrame(wire.OpText, true, 0, []byte("\xce")), SessionConfig{}, wire.ErrInvalidUTF8},
		{"fragmented text ends mid-sequence", cat(clientFrame(wire.OpText, false, 0, []byte("a")), clientFrame(wire.OpContinuation, true, 0, []byte("\xe2\x82"))), SessionConfig{}, wire.ErrInvalidUTF8},
		{"close of 1 byte", clientFrame(wire.OpClose, true, 0, []byte{3}), SessionConfig{}, wire.ErrCloseLength},
		{"close code 0", clientFrame(wire.OpClose, true, 0, closePayload(0, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 999", clientFrame(wire.OpClose, true, 0, closePayload(999, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 1004", clientFrame(wire.OpClose, true, 0, closePayload(1004, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 1005", clientFrame(wire.OpClose, true, 0, closePayload(1005, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 1006", clientFrame(wire.OpClose, true, 0, closePayload(1006, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 1015", clientFrame(wire.OpClose, true, 0, closePayload(1015, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 1016", clientFrame(wire.OpClose, true, 0, closePayload(1016, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 2999", clientFrame(wire.OpClose, true, 0, closePayload(2999, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 5000", clientFrame(wire.OpClose, true, 0, closePayload(5000, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close code 65535", clientFrame(wire.OpClose, true, 0, closePayload(65535, "")), SessionConfig{}, wire.ErrCloseCode},
		{"close reason not UTF-8", clientFrame(wire.OpClose, true, 0, closePayload(1000, "\xce\xba\xff")), SessionConfig{}, wire.ErrCloseReasonUTF8},
		{"message over limit", clientFrame(wire.OpBinary, true, 0, make([]byte, 1025)), SessionConfig{MaxMessageSize: 1024}, wire.ErrMessageTooBig},
		{"fragments over limit", cat(clientFrame(wire.OpBinary, false, 0, make([]byte, 600)), clientFrame(wire.OpContinuation, true, 0, make([]byte, 600))), SessionConfig{MaxMessageSize: 1024}, wire.ErrMessageTooBig},
		{"frame over frame limit", clientFrame(wire.OpBinary, false, 0, make([]byte, 600)), SessionConfig{MaxMessageSize: 1024, MaxFrameSize: 512}, wire.ErrFrameTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			werr := tt.err.(*wire.Error)
			in := cat(tt.in, hello)
			got, s := feedAll(tt.cfg, in)
			want := serverClose(werr.Code, werr.Reason)
			if !bytes.Equal(got, want) {
				t.Fatalf("output %x, want close %d %q = %x", got, werr.Code, werr.Reason, want)
			}
			if !s.Done() || !errors.Is(s.Err(), tt.err) {
				t.Fatalf("done=%v err=%v, want %v", s.Done(), s.Err(), tt.err)
			}
		})
	}
}

// TestSessionFailsFast checks that invalid UTF-8 fails the connection as
// soon as the bad byte arrives, mid-frame and mid-message, before the rest
// of the message (Autobahn 6.4.*).
func TestSessionFailsFast(t *testing.T) {
	frame := clientFrame(wire.OpText, true, 0, []byte("κόσμε\xf4\x90\x80\x80edited"))
	cut := 2 + 4 + len("κόσμε") + 2 // header, key, valid text, then F4 90: no code point starts so
	s := NewSession(SessionConfig{})
	out, _, err := s.Feed(frame[:cut])
	if !errors.Is(err, wire.ErrInvalidUTF8) || !s.Done() {
		t.Fatalf("after the bad byte: err=%v done=%v, want 1007 at once", err, s.Done())
	}
	if want := serverClose(wire.CloseInvalidPayload, wire.ErrInvalidUTF8.Reason); !bytes.Equal(out, want) {
		t.Fatalf("out %x, want %x", out, want)
	}
	// The same across fragments: the first fragment is fine, the second
	// carries the bad byte, the third never needs to arrive.
	s = NewSession(SessionConfig{})
	if out, _, err := s.Feed(clientFrame(wire.OpText, false, 0, []byte("κόσμε"))); err != nil || len(out) != 0 {
		t.Fatalf("valid first fragment: out %x err %v", out, err)
	}
	if _, _, err := s.Feed(clientFrame(wire.OpContinuation, false, 0, []byte{0xf4, 0x90, 0x80, 0x80})); !errors.Is(err, wire.ErrInvalidUTF8) {
		t.Fatalf("second fragment: err %v, want invalid UTF-8", err)
	}
}

// TestSessionTooBigBeforePayload checks that an oversized frame fails on
// its header alone: the declared length is never waited for nor allocated.
func TestSessionTooBigBeforePayload(t *testing.T) {
	hdr := wire.AppendHeader(nil, wire.Header{Fin: true, OpCode: wire.OpBinary, Masked: true, Mask: testKey, Length: 1 << 40})
	s := NewSession(SessionConfig{})
	_, _, err := s.Feed(hdr)
	if !errors.Is(err, wire.ErrMessageTooBig) {
		t.Fatalf("err %v, want 1009", err)
	}
}

func TestSessionServerClose(t *testing.T) {
	s := NewSession(SessionConfig{})
	out := s.Close(wire.CloseGoingAway, "server shutting down")
	if want := serverClose(wire.CloseGoingAway, "server shutting down"); !bytes.Equal(out, want) {
		t.Fatalf("close frame %x, want %x", out, want)
	}
	// While waiting for the client's close, data is discarded and pings
	// are not answered.
	out, _, _ = s.Feed(cat(clientFrame(wire.OpText, true, 0, []byte("late")), clientFrame(wire.OpPing, true, 0, nil)))
	if len(out) != 0 || s.Done() {
		t.Fatalf("closing session wrote %x, done=%v", out, s.Done())
	}
	out, _, _ = s.Feed(clientFrame(wire.OpClose, true, 0, closePayload(1001, "")))
	if len(out) != 0 || !s.Done() || s.Err() != nil {
		t.Fatalf("after the client's close: out %x done=%v err=%v", out, s.Done(), s.Err())
	}
}

func TestSessionEvents(t *testing.T) {
	s := NewSession(SessionConfig{})
	in := cat(
		clientFrame(wire.OpText, true, 0, []byte("one")),
		clientFrame(wire.OpBinary, false, 0, []byte("tw")),
		clientFrame(wire.OpPing, true, 0, []byte("p")),
		clientFrame(wire.OpContinuation, true, 0, []byte("o")),
		clientFrame(wire.OpPong, true, 0, nil),
		clientFrame(wire.OpClose, true, 0, closePayload(1000, "")),
	)
	_, events, _ := s.Feed(in)
	want := []struct {
		kind EventKind
		data string
	}{{EventText, "one"}, {EventPing, "p"}, {EventBinary, "two"}, {EventPong, ""}, {EventClose, ""}}
	if len(events) != len(want) {
		t.Fatalf("got %d events %v, want %d", len(events), events, len(want))
	}
	for i, w := range want {
		if events[i].Kind != w.kind || string(events[i].Data) != w.data {
			t.Errorf("event %d = %v %q, want %v %q", i, events[i].Kind, events[i].Data, w.kind, w.data)
		}
	}
}

// mixedStream is a client stream exercising every path of the session.
func mixedStream(r *rand.Rand) []byte {
	var b []byte
	for range 1 + r.IntN(12) {
		payload := make([]byte, []int{0, 1, 7, 125, 126, 300, 65536, 70000}[r.IntN(8)])
		for i := range payload {
			payload[i] = byte('a' + r.IntN(26))
		}
		switch r.IntN(5) {
		case 0:
			b = append(b, clientFrame(wire.OpText, true, 0, payload)...)
		case 1:
			b = append(b, clientFrame(wire.OpBinary, true, 0, payload)...)
		case 2:
			cut := r.IntN(len(payload) + 1)
			b = append(b, clientFrame(wire.OpText, false, 0, payload[:cut])...)
			b = append(b, clientFrame(wire.OpPing, true, 0, payload[:min(len(payload), 125)])...)
			b = append(b, clientFrame(wire.OpContinuation, true, 0, payload[cut:])...)
		case 3:
			b = append(b, clientFrame(wire.OpPing, true, 0, payload[:min(len(payload), 125)])...)
		case 4:
			b = append(b, clientFrame(wire.OpPong, true, 0, payload[:min(len(payload), 125)])...)
		}
	}
	switch r.IntN(3) {
	case 0:
		b = append(b, clientFrame(wire.OpClose, true, 0, closePayload(1000, "done"))...)
	case 1:
		b = append(b, clientFrame(wire.OpText, true, 0, []byte("bad \xc0\xaf"))...)
	}
	return b
}

// TestSessionChopInvariance checks that any chopping of the same client
// stream gives byte-identical server output.
func TestSessionChopInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		stream := mixedStream(r)
		whole, _ := feedAll(SessionConfig{}, stream)
		var chops []int
		switch i % 3 {
		case 0: // one byte at a time for the first 300 bytes
			for range 300 {
				chops = append(chops, 1)
			}
		case 1:
			for range 40 {
				chops = append(chops, r.IntN(20))
			}
		case 2:
			for range 10 {
				chops = append(chops, r.IntN(70000))
			}
		}
		got, _ := feedAll(SessionConfig{}, stream, chops...)
		if !bytes.Equal(got, whole) {
			t.Fatalf("stream %d (%d bytes) chopped %v: output differs (%d vs %d bytes)", i, len(stream), chops, len(got), len(whole))
		}
	}
}

// TestSessionStreamsBinary checks that a binary frame spanning chunks is
// echoed as it arrives, and that a server-side close asked for meanwhile
// waits for the end of the echo frame.
func TestSessionStreamsBinary(t *testing.T) {
	payload := bytes.Repeat([]byte{1, 2, 3, 4, 5}, 13108) // 65540 bytes
	frame := clientFrame(wire.OpBinary, true, 0, payload)
	s := NewSession(SessionConfig{})
	out, _, _ := s.Feed(frame[:100])
	want := serverFrame(wire.OpBinary, payload)
	if !bytes.Equal(out, want[:10+86]) {
		t.Fatalf("first chunk: %d bytes out, want the echo header and the 86 payload bytes so far", len(out))
	}
	if out := s.Close(wire.CloseGoingAway, "bye"); len(out) != 0 {
		t.Fatalf("close frame written mid-frame: %x", out)
	}
	rest, events, _ := s.Feed(frame[100:])
	if !bytes.Equal(rest, cat(want[96:], serverClose(wire.CloseGoingAway, "bye"))) {
		t.Fatalf("rest of the echo then the close frame expected, got %d bytes", len(rest))
	}
	if len(events) != 1 || events[0].Kind != EventBinary {
		t.Fatalf("events %v", events)
	}
}

// TestSessionExpecting: the payload still to come of the current frame,
// for the shell to size its reads by.
func TestSessionExpecting(t *testing.T) {
	s := NewSession(SessionConfig{})
	if got := s.Expecting(); got != 0 {
		t.Fatalf("before any frame: %d", got)
	}
	payload := make([]byte, 1000)
	frame := clientFrame(wire.OpBinary, true, 0, payload)
	hl := len(frame) - len(payload)
	steps := []struct {
		feed int
		want int64
	}{
		{1, 0},             // half a header: no frame yet
		{hl - 1 + 10, 990}, // header and 10 bytes of payload
		{900, 90},          // more payload
		{90, 0},            // the frame is complete
	}
	for _, st := range steps {
		s.Feed(frame[:st.feed])
		frame = frame[st.feed:]
		if got := s.Expecting(); got != st.want {
			t.Fatalf("after %d more bytes: Expecting() = %d, want %d", st.feed, got, st.want)
		}
	}
}
