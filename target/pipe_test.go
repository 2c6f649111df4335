package target

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// echoOnce serves a pipe's server end: each read is written back with a
// prefix, until the client closes.
func echoOnce(c net.Conn) {
	buf := make([]byte, 64)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		c.Write(append([]byte("re:"), buf[:n]...))
	}
}

func TestPipeQuietOnceTheServerReadsAgain(t *testing.T) {
	p := newPipe()
	go echoOnce(&p.server)
	defer p.client.Close()
	for _, piece := range []string{"a", "bc", "def"} {
		p.client.Write([]byte(piece))
		st := p.awaitServer(time.Now().Add(DefaultDeadline))
		if !st.quiet || st.closed {
			t.Fatalf("after %q: quiet=%v closed=%v, want quiet and open", piece, st.quiet, st.closed)
		}
		if want := "re:" + piece; string(st.output) != want {
			t.Fatalf("after %q: output %q, want %q: quiet before the answer was written", piece, st.output, want)
		}
	}
}

func TestPipeNotQuietWhileTheServerWorks(t *testing.T) {
	p := newPipe()
	release := make(chan struct{})
	go func() {
		buf := make([]byte, 8)
		p.server.Read(buf)
		<-release // busy: neither reading nor closing
		p.server.Write([]byte("late"))
		p.server.Read(buf)
	}()
	defer p.client.Close()
	p.client.Write([]byte("x"))
	st := p.awaitServer(time.Now().Add(30 * time.Millisecond))
	if st.quiet || st.closed || len(st.output) != 0 {
		t.Fatalf("a busy server looked done: %+v", st)
	}
	close(release)
	st = p.awaitServer(time.Now().Add(DefaultDeadline))
	if !st.quiet || string(st.output) != "late" {
		t.Fatalf("after the server went on: %+v, want quiet with %q", st, "late")
	}
}

func TestPipeReadDeadline(t *testing.T) {
	p := newPipe()
	p.server.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	n, err := p.server.Read(make([]byte, 4))
	if n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %d, %v; want os.ErrDeadlineExceeded", n, err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("the deadline error %v is not a net.Error timeout", err)
	}
	// A deadline moved to the future lets the read wait for data again.
	p.server.SetReadDeadline(time.Now().Add(DefaultDeadline))
	p.client.Write([]byte("ok"))
	buf := make([]byte, 4)
	if n, err := p.server.Read(buf); err != nil || string(buf[:n]) != "ok" {
		t.Fatalf("read after extending the deadline: %q, %v", buf[:n], err)
	}
	// A deadline already past fails at once.
	p.server.SetDeadline(time.Now().Add(-time.Second))
	if _, err := p.server.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read with a past deadline: %v", err)
	}
}

func TestPipeWriteDeadlineWhenTheClientDoesNotRead(t *testing.T) {
	p := newPipe()
	p.server.SetWriteDeadline(time.Now().Add(30 * time.Millisecond))
	n, err := p.server.Write(make([]byte, pipeWriteLimit+1))
	if n != pipeWriteLimit || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("writing past the unread limit: %d, %v; want %d and os.ErrDeadlineExceeded", n, err, pipeWriteLimit)
	}
}

func TestPipeCloseWrite(t *testing.T) {
	p := newPipe()
	p.server.Write([]byte("bye"))
	if err := p.server.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.server.Write([]byte("more")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after CloseWrite: %v, want net.ErrClosed", err)
	}
	got, err := io.ReadAll(&p.client)
	if err != nil || string(got) != "bye" {
		t.Fatalf("the client read %q, %v; want what was written, then end of stream", got, err)
	}
	// The server can still read what the client sends.
	p.client.Write([]byte("ack"))
	buf := make([]byte, 8)
	if n, err := p.server.Read(buf); err != nil || string(buf[:n]) != "ack" {
		t.Fatalf("the server read %q, %v after shutting its writing half", buf[:n], err)
	}
	if st := p.awaitServer(time.Now().Add(DefaultDeadline)); !st.closed {
		t.Fatalf("a shut server end is not seen as closed: %+v", st)
	}
}

func TestPipeClose(t *testing.T) {
	p := newPipe()
	p.client.Close()
	if _, err := p.server.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the server read %v after the client closed, want io.EOF", err)
	}
	if _, err := p.server.Write([]byte("x")); !errors.Is(err, errPeerClosed) {
		t.Fatalf("the server wrote with %v after the client closed, want %v", err, errPeerClosed)
	}
	if err := p.client.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("a second Close: %v, want net.ErrClosed", err)
	}
	if _, err := p.client.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("reading a closed end: %v, want net.ErrClosed", err)
	}
}

func TestPipeServerWriteIsBufferedUntilRead(t *testing.T) {
	p := newPipe()
	payload := bytes.Repeat([]byte("z"), 100000)
	if n, err := p.server.Write(payload); n != len(payload) || err != nil {
		t.Fatalf("a write under the limit blocked or failed: %d, %v", n, err)
	}
	st := p.awaitOutput(time.Now().Add(DefaultDeadline))
	if !bytes.Equal(st.output, payload) {
		t.Fatalf("awaitOutput took %d bytes, want %d", len(st.output), len(payload))
	}
}
