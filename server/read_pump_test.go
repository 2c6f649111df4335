package server

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// echoPump echoes what it reads the way the connection loop does: the
// bytes of a read that filled the buffer are held back until the pump is
// about to wait, so a pump that waits without calling beforeWait leaves
// the client without its echo.
func echoPump(nc net.Conn, bufSize int) readPump {
	buf := make([]byte, bufSize)
	var held []byte
	flush := func() bool {
		_, err := nc.Write(held)
		held = held[:0]
		return err == nil
	}
	return readPump{
		buffer: func() []byte { return buf },
		got: func(n int) bool {
			held = append(held, buf[:n]...)
			return n == len(buf) || flush()
		},
		beforeWait: flush,
	}
}

// TestReadPumpLosesNoWakeUp plays a request-reply exchange through the
// pump: the client waits for each echo before sending the next message, so
// almost every read is short and the pump waits before its next read. A
// lost "readable" notice, or a wait without beforeWait (messages of a
// multiple of the buffer size end with a full read and then an empty one),
// leaves the client waiting for an echo that never comes; the deadline
// turns that into a failure instead of a hang.
func TestReadPumpLosesNoWakeUp(t *testing.T) {
	for _, bufSize := range []int{7, 4096} {
		srv, cl := tcpPair(t)
		done := make(chan error, 1)
		go func() { done <- echoPump(srv, bufSize).pumpReads(srv) }()

		rng := rand.New(rand.NewPCG(1, uint64(bufSize)))
		cl.SetDeadline(time.Now().Add(20 * time.Second))
		for i := range 3000 {
			msg := make([]byte, 1+rng.IntN(3*bufSize))
			for j := range msg {
				msg[j] = byte(rng.Uint32())
			}
			if _, err := cl.Write(msg); err != nil {
				t.Fatal(err)
			}
			echo := make([]byte, len(msg))
			if _, err := io.ReadFull(cl, echo); err != nil {
				t.Fatalf("buffer %d, message %d (%d bytes): %v", bufSize, i, len(msg), err)
			}
			if !bytes.Equal(echo, msg) {
				t.Fatalf("buffer %d, message %d: echo differs", bufSize, i)
			}
		}
		cl.Close()
		if err := <-done; !errors.Is(err, io.EOF) {
			t.Fatalf("buffer %d: pump ended with %v after the client closed, want io.EOF", bufSize, err)
		}
	}
}

// TestReadPumpDeadline checks that a read deadline ends a waiting pump
// with os.ErrDeadlineExceeded, as it ends net.Conn.Read, and that the
// pump can be run again afterwards without losing the next bytes.
func TestReadPumpDeadline(t *testing.T) {
	srv, cl := tcpPair(t)
	if _, err := cl.Write([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	srv.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var got []byte
	buf := make([]byte, 64)
	p := readPump{
		buffer:     func() []byte { return buf },
		got:        func(n int) bool { got = append(got, buf[:n]...); return len(got) < 3 },
		beforeWait: func() bool { return true },
	}
	err := p.pumpReads(srv)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("pump ended with %v, want a deadline error", err)
	}
	if string(got) != "ab" {
		t.Fatalf("read %q before the deadline, want %q", got, "ab")
	}
	srv.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := cl.Write([]byte("c")); err != nil {
		t.Fatal(err)
	}
	if err := p.pumpReads(srv); err != nil {
		t.Fatalf("second run ended with %v, want nil (got stopped it)", err)
	}
	if string(got) != "abc" {
		t.Fatalf("read %q, want %q", got, "abc")
	}
}
