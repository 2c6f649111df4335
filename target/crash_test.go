package target

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// brokenHandler upgrades, reads one piece and then does what broken does
// with the connection, as a hand-written server with a bug would.
func brokenHandler(broken func(net.Conn)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := server.AnswerHandshake(r, nil)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close() // runs before the panic reaches the target
		conn.Write(res.Response)
		conn.Read(make([]byte, 64))
		broken(conn)
	})
}

// brokenConn is brokenHandler for target.Conn.
func brokenConn(broken func(net.Conn)) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		c.Write(server.AnswerHandshake(req, nil).Response)
		c.Read(make([]byte, 64))
		broken(c)
	}
}

func crashTargets(broken func(net.Conn)) []struct {
	name string
	t    Target
} {
	return []struct {
		name string
		t    Target
	}{
		{"Handler", Handler(brokenHandler(broken))},
		{"Conn", Conn(brokenConn(broken))},
	}
}

func TestPanicReportedAsSuch(t *testing.T) {
	for _, tc := range crashTargets(func(net.Conn) { panic("broken on purpose") }) {
		t.Run(tc.name, func(t *testing.T) {
			// The same input, the same verdict, every run.
			for range 20 {
				s, err := Open(context.Background(), tc.t, "")
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				_, err = s.Send(clientFrame(wire.OpText, []byte("x")))
				if !errors.Is(err, ErrPanicked) || !strings.Contains(err.Error(), "broken on purpose") {
					t.Fatalf("Send to a panicking server: %v, want ErrPanicked with its value", err)
				}
				if !s.Closed() || !errors.Is(s.Err(), ErrPanicked) {
					t.Fatalf("after the panic: Closed() = %v, Err() = %v", s.Closed(), s.Err())
				}
				s.Close()
				o, err := tc.t.Exchange(context.Background(), Input{Pieces: [][]byte{clientFrame(wire.OpText, []byte("x"))}})
				if err != nil || o.Ending != EndPanicked || !strings.Contains(o.Panic, "broken on purpose") {
					t.Fatalf("Exchange: ending %v, panic %q, %v; want the panic", o.Ending, o.Panic, err)
				}
			}
		})
	}
}

func TestHangReportedAsSuch(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	for _, tc := range crashTargets(func(net.Conn) { <-release }) {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), tc.t, "", WithDeadline(50*time.Millisecond))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			_, err = s.Send(clientFrame(wire.OpText, []byte("x")))
			if !errors.Is(err, ErrHung) || !strings.Contains(err.Error(), "after piece 1") {
				t.Fatalf("Send to a hung server: %v, want ErrHung after piece 1", err)
			}
			if !s.Closed() {
				t.Fatal("a hung server is not reported as having ended the connection")
			}
			o, err := tc.t.Exchange(context.Background(), Input{Pieces: [][]byte{clientFrame(wire.OpText, []byte("x"))}, Deadline: 50 * time.Millisecond})
			if err != nil || o.Ending != EndHung || !strings.Contains(o.Hang, "after piece 1 of 1") {
				t.Fatalf("Exchange: ending %v, hang %q, %v; want hung after piece 1 of 1", o.Ending, o.Hang, err)
			}
		})
	}
}
