package server

import (
	"bytes"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// fragments builds a message of n bytes of b as client frames of size
// octets each, the first with opcode op.
func fragments(op wire.Opcode, payload []byte, size int) []byte {
	var out []byte
	for i := 0; i < len(payload); i += size {
		end := min(i+size, len(payload))
		o := op
		if i > 0 {
			o = wire.OpContinuation
		}
		out = append(out, clientFrame(o, end == len(payload), 0, payload[i:end])...)
	}
	return out
}

// TestSessionCompressedAtLimit checks that a compressed message that
// inflates to exactly the limit, or a little under it, is echoed although
// its compressed form is longer than the limit (random data does not
// compress), in one frame and in fragments; and that one octet more fails
// with 1009.
func TestSessionCompressedAtLimit(t *testing.T) {
	for _, tc := range []struct {
		n          int
		fragmented bool
	}{{DefaultMaxMessageSize, false}, {16_777_000, true}, {DefaultMaxMessageSize + 1, false}} {
		n, fragmented, msg := tc.n, tc.fragmented, randomBytes(tc.n)
		s, client, inflater := deflateSession(t, "permessage-deflate", SessionConfig{})
		z := compressed(t, client, string(msg))
		if len(z) <= DefaultMaxMessageSize {
			t.Fatalf("%d random bytes compress to %d: not over the limit", n, len(z))
		}
		in := clientFrame(wire.OpBinary, true, wire.Rsv1, z)
		if fragmented {
			in = fragments(wire.OpBinary, z, 64<<10)
			in[0] |= 0x40 // RSV1 on the first frame
		}
		out, _, err := s.Feed(in)
		if n > DefaultMaxMessageSize {
			if !bytes.Equal(out, serverClose(wire.CloseMessageTooBig, errInflateTooBig.Reason)) {
				t.Fatalf("%d bytes: err %v, out %.40x; want 1009", n, err, out)
			}
			continue
		}
		h, hl, herr := wire.DecodeHeader(out)
		if err != nil || herr != nil || int64(len(out)-hl) != h.Length {
			t.Fatalf("%d bytes (fragmented %v): err %v, echo header %+v %v", n, fragmented, err, h, herr)
		}
		got := out[hl:]
		if h.Rsv == wire.Rsv1 {
			if got, err = inflater.Inflate(nil, got, deflate.NoLimit); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes (fragmented %v): echo of %d bytes differs", n, fragmented, len(got))
		}
	}
}

// TestSessionMemoryBudget checks the budget's rules on three sessions
// sharing one: a message that would take the large part of the budget past
// its limit fails its own connection with 1013, a message already being
// read goes on to its echo, small messages still get their buffers, and
// everything reserved comes back once the sessions are released.
func TestSessionMemoryBudget(t *testing.T) {
	budget := NewMemoryBudget(4 << 20) // 3.5 MiB for large buffers
	cfg := SessionConfig{Memory: budget}
	holder, greedy, small := NewSession(cfg), NewSession(cfg), NewSession(cfg)

	held := randomBytes(1536 << 10)
	frames := fragments(wire.OpBinary, held, 64<<10)
	last := len(frames) - len(clientFrame(wire.OpContinuation, true, 0, held[len(held)-(len(held)%(64<<10)):]))
	if out, _, err := holder.Feed(frames[:last]); err != nil || len(out) != 0 {
		t.Fatalf("holder: %v, %d bytes out", err, len(out))
	}
	if budget.InUse() < int64(len(held))-64<<10 {
		t.Fatalf("holder's message reserves %d bytes of the budget", budget.InUse())
	}

	greedyIn := fragments(wire.OpBinary, randomBytes(8<<20), 64<<10)
	out, _, err := greedy.Feed(greedyIn)
	if err == nil || !bytes.Equal(out, serverClose(wire.CloseTryAgainLater, errNoMemory.Reason)) {
		t.Fatalf("greedy: err %v, out %.40x; want 1013", err, out)
	}

	for i := range 3 {
		msg := randomBytes(1000 + i)
		out, _, err := small.Feed(clientFrame(wire.OpBinary, true, 0, msg))
		if err != nil || !bytes.Equal(out, serverFrame(wire.OpBinary, msg)) {
			t.Fatalf("small message %d: err %v", i, err)
		}
	}

	out, _, err = holder.Feed(frames[last:])
	if err != nil || !bytes.Equal(out, serverFrame(wire.OpBinary, held)) {
		t.Fatalf("holder's message: err %v, %d bytes out; want its echo", err, len(out))
	}
	for _, s := range []*Session{holder, greedy, small} {
		s.Release()
	}
	if n := budget.InUse(); n != 0 {
		t.Fatalf("%d bytes still reserved after every session was released", n)
	}
}

// TestSessionCloseDropsMessage checks that Close gives up a message in
// progress: its buffer goes back to the budget at once, and the rest of it
// is read and discarded, never echoed after the close frame.
func TestSessionCloseDropsMessage(t *testing.T) {
	budget := NewMemoryBudget(64 << 20)
	s := NewSession(SessionConfig{Memory: budget})
	msg := randomBytes(300 << 10)
	frames := fragments(wire.OpText, bytes.Repeat([]byte("a"), len(msg)), 100<<10)
	cut := len(frames) / 2
	if _, _, err := s.Feed(frames[:cut]); err != nil {
		t.Fatal(err)
	}
	if budget.InUse() == 0 {
		t.Fatal("the message in progress reserves nothing")
	}
	out := s.Close(wire.ClosePolicyViolation, "stalled")
	if !bytes.Equal(out, serverClose(wire.ClosePolicyViolation, "stalled")) || budget.InUse() != 0 {
		t.Fatalf("Close wrote %x and left %d bytes reserved", out, budget.InUse())
	}
	out, _, err := s.Feed(append(frames[cut:], clientFrame(wire.OpClose, true, 0, closePayload(1000, ""))...))
	if err != nil || len(out) != 0 || !s.Done() {
		t.Fatalf("after Close: err %v, %d bytes out, done %v; want the message discarded and the close handshake over", err, len(out), s.Done())
	}
}

// TestSessionProgress checks what Progress counts: payload octets of data
// frames, not of control frames, and whether a message is in progress.
func TestSessionProgress(t *testing.T) {
	s := NewSession(SessionConfig{})
	steps := []struct {
		in       []byte
		received int64
		inMsg    bool
	}{
		{clientFrame(wire.OpText, false, 0, []byte("abc")), 3, true},
		{clientFrame(wire.OpPing, true, 0, []byte("ping")), 3, true},
		{clientFrame(wire.OpContinuation, false, 0, []byte("de"))[:7], 4, true},
		{[]byte{'e' ^ testKey[1]}, 5, true},
		{clientFrame(wire.OpContinuation, true, 0, nil), 5, false},
		{clientFrame(wire.OpBinary, true, 0, []byte("xyz")), 8, false},
		{clientFrame(wire.OpBinary, true, 0, []byte("long"))[:6], 8, true},
	}
	for i, st := range steps {
		if _, _, err := s.Feed(st.in); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if n, in := s.Progress(); n != st.received || in != st.inMsg {
			t.Fatalf("step %d: Progress() = %d, %v; want %d, %v", i, n, in, st.received, st.inMsg)
		}
	}
}

// TestMemoryBudgetCountsGarbage checks that memory given back counts
// until a collection has run: a reservation that only garbage stands in
// the way of runs one and succeeds; one beyond the live limit fails; the
// last eighth is for small buffers only.
func TestMemoryBudgetCountsGarbage(t *testing.T) {
	b := NewMemoryBudget(1 << 20) // 896 KiB for large buffers
	if !b.reserve(600<<10, 600<<10) {
		t.Fatal("600 KiB of 1 MiB refused")
	}
	if b.reserve(400<<10, 400<<10) {
		t.Fatal("1000 KiB of large buffers accepted past seven eighths of 1 MiB")
	}
	if !b.reserve(64<<10, 64<<10) || !b.reserve(64<<10, 64<<10) {
		t.Fatal("small buffers refused in the last eighth")
	}
	b.release(728 << 10)
	if b.InUse() != 0 || b.garbage.Load() != 728<<10 {
		t.Fatalf("in use %d, garbage %d after giving everything back", b.InUse(), b.garbage.Load())
	}
	b.lastCollect = time.Time{}
	if !b.reserve(800<<10, 800<<10) || b.garbage.Load() != 0 {
		t.Fatalf("a reservation only garbage stood in the way of: garbage %d", b.garbage.Load())
	}
}

// TestSessionLetsGoOfLongEcho checks that the buffer of a long message
// echoed in place takes the pong that follows in the same output without
// growing, and is let go at the next Feed: nothing keeps it.
func TestSessionLetsGoOfLongEcho(t *testing.T) {
	budget := NewMemoryBudget(64 << 20)
	s := NewSession(SessionConfig{Memory: budget})
	msg := randomBytes(1 << 20)
	in := append(fragments(wire.OpBinary, msg, 64<<10), clientFrame(wire.OpPing, true, 0, []byte("p"))...)
	out, _, err := s.Feed(in)
	if want := cat(serverFrame(wire.OpBinary, msg), serverFrame(wire.OpPong, []byte("p"))); err != nil || !bytes.Equal(out, want) {
		t.Fatalf("err %v, %d bytes out; want the echo and the pong", err, len(out))
	}
	if c := cap(s.outBase); c > len(msg)+msgHead+msgTail {
		t.Fatalf("the echo's buffer grew to %d bytes for a pong", c)
	}
	if _, _, err := s.Feed(clientFrame(wire.OpBinary, true, 0, []byte("small"))); err != nil {
		t.Fatal(err)
	}
	if s.outBase != nil || budget.InUse() > retainLimit {
		t.Fatalf("after the next Feed %d bytes reserved, outBase of %d bytes kept", budget.InUse(), cap(s.outBase))
	}
}

// TestSessionFragmentedAtLimit checks the limit of an uncompressed
// message reassembled from fragments: exactly MaxMessageSize is echoed,
// one octet more fails with 1009.
func TestSessionFragmentedAtLimit(t *testing.T) {
	const limit = 100 << 10
	for _, n := range []int{limit, limit + 1} {
		msg := randomBytes(n)
		out, _ := feedAll(SessionConfig{MaxMessageSize: limit}, fragments(wire.OpBinary, msg, 10<<10))
		want := serverFrame(wire.OpBinary, msg)
		if n > limit {
			want = serverClose(wire.CloseMessageTooBig, wire.ErrMessageTooBig.Reason)
		}
		if !bytes.Equal(out, want) {
			t.Fatalf("%d bytes against a limit of %d: %d bytes out", n, limit, len(out))
		}
	}
}
