package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/metrics"
	"time"
)

// closeGrace is how long the client waits, once the closing handshake is
// done, for the server to close TCP before it closes itself (RFC 6455
// section 7.1.1: the server closes first). A server that lingers past it
// is not hung; Outcome.Lingered says so and the judge decides.
const closeGrace = 100 * time.Millisecond

// tcpSettle is the default settle time over TCP: how long a silent server
// is given to say more after a piece, when Input.Expect does not already
// know the answer is complete.
const tcpSettle = 20 * time.Millisecond

// waiter is how an exchange learns that the server has reacted: from the
// in-memory pipe directly, or by reading a socket until it goes quiet.
type waiter interface {
	// react waits until the server has reacted to what was sent (or
	// closed, panicked, or the deadline passed) and appends what it sent
	// to o.Output. It returns false when the server hung.
	react(o *Outcome, until time.Time, settle time.Duration, done func(*Outcome) bool) bool
	// awaitClose waits up to grace for the server to close the connection
	// and reports whether it did.
	awaitClose(o *Outcome, grace, limit time.Duration) bool
}

// exchange runs in over conn: the opening handshake on host and path, the
// pieces one by one, then the end of the connection as Autobahn's client
// makes it (see Target.Exchange).
func exchange(ctx context.Context, conn net.Conn, w waiter, host, path string, in Input) *Outcome {
	defer conn.Close()
	o := &Outcome{Allocated: -1}
	start := time.Now()
	defer func() { o.Duration = time.Since(start) }()
	deadline := in.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < deadline {
		deadline = max(time.Until(d), time.Millisecond)
	}
	conn.SetWriteDeadline(time.Now().Add(deadline))
	if _, err := conn.Write(handshakeRequest(host, path, in.Offer)); err != nil {
		o.Ending, o.HandshakeError = EndRefused, "sending the request: "+err.Error()
		return o
	}
	resp := readHandshakeResponse(conn, time.Now().Add(deadline))
	o.Status, o.Extensions = resp.status, resp.extensions
	if resp.err != "" {
		o.Ending, o.HandshakeError = EndRefused, resp.err
		if p, ok := conn.(*pipeEnd); ok && p.p.panicked != "" {
			o.Ending, o.Panic = EndPanicked, p.p.panicked
		}
		return o
	}
	o.Output = append(o.Output, resp.rest...)
	if !w.react(o, time.Now().Add(deadline), in.Settle, in.Expect) {
		o.Hang = "after the opening handshake, before the first piece: " + o.Hang
		return o
	}
	var sent []byte
	for i, piece := range in.Pieces {
		if o.Ending != EndClientClosed || serverSentClose(o.Output) || ctx.Err() != nil {
			break
		}
		conn.SetWriteDeadline(time.Now().Add(deadline))
		_, err := conn.Write(piece)
		o.Sent++
		sent = append(sent, piece...)
		_ = err // a failed write means the server is gone; react finds out how
		if !w.react(o, time.Now().Add(deadline), in.Settle, in.Expect) {
			o.Hang = fmt.Sprintf("after piece %d of %d: %s", i+1, len(in.Pieces), o.Hang)
			return o
		}
		o.After = append(o.After, len(o.Output))
	}
	_, _, clientClosed := findClose(sent)
	if o.Ending == EndHung || o.Ending == EndPanicked {
		return o
	}
	_, code, serverClosed := findClose(o.Output)
	if serverClosed && !clientClosed {
		// Autobahn's client answers a server's close frame at once, even
		// when the server already shut its side.
		conn.SetWriteDeadline(time.Now().Add(deadline))
		if _, err := conn.Write(closeReply(code)); err == nil {
			o.Replied, o.ReplyCode = true, max(code, 0)
		}
	}
	if serverClosed && o.Ending == EndClientClosed && !w.awaitClose(o, closeGrace, deadline) && o.Ending == EndClientClosed {
		o.Lingered = true
	}
	return o
}

