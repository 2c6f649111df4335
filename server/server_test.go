package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// startServer serves cfg on a loopback port and shuts it down at the end
// of the test.
func startServer(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return srv, ln.Addr().String()
}

// testClient is a raw TCP client speaking frames built by hand.
type testClient struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

func dial(t testing.TB, addr string) *testClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	t.Cleanup(func() { nc.Close() })
	return &testClient{t: t, nc: nc, br: bufio.NewReader(nc)}
}

// upgrade dials and completes the opening handshake, sending extra right
// behind the request in the same write.
func upgrade(t testing.TB, addr string, extra []byte) *testClient {
	t.Helper()
	c := dial(t, addr)
	c.write(append([]byte(goodRequest), extra...))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return c
}

func (c *testClient) write(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// readFrame reads one server frame.
func (c *testClient) readFrame() (wire.Header, []byte) {
	c.t.Helper()
	buf := make([]byte, 2, wire.MaxHeaderLen)
	if _, err := io.ReadFull(c.br, buf); err != nil {
		c.t.Fatalf("reading frame: %v", err)
	}
	for {
		h, n, err := wire.DecodeHeader(buf)
		if err == nil {
			payload := make([]byte, h.Length)
			if _, err := io.ReadFull(c.br, payload); err != nil {
				c.t.Fatal(err)
			}
			_ = n
			return h, payload
		}
		if err != wire.ErrIncomplete {
			c.t.Fatal(err)
		}
		b, err := c.br.ReadByte()
		if err != nil {
			c.t.Fatal(err)
		}
		buf = append(buf, b)
	}
}

// expectClose reads a close frame with the code and then end of stream.
func (c *testClient) expectClose(code wire.CloseCode) {
	c.t.Helper()
	h, payload := c.readFrame()
	got, _, err := wire.ParseClose(payload)
	if h.OpCode != wire.OpClose || err != nil || got != code {
		c.t.Fatalf("got %v frame %x, want close %d", h.OpCode, payload, code)
	}
}

func (c *testClient) expectEOF() {
	c.t.Helper()
	if b, err := c.br.ReadByte(); err != io.EOF {
		c.t.Fatalf("read %x, %v; want the server to close TCP", b, err)
	}
}

func TestServerEchoAndClose(t *testing.T) {
	_, addr := startServer(t, Config{})
	// The first frame rides in the handshake's packet.
	c := upgrade(t, addr, clientFrame(wire.OpText, true, 0, []byte("early")))
	if h, p := c.readFrame(); h.OpCode != wire.OpText || string(p) != "early" {
		t.Fatalf("got %v %q", h.OpCode, p)
	}
	// Long enough to be read through the large read buffers; every
	// byte different from its neighbours, so a piece lost, repeated or
	// taken from another read shows.
	big := make([]byte, 1<<20+3)
	for i := range big {
		big[i] = byte(i * 7 / 3)
	}
	c.write(clientFrame(wire.OpBinary, true, 0, big))
	if h, p := c.readFrame(); h.OpCode != wire.OpBinary || !bytes.Equal(p, big) {
		t.Fatalf("1 MiB echo: got %v, %d bytes", h.OpCode, len(p))
	}
	c.write(clientFrame(wire.OpClose, true, 0, closePayload(4000, "done")))
	c.expectClose(4000)
	c.expectEOF()
}

func TestServerFailsWithCloseFrame(t *testing.T) {
	_, addr := startServer(t, Config{})
	c := upgrade(t, addr, nil)
	c.write(clientFrame(wire.OpText, true, 0, []byte("\xed\xa0\x80")))
	c.expectClose(wire.CloseInvalidPayload)
	c.write(clientFrame(wire.OpClose, true, 0, closePayload(1007, "")))
	c.expectEOF()
}

func TestServerRefusesBadHandshake(t *testing.T) {
	_, addr := startServer(t, Config{})
	c := dial(t, addr)
	c.write([]byte(request("", "Sec-WebSocket-Version: 8")))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 426 || resp.Header.Get("Sec-WebSocket-Version") != "13" || !strings.Contains(string(body), "Sec-WebSocket-Version") {
		t.Fatalf("got %d %v %q", resp.StatusCode, resp.Header, body)
	}
	c.expectEOF()
}

func TestServerHandshakeTimeout(t *testing.T) {
	_, addr := startServer(t, Config{HandshakeTimeout: 100 * time.Millisecond})
	c := dial(t, addr)
	c.write([]byte("GET / HTTP/1.1\r\n")) // and then nothing
	c.expectRefusal(http.StatusRequestTimeout)
	silent := dial(t, addr) // sends nothing: dropped without an answer
	silent.expectEOF()
}

func TestServerIdleTimeout(t *testing.T) {
	_, addr := startServer(t, Config{IdleTimeout: 700 * time.Millisecond})
	c := upgrade(t, addr, nil)
	c.expectClose(wire.CloseGoingAway)
	c.write(clientFrame(wire.OpClose, true, 0, closePayload(1001, "")))
	c.expectEOF()
}

func TestServerShutdownSendsGoingAway(t *testing.T) {
	srv, addr := startServer(t, Config{})
	c1 := upgrade(t, addr, nil)
	c2 := upgrade(t, addr, nil)
	for srv.Active() != 2 {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	for _, c := range []*testClient{c1, c2} {
		c.expectClose(wire.CloseGoingAway)
		c.write(clientFrame(wire.OpClose, true, 0, closePayload(1001, "")))
		c.expectEOF()
		c.nc.Close()
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		t.Fatal("server still accepts after Shutdown")
	}
}

func TestServerMaxConnections(t *testing.T) {
	srv, addr := startServer(t, Config{MaxConnections: 1})
	upgrade(t, addr, nil)
	for srv.Active() != 1 {
		time.Sleep(time.Millisecond)
	}
	c := dial(t, addr)
	c.write([]byte(goodRequest))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second connection: %v %v, want 503", resp, err)
	}
}

// TestQuietCompressedConnectionKeepsEchoing: a connection with compression
// that stays quiet past quietAfter lets its compression state go, and the
// next message must still be read and echoed. (A read deadline that had
// passed was once never moved again: the connection spun without reading
// until the idle timeout.)
func TestQuietCompressedConnectionKeepsEchoing(t *testing.T) {
	_, addr := startServer(t, Config{Negotiate: Deflate(deflate.Preferences{}), IdleTimeout: 10 * time.Second})
	c := dial(t, addr)
	c.write([]byte(request("", "Sec-WebSocket-Extensions: permessage-deflate")))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Extensions") == "" {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	for i, pause := range []time.Duration{0, quietAfter + 300*time.Millisecond, quietAfter + 300*time.Millisecond} {
		time.Sleep(pause)
		c.nc.SetDeadline(time.Now().Add(2 * time.Second))
		msg := []byte{'m', byte('0' + i)}
		c.write(clientFrame(wire.OpBinary, true, 0, msg))
		h, payload := c.readFrame()
		if h.OpCode != wire.OpBinary || !bytes.Equal(payload, msg) {
			t.Fatalf("message %d after %v quiet: echo %v %q", i, pause, h.OpCode, payload)
		}
	}
}
