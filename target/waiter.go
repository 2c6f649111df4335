package target

import (
	"errors"
	"net"
	"os"
	"time"
)

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
