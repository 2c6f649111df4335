package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
)

// URL is a server of any language listening at a ws:// URL on this machine
// (127.0.0.0/8, ::1 or localhost). Fuzzing sends deliberately broken
// frames, so a URL naming any other host is refused: every Dial and
// Exchange fails with ErrNotLoopback. RemoteURL is the deliberate way out.
//
// Over TCP the end of the server's reaction to a piece cannot be observed:
// the exchange reads until the oracle's expected answer is there
// (Input.Expect) or the server is silent for the settle time (20 ms by
// default; Input.Settle). A URL that cannot be dialled makes Exchange fail
// with the dial error: that is no finding against the server.
func URL(u string) Target { return newURLTarget(u, false) }

// RemoteURL is URL without the loopback check, for a server under test
// on another host that you are allowed to send broken frames to.
func RemoteURL(u string) Target { return newURLTarget(u, true) }

// ErrNotLoopback is the error of a URL target whose host is not on this
// machine.
var ErrNotLoopback = errors.New("target: the host is not on this machine (loopback); use target.RemoteURL on purpose")

type urlTarget struct {
	raw        string
	addr, host string
	path       string
	err        error
}

func newURLTarget(raw string, remote bool) *urlTarget {
	t := &urlTarget{raw: raw}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		t.err = fmt.Errorf("target %q: %v", raw, err)
	case u.Scheme != "ws":
		t.err = fmt.Errorf("target %q: only ws:// URLs are supported", raw)
	case u.Hostname() == "":
		t.err = fmt.Errorf("target %q has no host", raw)
	default:
		t.host, t.addr, t.path = u.Host, u.Host, u.RequestURI()
		if u.Port() == "" {
			t.addr = net.JoinHostPort(u.Hostname(), "80")
		}
		if !remote && !IsLoopback(u.Hostname()) {
			t.err = fmt.Errorf("target %q: %w", raw, ErrNotLoopback)
		}
	}
	return t
}

// IsLoopback reports whether host (a name or an address, without port)
// is this machine: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (t *urlTarget) URL() string { return t.raw }

func (t *urlTarget) Dial(ctx context.Context) (net.Conn, error) {
	if t.err != nil {
		return nil, t.err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	return conn, nil
}

func (t *urlTarget) Exchange(ctx context.Context, in Input) (*Outcome, error) {
	return exchange(ctx, t, in, false)
}
