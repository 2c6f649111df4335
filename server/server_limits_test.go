package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// expectRefusal reads a whole refusal up to end of stream and checks its
// status, that its Content-Length is the length of its body, and that the
// server then closed TCP.
func (c *testClient) expectRefusal(status int) {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.t.Fatalf("want %d: %v", status, err)
	}
	body, err := io.ReadAll(c.br) // everything up to end of stream
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != status || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		c.t.Fatalf("got %d with Content-Length %s and %d body bytes %q; want %d", resp.StatusCode, resp.Header.Get("Content-Length"), len(body), body, status)
	}
}

// waitFor polls cond for up to two seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestServerBusyAnswer checks the 503 of a handshake beyond
// MaxConnections: its Content-Length matches its body.
func TestServerBusyAnswer(t *testing.T) {
	srv, addr := startServer(t, Config{MaxConnections: 1})
	upgrade(t, addr, nil)
	waitFor(t, "the first connection", func() bool { return srv.Stats().Upgraded == 1 })
	c := dial(t, addr)
	c.write([]byte(goodRequest))
	c.expectRefusal(http.StatusServiceUnavailable)
}

// TestServerJunkBeforeHandshake checks that bytes that cannot begin an
// upgrade request are answered with 400 at once, not at the handshake
// timeout.
func TestServerJunkBeforeHandshake(t *testing.T) {
	_, addr := startServer(t, Config{HandshakeTimeout: time.Minute})
	for _, junk := range []string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "POST / HTTP/1.1\r\n", "G\x00"} {
		c := dial(t, addr)
		c.nc.SetDeadline(time.Now().Add(2 * time.Second))
		c.write([]byte(junk))
		c.expectRefusal(http.StatusBadRequest)
	}
}

// TestServerHandshakeSlots checks that connections in the handshake do not
// take the places of upgraded ones, and that when MaxHandshakes are taken
// the one that has waited longest makes way with 503.
func TestServerHandshakeSlots(t *testing.T) {
	srv, addr := startServer(t, Config{MaxConnections: 1, MaxHandshakes: 3, HandshakeTimeout: time.Minute})
	var slow []*testClient
	for range 3 {
		c := dial(t, addr)
		c.write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")) // and no more
		slow = append(slow, c)
	}
	waitFor(t, "three connections in the handshake", func() bool { return srv.Stats().Handshaking == 3 })
	// A fourth connection takes the place of the first; it completes its
	// handshake although MaxConnections is 1: the slow ones do not count.
	c := upgrade(t, addr, clientFrame(wire.OpText, true, 0, []byte("hi")))
	slow[0].expectRefusal(http.StatusServiceUnavailable)
	if h, p := c.readFrame(); h.OpCode != wire.OpText || string(p) != "hi" {
		t.Fatalf("echo %v %q", h.OpCode, p)
	}
	if st := srv.Stats(); st.Upgraded != 1 || st.Handshaking != 2 {
		t.Fatalf("stats %+v; want 1 upgraded, 2 in the handshake", st)
	}
}

// TestServerStalledMessage checks that a message that stops making
// progress is failed with 1008 and its memory released, though the
// client keeps the connection busy with pings; and that a message trickling
// in below MinMessageRate stalls too.
func TestServerStalledMessage(t *testing.T) {
	srv, addr := startServer(t, Config{StallTimeout: 300 * time.Millisecond, MinMessageRate: 64 << 10})
	baseline := srv.Stats().MemoryInUse

	c := upgrade(t, addr, clientFrame(wire.OpBinary, false, 0, make([]byte, 200<<10)))
	waitFor(t, "the message to be reserved", func() bool { return srv.Stats().MemoryInUse >= baseline+200<<10 })
	for i := 0; ; i++ {
		c.write(clientFrame(wire.OpPing, true, 0, []byte{byte(i)}))
		h, p := c.readFrame()
		if h.OpCode == wire.OpClose {
			if code, _, _ := wire.ParseClose(p); code != wire.ClosePolicyViolation {
				t.Fatalf("closed with %d, want 1008", code)
			}
			break
		}
		if h.OpCode != wire.OpPong || i > 20 {
			t.Fatalf("got %v after %d pings; want pongs, then close 1008", h.OpCode, i)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := srv.Stats().MemoryInUse; n >= baseline+200<<10 {
		t.Fatalf("%d bytes still reserved after the stalled message was failed", n-baseline)
	}
	c.write(clientFrame(wire.OpClose, true, 0, closePayload(1008, "")))
	c.expectEOF()

	// 1 byte per 20 ms of a declared 1 MiB frame: 15 bytes per window,
	// far under 64 KiB/s.
	frame := clientFrame(wire.OpText, true, 0, bytes.Repeat([]byte("a"), 1<<20))
	t2 := upgrade(t, addr, frame[:20])
	go func() {
		for _, b := range frame[20:200] {
			if _, err := t2.nc.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	t2.expectClose(wire.ClosePolicyViolation)
}

// TestServerIdleReleasesMemory checks that a connection that goes quiet
// gives its buffers back to the budget.
func TestServerIdleReleasesMemory(t *testing.T) {
	srv, addr := startServer(t, Config{})
	baseline := srv.Stats().MemoryInUse
	c := upgrade(t, addr, nil)
	msg := bytes.Repeat([]byte("x"), 100<<10)
	c.write(fragments(wire.OpBinary, msg, 10<<10))
	if h, p := c.readFrame(); h.OpCode != wire.OpBinary || !bytes.Equal(p, msg) {
		t.Fatalf("echo %v of %d bytes", h.OpCode, len(p))
	}
	if n := srv.Stats().MemoryInUse; n <= baseline {
		t.Fatalf("nothing reserved for a connection that just echoed 100 KiB (%d)", n)
	}
	// The server's free lists keep what they made; the connection must
	// hold nothing more.
	kept := func() int64 {
		return baseline + int64(srv.held.made.Load())*maxHeldOutput + int64(srv.longReads.made.Load())*largeReadSize
	}
	time.Sleep(quietAfter)
	waitFor(t, "the quiet connection to let go of its buffers", func() bool { return srv.Stats().MemoryInUse == kept() })
}

// TestServerMemoryBudget checks the budget over the network: a message
// that does not fit fails its connection with 1013, and another client
// exchanging small messages meanwhile is unharmed.
func TestServerMemoryBudget(t *testing.T) {
	_, addr := startServer(t, Config{MaxMemory: 2 << 20})
	small := upgrade(t, addr, nil)
	greedy := upgrade(t, addr, nil)
	greedy.write(fragments(wire.OpBinary, make([]byte, 4<<20), 64<<10)[:3<<20])
	greedy.expectClose(wire.CloseTryAgainLater)
	for i := range 3 {
		msg := bytes.Repeat([]byte{byte(i)}, 1000)
		small.write(clientFrame(wire.OpBinary, true, 0, msg))
		if h, p := small.readFrame(); h.OpCode != wire.OpBinary || !bytes.Equal(p, msg) {
			t.Fatalf("small message %d: echo %v of %d bytes", i, h.OpCode, len(p))
		}
	}
}

// TestServerShutdownInHandshake checks that Shutdown answers a connection
// still in the opening handshake with 503.
func TestServerShutdownInHandshake(t *testing.T) {
	srv, addr := startServer(t, Config{})
	c := dial(t, addr)
	c.write([]byte("GET / HTTP/1.1\r\n"))
	waitFor(t, "the connection to be in the handshake", func() bool { return srv.Stats().Handshaking == 1 })
	go srv.Shutdown(context.Background())
	c.expectRefusal(http.StatusServiceUnavailable)
}