// serverSentClose reports whether out holds a whole close frame.
func serverSentClose(out []byte) bool {
	_, _, ok := findClose(out)
	return ok
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// pipeWaiter waits on an in-memory pipe: the server has reacted when it
// asks to read again with nothing left for it, and, when a settle time is
// given, then writes nothing more for that long.
type pipeWaiter struct{ p *pipe }

func (w pipeWaiter) react(o *Outcome, until time.Time, settle time.Duration, done func(*Outcome) bool) bool {
	st := w.p.awaitServer(until)
	for {
		o.Output = append(o.Output, st.output...)
		switch {
		case st.panicked != "":
			o.Ending, o.Panic = EndPanicked, st.panicked
			return true
		case st.closed:
			o.Ending = EndServerClosed
			return true
		case !st.quiet:
			o.Ending, o.Hang = EndHung, "the server neither read again nor closed"
			return false
		case settle <= 0 || done != nil && done(o):
			o.Ending = EndClientClosed
			return true
		}
		st = w.p.awaitOutput(time.Now().Add(settle))
		if len(st.output) == 0 && !st.closed && st.panicked == "" {
			o.Ending = EndClientClosed
			return true
		}
		if !st.closed && st.panicked == "" {
			more := st.output
			st = w.p.awaitServer(until)
			st.output = append(more, st.output...)
		}
	}
}

func (w pipeWaiter) awaitClose(o *Outcome, grace, limit time.Duration) bool {
	if !w.react(o, time.Now().Add(limit), 0, nil) {
		o.Ending = EndClientClosed // quiet after the closing handshake is lingering, not hanging
		o.Hang = ""
	}
	if o.Ending != EndClientClosed {
		return o.Ending == EndServerClosed
	}
	st := w.p.awaitOutput(time.Now().Add(grace))
	o.Output = append(o.Output, st.output...)
	switch {
	case st.panicked != "":
		o.Ending, o.Panic = EndPanicked, st.panicked
	case st.closed:
		o.Ending = EndServerClosed
	}
	return st.closed
}

// socketWaiter waits on a real socket, where the server's reaction cannot
// be observed: it reads until the expected output is there (Input.Expect),
// or nothing more arrives for the settle time, or the server closes.
type socketWaiter struct {
	conn net.Conn
	buf  []byte
}

func (w *socketWaiter) react(o *Outcome, until time.Time, settle time.Duration, done func(*Outcome) bool) bool {
	if settle <= 0 {
		settle = tcpSettle
	}
	for {
		if done != nil && done(o) {
			o.Ending = EndClientClosed
			return true
		}
		quietAt := time.Now().Add(settle)
		w.conn.SetReadDeadline(minTime(quietAt, until))
		n, err := w.conn.Read(w.buf)
		o.Output = append(o.Output, w.buf[:n]...)
		switch {
		case n > 0:
		case err == nil:
		case isTimeout(err):
			o.Ending = EndClientClosed
			return true
		default:
			o.Ending = EndServerClosed
			return true
		}
	}
}

func (w *socketWaiter) awaitClose(o *Outcome, grace, limit time.Duration) bool {
	until := time.Now().Add(limit)
	quietUntil := time.Now().Add(grace)
	for {
		w.conn.SetReadDeadline(minTime(quietUntil, until))
		n, err := w.conn.Read(w.buf)
		o.Output = append(o.Output, w.buf[:n]...)
		switch {
		case n > 0:
			quietUntil = time.Now().Add(grace)
		case err == nil:
		case isTimeout(err):
			return false
		default:
			o.Ending = EndServerClosed
			return true
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// allocCounter measures what the process allocates, for in-process
// targets: runtime/metrics reads it without stopping the world.
type allocCounter struct{ sample [1]metrics.Sample }

func newAllocCounter() *allocCounter {
	c := &allocCounter{}
	c.sample[0].Name = "/gc/heap/allocs:bytes"
	return c
}

func (c *allocCounter) read() int64 {
	metrics.Read(c.sample[:])
	if c.sample[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int64(c.sample[0].Value.Uint64())
}
