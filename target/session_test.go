package target

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// testKey masks the client frames of these tests.
var testKey = [4]byte{1, 2, 3, 4}

// clientFrame is a final, masked client frame.
func clientFrame(op wire.Opcode, payload []byte) []byte {
	b := wire.AppendHeader(nil, wire.Header{Fin: true, OpCode: op, Masked: true, Mask: testKey, Length: int64(len(payload))})
	start := len(b)
	b = append(b, payload...)
	wire.MaskBytes(testKey, 0, b[start:])
	return b
}

// serverFrame is a final, unmasked server frame.
func serverFrame(op wire.Opcode, payload []byte) []byte {
	return append(wire.AppendHeader(nil, wire.Header{Fin: true, OpCode: op, Length: int64(len(payload))}), payload...)
}

func closePayload(code wire.CloseCode) []byte { return wire.AppendClosePayload(nil, code, "") }

// negotiate is the reference's permessage-deflate negotiation, as the
// targets under test here serve it.
var negotiate = server.Deflate(deflate.Preferences{})

// hijackingReference is the reference session served as an http.Handler
// that hijacks the connection, as gorilla/websocket or gobwas/ws do.
func hijackingReference() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := server.AnswerHandshake(r, negotiate)
		if !res.Accepted() {
			http.Error(w, res.Reason, res.Status)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write(res.Response)
		sess := server.NewSession(server.SessionConfig{Compression: res.Codec})
		buf := make([]byte, 4096)
		for !sess.Done() {
			n, err := rw.Read(buf)
			out, _, _ := sess.Feed(buf[:n])
			if _, werr := conn.Write(out); werr != nil || err != nil {
				return
			}
		}
	})
}

// shellListener hands in-memory connections to the reference's network
// shell (server.Server), for target.Conn.
type shellListener struct{ conns chan net.Conn }

func (l shellListener) Accept() (net.Conn, error) { return <-l.conns, nil }
func (l shellListener) Close() error              { return nil }
func (l shellListener) Addr() net.Addr            { return pipeAddr(memoryHost) }

var (
	shellOnce sync.Once
	shell     shellListener
)

// serveShell serves c with the reference's network shell.
func serveShell(c net.Conn) {
	shellOnce.Do(func() {
		shell = shellListener{conns: make(chan net.Conn)}
		go server.New(server.Config{Negotiate: negotiate}).Serve(shell)
	})
	shell.conns <- c
}

// listenReference serves the network shell on 127.0.0.1 for the test.
func listenReference(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Negotiate: negotiate})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return "ws://" + ln.Addr().String() + "/"
}

// referenceTargets are the reference server through every constructor.
func referenceTargets(t *testing.T) []struct {
	name string
	t    Target
} {
	return []struct {
		name string
		t    Target
	}{
		{"Reference", Reference(server.SessionConfig{})},
		{"Handler", Handler(hijackingReference())},
		{"Conn", Conn(serveShell)},
		{"URL", URL(listenReference(t))},
	}
}

func TestSessionAgainstTheReferenceThroughEachConstructor(t *testing.T) {
	ctx := context.Background()
	for _, tc := range referenceTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			var opts []SessionOption
			if tc.name == "URL" {
				// The shell's close of TCP follows its close frame: give
				// a loaded machine time to show both in one answer.
				opts = append(opts, WithSettle(100*time.Millisecond))
			}
			s, err := Open(ctx, tc.t, "permessage-deflate", opts...)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if got := s.Extensions(); got != "permessage-deflate" {
				t.Errorf("Extensions() = %q, want the agreed permessage-deflate", got)
			}
			steps := []struct {
				name       string
				piece      []byte
				want       []byte
				closeFrame bool
			}{
				{"text", clientFrame(wire.OpText, []byte("hello")), serverFrame(wire.OpText, []byte("hello")), false},
				{"half a ping", clientFrame(wire.OpPing, []byte("p"))[:3], nil, false},
				{"the rest of it", clientFrame(wire.OpPing, []byte("p"))[3:], serverFrame(wire.OpPong, []byte("p")), false},
				{"close", clientFrame(wire.OpClose, closePayload(wire.CloseNormal)), serverFrame(wire.OpClose, closePayload(wire.CloseNormal)), true},
			}
			for _, st := range steps {
				got, err := s.Send(st.piece)
				if err != nil {
					t.Fatalf("%s: Send: %v", st.name, err)
				}
				if !bytes.Equal(got, st.want) {
					t.Fatalf("%s: answer % x, want % x", st.name, got, st.want)
				}
				if code, ok := s.CloseFrame(); ok != st.closeFrame || ok && code != int(wire.CloseNormal) {
					t.Fatalf("%s: CloseFrame() = %d, %v", st.name, code, ok)
				}
			}
			if !s.Closed() || s.Err() != nil {
				t.Fatalf("after the closing handshake: Closed() = %v, Err() = %v; want closed without error", s.Closed(), s.Err())
			}
			if _, err := s.Send(clientFrame(wire.OpText, nil)); !errors.Is(err, ErrServerClosed) {
				t.Fatalf("Send after the server closed: %v, want ErrServerClosed", err)
			}
		})
	}
}

