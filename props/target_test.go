package props

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/target"
)

// targetShare is the share of a whole-session property's cases that these
// tests run through a Target: a case opens a connection per server, so it
// costs more than driving the session directly.
const targetShare = 0.02

// shellListener hands in-memory connections to a server.Server.
type shellListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *shellListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *shellListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *shellListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// shellTarget is the reference's network shell with cfg behind
// target.Conn, stopped when the test ends.
func shellTarget(t *testing.T, cfg server.Config) target.Target {
	ln := &shellListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := server.New(cfg)
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return target.Conn(func(c net.Conn) {
		select {
		case ln.conns <- c:
		case <-ln.done:
			c.Close()
		}
	})
}

// referenceTargets are the reference session directly and the network
// shell served through target.Conn, both with cfg.
func referenceTargets(t *testing.T, cfg server.SessionConfig) []struct {
	name string
	t    target.Target
} {
	return []struct {
		name string
		t    target.Target
	}{
		{"Reference", target.Reference(cfg)},
		{"Conn", shellTarget(t, server.Config{
			MaxMessageSize: cfg.MaxMessageSize,
			Negotiate:      server.Deflate(deflate.Preferences{}),
		})},
	}
}

func TestFragmentedEchoOnTargets(t *testing.T) {
	for _, tc := range referenceTargets(t, server.SessionConfig{}) {
		t.Run(tc.name, func(t *testing.T) {
			Check(t, FragmentedEcho(TargetServer(tc.t)), Weight(fragmentWeight*targetShare))
		})
	}
}

func TestChopInvarianceOnTargets(t *testing.T) {
	for _, tc := range referenceTargets(t, server.SessionConfig{}) {
		t.Run(tc.name, func(t *testing.T) {
			Check(t, ChopInvariance(TargetServer(tc.t)), Weight(chopWeight*targetShare))
		})
	}
}

func TestFailFastMidFrameOnTargets(t *testing.T) {
	for _, tc := range referenceTargets(t, server.SessionConfig{}) {
		t.Run(tc.name, func(t *testing.T) {
			Check(t, FailFastMidFrame(TargetServer(tc.t)), Weight(fragmentWeight*targetShare))
		})
	}
}

func TestSessionModelOnTargets(t *testing.T) {
	for _, tc := range referenceTargets(t, server.SessionConfig{MaxMessageSize: modelLimit}) {
		t.Run(tc.name, func(t *testing.T) {
			Check(t, SessionModel(TargetServer(tc.t), modelLimit, modelMaxLen), Weight(modelWeight*targetShare), MaxSize(modelMaxSteps))
		})
	}
}

func TestCompressedEchoOnTargets(t *testing.T) {
	for _, tc := range referenceTargets(t, server.SessionConfig{}) {
		t.Run(tc.name, func(t *testing.T) {
			Check(t, CompressedEcho(TargetDeflateServer(tc.t)), Weight(compressedWeight*targetShare*10))
		})
	}
}

// sansIOConn serves a Server (a sans-I/O state machine, such as the
// broken ones of broken_test.go) on a raw connection, for target.Conn,
// the way a hand-written server built on one would.
func sansIOConn(newServer NewServer) func(net.Conn) {
	return sansIODeflateConn(func([]string, deflate.Preferences) (string, Server) { return "", newServer() })
}

// sansIODeflateConn is sansIOConn for a server that negotiates
// permessage-deflate, with default preferences.
func sansIODeflateConn(newServer NewDeflateServer) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		req, err := http.ReadRequest(r)
		if err != nil {
			return
		}
		var srv Server
		res := server.AnswerHandshake(req, func(offers []string) (string, server.MessageCodec) {
			var resp string
			resp, srv = newServer(offers, deflate.Preferences{})
			return resp, nil
		})
		if srv == nil {
			_, srv = newServer(nil, deflate.Preferences{})
		}
		if _, err := c.Write(res.Response); err != nil || !res.Accepted() || srv == nil {
			return
		}
		serveStream(c, r, srv)
	}
}

// serveStream feeds srv what arrives on r and writes its answers to conn,
// until srv is done or the client goes.
func serveStream(conn net.Conn, r *bufio.Reader, srv Server) {
	buf := make([]byte, 4096)
	for !srv.Done() {
		n, err := r.Read(buf)
		if _, werr := conn.Write(srv.Feed(buf[:n])); werr != nil || err != nil {
			return
		}
	}
}

// TestCanFailFragmentedEchoOnTarget serves a server that loses the ping
// between the fragments of a message through target.Conn:
// FragmentedEcho catches it over the connection as it does in memory.
func TestCanFailFragmentedEchoOnTarget(t *testing.T) {
	broken := target.Conn(sansIOConn(pongDropper))
	args := mustFail(t, FragmentedEcho(TargetServer(broken)), Weight(fragmentWeight))
	m := args[0].(Message)
	if m.NumFragments() != 2 || len(m.Controls) != 1 {
		t.Errorf("shrunk to %v, want a ping between two fragments", m)
	}
}

// TestCanFailSessionModelOnTarget serves a server that answers every
// clean close with 1000 through target.Conn: SessionModel catches it.
func TestCanFailSessionModelOnTarget(t *testing.T) {
	broken := target.Conn(sansIOConn(newCloseAs1000))
	args := mustFail(t, SessionModel(TargetServer(broken), modelLimit, modelMaxLen), Weight(modelWeight), MaxSize(modelMaxSteps))
	if n := sequenceLen(args[0]); n != 1 {
		t.Errorf("shrunk to %d actions, want 1", n)
	}
}

// TestTargetFaultFailsTheProperty checks that a server that cannot be
// reached fails a property with the reason, not with a wrong answer.
func TestTargetFaultFailsTheProperty(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	res := FragmentedEcho(TargetServer(target.URL("ws://" + addr + "/"))).Check(Parameters(Weight(0.0001)))
	if res.Passed() {
		t.Fatal("a property passed against a server nobody listens for")
	}
	if got := Describe(res); !strings.Contains(got, "the server did not answer: dial tcp "+addr) {
		t.Errorf("the failure does not say the server could not be reached:\n%s", got)
	}
}

// TestCanFailCompressedEchoOnTarget serves a server that compresses with
// context takeover where it agreed not to through target.Conn:
// CompressedEcho catches it.
func TestCanFailCompressedEchoOnTarget(t *testing.T) {
	broken := target.Conn(sansIODeflateConn(stickySession))
	args := mustFail(t, CompressedEcho(TargetDeflateServer(broken)), Weight(compressedWeight))
	if msgs := args[2].([][]byte); len(msgs) != 2 {
		t.Errorf("shrunk to %s, want two messages", showMessages(msgs))
	}
}

// TestCanFailCompressedEchoDeclined holds a server that agrees to no
// extension to CompressedEcho: the valid offer is declined.
func TestCanFailCompressedEchoDeclined(t *testing.T) {
	plain := shellTarget(t, server.Config{})
	res := CompressedEcho(TargetDeflateServer(plain)).Check(Parameters(Weight(0.0001)))
	if res.Passed() || !strings.Contains(Describe(res), "declined") {
		t.Fatalf("a server without permessage-deflate passed CompressedEcho or failed for another reason: %s", Describe(res))
	}
}
