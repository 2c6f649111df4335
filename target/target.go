// Package target reaches a WebSocket server under test. Every driver in
// wsfuzz (the fuzz harness, the whole-session properties, replay of
// Autobahn reports, the conformance catalogue) talks to the server through
// a Target, so one server can be checked by all of them, wherever it runs:
//
//	target.Handler(h)      an http.Handler, served in-process over in-memory connections
//	target.Conn(serve)     a function that serves one raw net.Conn, in-process
//	target.URL(u)          a server of any language at ws://127.0.0.1:PORT/ (loopback only)
//	target.RemoteURL(u)    the same, on purpose for a host elsewhere
//	target.Reference(cfg)  wsfuzz's own strict reference session, the oracle's twin
//
// A Target offers two ways in. Dial hands out a raw connection before the
// opening handshake, for clients that run a whole script of their own
// (replay and conform drive Autobahn's client behaviour over it). Exchange
// runs one fuzz input: it opens a connection, performs the opening
// handshake, sends the client's bytes piece by piece, waits after each
// piece until the server has reacted, and returns everything the server
// sent and how the connection ended (see Outcome). The oracle package
// judges that Outcome.
//
// Open is the same connection a piece at a time, for drivers that decide
// what to send from what came back (the whole-session properties of
// package props): Session.Send sends one piece and returns the server's
// answer to it. Exchange is built on it.
package target

import (
	"context"
	"net"
)

// Target is one WebSocket server under test.
type Target interface {
	// Dial opens one fresh connection to the server. Nothing has been sent
	// on it yet: the opening handshake is the caller's.
	Dial(ctx context.Context) (net.Conn, error)
	// URL is the ws:// URL the opening handshake addresses: its host is
	// the Host header, its path the request target. In-memory targets
	// answer a URL of their own that is never dialled.
	URL() string
	// Exchange opens a fresh connection, performs the opening handshake
	// (offering in.Offer), sends in.Pieces one at a time, waiting after
	// each until the server has reacted, and reports what came back. It
	// fails only when the exchange cannot take place at all (the URL does
	// not answer); everything the server does is in the Outcome.
	Exchange(ctx context.Context, in Input) (*Outcome, error)
}
