package target

import (
	"net"
	"time"
)

// closeGrace is how long the client waits, once the closing handshake is
// done, for the server to close TCP before it closes itself (RFC 6455
// section 7.1.1: the server closes first). A server that lingers past it
// is not hung; Outcome.Lingered says so and the judge decides.
const closeGrace = 100 * time.Millisecond

// wireLink is a Session over a connection: the client's side of the
// opening handshake and of the frames after it, waiting on the server
// through w (the in-memory pipe, or a socket read until it goes quiet).
type wireLink struct {
	conn     net.Conn
	w        waiter
	deadline time.Duration
	settle   time.Duration
	expect   func(*Outcome) bool
}

// handshake sends the opening handshake request for host and path with
// offer, reads the response, and waits until the server has reacted to
// the upgrade. A refused handshake ends o with EndRefused.
func (l *wireLink) handshake(o *Outcome, host, path, offer string) {
	l.conn.SetWriteDeadline(time.Now().Add(l.deadline))
	if _, err := l.conn.Write(HandshakeRequest(host, path, offer)); err != nil {
		o.Ending, o.HandshakeError = EndRefused, "sending the request: "+err.Error()
		return
	}
	resp := readHandshakeResponse(l.conn, time.Now().Add(l.deadline))
	o.Status, o.Extensions = resp.status, resp.extensions
	if resp.err != "" {
		o.Ending, o.HandshakeError = EndRefused, resp.err
		if p, ok := l.conn.(*pipeEnd); ok {
			if v := p.p.crash(); v != "" {
				o.Ending, o.Panic = EndPanicked, v
			}
		}
		return
	}
	o.Output = append(o.Output, resp.rest...)
	if !l.w.react(o, time.Now().Add(l.deadline), l.settle, l.expect) {
		o.Hang = "after the opening handshake, before the first piece: " + o.Hang
	}
}

func (l *wireLink) send(o *Outcome, piece []byte) bool {
	l.conn.SetWriteDeadline(time.Now().Add(l.deadline))
	_, err := l.conn.Write(piece)
	o.Sent++
	_ = err // a failed write means the server is gone; react finds out how
	return l.w.react(o, time.Now().Add(l.deadline), l.settle, l.expect)
}

func (l *wireLink) over(o *Outcome) bool {
	return o.Ending != EndClientClosed || serverSentClose(o.Output)
}

func (l *wireLink) finish(o *Outcome, sent []byte) {
	_, _, clientClosed := findClientClose(sent)
	if o.Ending == EndHung || o.Ending == EndPanicked {
		return
	}
	_, code, serverClosed := findClose(o.Output)
	if serverClosed && !clientClosed {
		// Autobahn's client answers a server's close frame at once, even
		// when the server already shut its side.
		l.conn.SetWriteDeadline(time.Now().Add(l.deadline))
		if _, err := l.conn.Write(closeReply(code)); err == nil {
			o.Replied, o.ReplyCode = true, max(code, 0)
		}
	}
	if serverClosed && o.Ending == EndClientClosed && !l.w.awaitClose(o, closeGrace, l.deadline) && o.Ending == EndClientClosed {
		o.Lingered = true
	}
}

func (l *wireLink) close() error { return l.conn.Close() }

// serverSentClose reports whether out holds a whole close frame.
func serverSentClose(out []byte) bool {
	_, _, ok := findClose(out)
	return ok
}