func TestSessionFailedConnection(t *testing.T) {
	for _, tc := range referenceTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), tc.t, "")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if s.Extensions() != "" {
				t.Errorf("Extensions() = %q without an offer", s.Extensions())
			}
			// RSV1 without an agreed extension: the server fails the
			// connection with 1002.
			bad := clientFrame(wire.OpText, []byte("x"))
			bad[0] |= 0x40
			got, err := s.Send(bad)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if end, code, ok := findClose(got); !ok || end != len(got) || code != int(wire.CloseProtocolError) {
				t.Fatalf("answer % x, want a close frame with 1002 alone", got)
			}
			if code, ok := s.CloseFrame(); !ok || code != int(wire.CloseProtocolError) {
				t.Fatalf("CloseFrame() = %d, %v; want 1002", code, ok)
			}
		})
	}
}

func TestSessionClose(t *testing.T) {
	for _, tc := range referenceTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), tc.t, "")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("a second Close: %v", err)
			}
			if _, err := s.Send(clientFrame(wire.OpText, nil)); !errors.Is(err, net.ErrClosed) {
				t.Fatalf("Send after Close: %v, want net.ErrClosed", err)
			}
		})
	}
}

// TestExchangeAgreesAcrossConstructors runs one input through Exchange on
// every constructor: the output and the end are the reference's.
func TestExchangeAgreesAcrossConstructors(t *testing.T) {
	text := clientFrame(wire.OpText, []byte("abc"))
	closing := clientFrame(wire.OpClose, closePayload(wire.CloseGoingAway))
	in := Input{Pieces: [][]byte{text[:2], text[2:], closing}}
	want := append(serverFrame(wire.OpText, []byte("abc")), serverFrame(wire.OpClose, closePayload(wire.CloseGoingAway))...)
	for _, tc := range referenceTargets(t) {
		t.Run(tc.name, func(t *testing.T) {
			o, err := tc.t.Exchange(context.Background(), in)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if !bytes.Equal(o.Output, want) {
				t.Errorf("output % x, want % x", o.Output, want)
			}
			if o.Status != 101 || o.Sent != 3 || o.Ending != EndServerClosed || o.Lingered || o.Replied {
				t.Errorf("status %d, %d pieces sent, ending %v, lingered %v, replied %v; want 101, 3, server closed, no linger, no reply",
					o.Status, o.Sent, o.Ending, o.Lingered, o.Replied)
			}
			if len(o.After) != 3 || o.After[0] != 0 || o.After[2] != len(want) {
				t.Errorf("After = %v, want nothing after the first half of the text and everything after the close", o.After)
			}
		})
	}
}

func TestURLRefusesAHostElsewhere(t *testing.T) {
	for _, u := range []string{"ws://192.0.2.1:9/", "ws://example.com/"} {
		if _, err := Open(context.Background(), URL(u), ""); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Open(URL(%q)): %v, want ErrNotLoopback", u, err)
		}
		if _, err := URL(u).Exchange(context.Background(), Input{}); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("URL(%q).Exchange: %v, want ErrNotLoopback", u, err)
		}
	}
}

func TestURLFailsWithTheDialError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Open(context.Background(), URL("ws://"+addr+"/"), "")
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Fatalf("Open on a closed port: %v, want the dial error", err)
	}
	if _, err := URL("ws://"+addr+"/").Exchange(context.Background(), Input{}); !errors.As(err, &op) || op.Op != "dial" {
		t.Fatalf("Exchange on a closed port: %v, want the dial error", err)
	}
}

func TestOpenRefusedHandshake(t *testing.T) {
	refusing := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no upgrade here", http.StatusForbidden)
	}))
	_, err := Open(context.Background(), refusing, "")
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("Open on a 403: %v, want ErrRefused", err)
	}
	o, err := refusing.Exchange(context.Background(), Input{Pieces: [][]byte{clientFrame(wire.OpText, nil)}})
	if err != nil || o.Ending != EndRefused || o.Status != http.StatusForbidden || o.Sent != 0 {
		t.Fatalf("Exchange on a 403: %+v, %v; want refused with status 403 and nothing sent", o, err)
	}
}
