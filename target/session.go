package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// Session is one connection to a server under test, driven a piece at a
// time: the caller sends a piece of the client's bytes, gets back what the
// server answered to it, looks, and decides what to send next. Exchange
// is a Session run over a whole Input; the whole-session properties of
// package props drive one per case.
//
// Knowing when the server has answered a piece is the same as for
// Exchange: in memory (Handler, Conn, Reference's Dial), the server asking
// to read again with nothing left to read; over TCP (URL, RemoteURL, and
// any other Target's Dial), the server staying silent for the settle time.
// The reference target drives its sans-I/O session directly.
//
// A Session is not safe for use by several goroutines at once.
type Session struct {
	ctx  context.Context
	link link
	o    Outcome
	// taken is how much of o.Output Send has returned already.
	taken int
	// sent is everything the client sent after the opening handshake.
	sent []byte
	// closed is set once Close was called.
	closed bool
}

// link is how a Session reaches the server: over a connection (wireLink)
// or straight into the reference's sans-I/O session (referenceLink).
type link interface {
	// send writes piece and waits until the server has reacted to it (or
	// closed, panicked, or hung), appending what it sent to o.Output. It
	// returns false when the server hung.
	send(o *Outcome, piece []byte) bool
	// over reports whether the server has ended the conversation: it
	// closed the connection, crashed, or sent its close frame.
	over(o *Outcome) bool
	// finish ends the connection as Autobahn's client does: it answers
	// the server's close frame and waits, a short grace, for the server
	// to close first. sent is everything the client sent.
	finish(o *Outcome, sent []byte)
	// close drops the connection at once.
	close() error
}

// SessionOption adjusts how Open waits on the server.
type SessionOption func(*sessionConfig)

type sessionConfig struct {
	deadline, settle time.Duration
	expect           func(*Outcome) bool
}

// WithDeadline sets how long the server may take to react to a piece
// before it counts as hung (default DefaultDeadline, and never past the
// context's deadline).
func WithDeadline(d time.Duration) SessionOption {
	return func(c *sessionConfig) { c.deadline = d }
}

// WithSettle sets how long a session waits for more output once the server
// looks done with a piece (see Input.Settle; over TCP the default is 20 ms,
// in memory 0: the server's next read is proof enough).
func WithSettle(d time.Duration) SessionOption {
	return func(c *sessionConfig) { c.settle = d }
}

// Errors of a Session. Send wraps ErrHung and ErrPanicked with what the
// server was doing; Open wraps ErrRefused with the reason.
var (
	// ErrRefused: the opening handshake did not complete.
	ErrRefused = errors.New("target: the opening handshake was refused")
	// ErrHung: the server neither reacted nor closed within the deadline.
	ErrHung = errors.New("target: the server hung")
	// ErrPanicked: the server's code panicked (in-process targets).
	ErrPanicked = errors.New("target: the server panicked")
	// ErrServerClosed: a piece was sent after the server closed the
	// connection.
	ErrServerClosed = errors.New("target: the server closed the connection")
)

// Open opens a fresh connection to t, performs the opening handshake
// (offering offer as Sec-WebSocket-Extensions, when it can stand in a
// header: see OfferSendable), and waits until the server has reacted to
// it. It fails when t cannot be dialled (the dial error, such as
// ErrNotLoopback) or refuses the handshake (ErrRefused). Whatever the
// server does after the handshake (closing, hanging, panicking) is the
// Session's to report: see Closed and Err.
func Open(ctx context.Context, t Target, offer string, opts ...SessionOption) (*Session, error) {
	var c sessionConfig
	for _, opt := range opts {
		opt(&c)
	}
	s, err := open(ctx, t, offer, c)
	if err != nil {
		return nil, err
	}
	if s.o.Ending == EndRefused {
		s.link.close()
		if s.o.Panic != "" {
			return nil, fmt.Errorf("%w during the opening handshake: %s", ErrPanicked, s.o.Panic)
		}
		return nil, fmt.Errorf("%w: %s", ErrRefused, s.o.HandshakeError)
	}
	return s, nil
}

// open is Open returning the Session even when the handshake failed or the
// server hung right after it, for Exchange to report in its Outcome.
func open(ctx context.Context, t Target, offer string, c sessionConfig) (*Session, error) {
	deadline := c.deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < deadline {
		deadline = max(time.Until(d), time.Millisecond)
	}
	s := &Session{ctx: ctx, o: Outcome{Allocated: -1, ClosedAfter: -1}}
	if ref, ok := t.(*referenceTarget); ok {
		s.link = ref.openLink(offer, &s.o)
		return s, nil
	}
	conn, err := t.Dial(ctx)
	if err != nil {
		return nil, err
	}
	host, path, err := handshakeTarget(t.URL())
	if err != nil {
		conn.Close()
		return nil, err
	}
	l := &wireLink{conn: conn, deadline: deadline, settle: c.settle, expect: c.expect}
	if p, ok := conn.(*pipeEnd); ok && !p.isServer {
		l.w = pipeWaiter{p.p}
	} else {
		l.w = &socketWaiter{conn: conn, buf: make([]byte, 64<<10)}
	}
	s.link = l
	l.handshake(&s.o, host, path, offer)
	return s, nil
}

// handshakeTarget is the Host header and request target of a ws:// URL.
func handshakeTarget(u string) (host, path string, err error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return "", "", fmt.Errorf("target %q: %v", u, err)
	}
	return parsed.Host, parsed.RequestURI(), nil
}

// Send writes piece to the server, waits until it has reacted, and returns
// what the server sent since the previous Send (or since the handshake):
// its answer to piece. When the server hangs or panics, Send returns what
// it sent before and an error wrapping ErrHung or ErrPanicked; when it
// closes the connection, Send returns its last answer and no error, and
// Closed reports true. A Send after the server closed fails with
// ErrServerClosed without sending; one after Close with net.ErrClosed.
func (s *Session) Send(piece []byte) (answer []byte, err error) {
	switch {
	case s.closed:
		return nil, net.ErrClosed
	case s.o.Ending != EndClientClosed:
		if err := s.Err(); err != nil {
			return s.take(), err
		}
		return s.take(), ErrServerClosed
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	s.send(piece)
	return s.take(), s.Err()
}

// send sends one piece and records it.
func (s *Session) send(piece []byte) bool {
	s.sent = append(s.sent, piece...)
	return s.link.send(&s.o, piece)
}

// take returns the output not returned yet.
func (s *Session) take() []byte {
	out := s.o.Output[s.taken:]
	s.taken = len(s.o.Output)
	return out
}

// Extensions is the Sec-WebSocket-Extensions value the server agreed to in
// its handshake response ("" for none).
func (s *Session) Extensions() string { return s.o.Extensions }

// Closed reports whether the server has ended the connection: it closed
// it, or it panicked or hung (then Err says which).
func (s *Session) Closed() bool { return s.o.Ending != EndClientClosed }

// CloseFrame reports whether the server has sent a close frame, and its
// code (-1 for a close frame without one).
func (s *Session) CloseFrame() (code int, ok bool) {
	_, code, ok = findClose(s.o.Output)
	return code, ok
}

// Err reports why the server stopped answering: an error wrapping ErrHung
// or ErrPanicked, with what it was doing, or nil while it answers and after
// it closed the connection on its own.
func (s *Session) Err() error {
	switch s.o.Ending {
	case EndHung:
		return fmt.Errorf("%w after piece %d: %s", ErrHung, s.o.Sent, s.o.Hang)
	case EndPanicked:
		return fmt.Errorf("%w: %s", ErrPanicked, s.o.Panic)
	}
	return nil
}

// Close drops the connection at once, without a closing handshake (send a
// close frame first for one). It is safe to call more than once.
func (s *Session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.link.close()
}
