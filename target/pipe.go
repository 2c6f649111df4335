package target

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// pipe is an in-memory, full-duplex connection between the client side of
// an exchange and a server running in this process. Unlike net.Pipe it
// buffers what each side writes (a write returns at once, up to
// pipeWriteLimit bytes in flight), supports deadlines, and lets the client
// observe the one moment that matters to a fuzzer: the server asking to
// read again with nothing buffered for it. A server that reads, reacts and
// reads again has then answered everything sent so far, so the exchange
// can go on without sleeping.
type pipe struct {
	mu   sync.Mutex
	cond sync.Cond

	toServer, toClient []byte
	// serverClosed and clientClosed are set when that side called Close;
	// serverShut and clientShut when it shut its writing half (CloseWrite,
	// as a server lingering after the closing handshake does).
	serverClosed, clientClosed bool
	serverShut, clientShut     bool
	// serverWaiting counts server reads blocked on an empty buffer.
	serverWaiting int
	// panicked holds the server's panic, once it panicked.
	panicked string
	// running counts the server's functions for this connection that
	// have not returned (Conn's serve, Handler's ServeHTTP), and closedAt
	// is when the server closed its end: see awaitReturn.
	running  int
	closedAt time.Time
	// wake is the timer of the client's waits on the server (waitUntil).
	wake *time.Timer

	server, client pipeEnd
}

// pipeWriteLimit bounds the bytes the server may have written that the
// client has not read: a server writing past it blocks, as on a socket.
// The client's writes never block: they are the fuzz input's pieces, and
// the client drains the server's output only between them.
const pipeWriteLimit = 4 << 20

// pipeAddr is the address both ends of a pipe report.
type pipeAddr string

func (a pipeAddr) Network() string { return "memory" }
func (a pipeAddr) String() string  { return string(a) }

func newPipe() *pipe {
	p := &pipe{}
	p.cond.L = &p.mu
	p.server = pipeEnd{p: p, isServer: true}
	p.client = pipeEnd{p: p}
	return p
}

// pipeEnd is one side of a pipe, a net.Conn.
type pipeEnd struct {
	p        *pipe
	isServer bool

	readDeadline, writeDeadline deadline
}

// deadline is a connection deadline. Setting one costs no timer: a timer
// is armed only when a read or write blocks with the deadline set, and is
// reused from then on (a fuzz input sets deadlines for every piece).
type deadline struct {
	at time.Time
	// timer wakes the blocked calls at armed; it stays armed after a
	// wait, as other calls of this end may be waiting for the same time.
	timer *time.Timer
	armed time.Time
}

func (e *pipeEnd) set(d *deadline, t time.Time) {
	e.p.mu.Lock()
	defer e.p.mu.Unlock()
	d.at = t
	e.p.cond.Broadcast() // blocked calls re-check, and re-arm for t
}

// wait blocks on the pipe's condition, with p.mu held, waking at d's time
// at the latest.
func (e *pipeEnd) wait(d *deadline) {
	if !d.at.IsZero() && !d.armed.Equal(d.at) {
		d.timer, d.armed = e.p.arm(d.timer, d.at), d.at
	}
	e.p.cond.Wait()
}

// stop disarms d's timer, once its end is closed.
func (d *deadline) stop() {
	if d.timer != nil {
		d.timer.Stop()
		d.armed = time.Time{}
	}
}

// arm returns t (made when nil) set to wake the pipe's waiters at at.
func (p *pipe) arm(t *time.Timer, at time.Time) *time.Timer {
	if t == nil {
		return time.AfterFunc(time.Until(at), p.broadcast)
	}
	t.Reset(time.Until(at))
	return t
}

// waitUntil is the client's wait on the server, with p.mu held, waking at
// until at the latest; its timer is made once per pipe.
func (p *pipe) waitUntil(until time.Time) {
	p.wake = p.arm(p.wake, until)
	p.cond.Wait()
	p.wake.Stop()
}

// broadcast wakes every wait on the pipe, so that it re-checks its state
// and its deadline.
func (p *pipe) broadcast() {
	p.mu.Lock()
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (d *deadline) passed() bool { return !d.at.IsZero() && !time.Now().Before(d.at) }

// in and out are the buffers this end reads from and writes to, and the
// close flags of this end and of its peer.
func (e *pipeEnd) buffers() (in, out *[]byte, mine, peer *bool) {
	p := e.p
	if e.isServer {
		return &p.toServer, &p.toClient, &p.serverClosed, &p.clientClosed
	}
	return &p.toClient, &p.toServer, &p.clientClosed, &p.serverClosed
}

// shut returns the write-shut flags of this end and of its peer.
func (e *pipeEnd) shut() (mine, peer *bool) {
	if e.isServer {
		return &e.p.serverShut, &e.p.clientShut
	}
	return &e.p.clientShut, &e.p.serverShut
}

// CloseWrite shuts the writing half: the peer reads what was written, then
// end of stream, as after TCP's shutdown(SHUT_WR).
func (e *pipeEnd) CloseWrite() error {
	e.p.mu.Lock()
	defer e.p.mu.Unlock()
	mine, _ := e.shut()
	*mine = true
	e.p.cond.Broadcast()
	return nil
}

func (e *pipeEnd) Read(b []byte) (int, error) {
	p := e.p
	p.mu.Lock()
	defer p.mu.Unlock()
	in, _, mine, peer := e.buffers()
	_, peerShut := e.shut()
	for {
		switch {
		case *mine:
			return 0, net.ErrClosed
		case len(*in) > 0:
			n := copy(b, *in)
			if n < len(*in) {
				*in = (*in)[n:]
			} else {
				*in = (*in)[:0] // drained: the next write reuses the buffer
			}
			p.cond.Broadcast()
			return n, nil
		case *peer || *peerShut:
			return 0, io.EOF
		case e.readDeadline.passed():
			return 0, os.ErrDeadlineExceeded
		case len(b) == 0:
			return 0, nil
		}
		if e.isServer {
			p.serverWaiting++
			p.cond.Broadcast()
			e.wait(&e.readDeadline)
			p.serverWaiting--
		} else {
			e.wait(&e.readDeadline)
		}
	}
}

func (e *pipeEnd) Write(b []byte) (int, error) {
	p := e.p
	p.mu.Lock()
	defer p.mu.Unlock()
	_, out, mine, peer := e.buffers()
	myShut, _ := e.shut()
	written := 0
	for {
		switch {
		case *mine || *myShut:
			return written, net.ErrClosed
		case *peer && !e.isServer:
			// As on TCP, the client's first writes after the server closed
			// go out and are lost: its answer to a close frame counts as
			// sent whether or not the server waited for it.
			return len(b), nil
		case *peer:
			return written, errPeerClosed
		case e.writeDeadline.passed():
			return written, os.ErrDeadlineExceeded
		case written == len(b):
			return written, nil
		}
		room := pipeWriteLimit - len(*out)
		if !e.isServer {
			room = len(b) - written // the client's pieces never block
		}
		if room > 0 {
			n := min(room, len(b)-written)
			*out = append(*out, b[written:written+n]...)
			written += n
			p.cond.Broadcast()
			continue
		}
		e.wait(&e.writeDeadline)
	}
}

// errPeerClosed is a write's error once the other side closed, as a
// socket's EPIPE.
var errPeerClosed = errors.New("write on a connection the peer closed")

func (e *pipeEnd) Close() error {
	p := e.p
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _, mine, _ := e.buffers()
	if *mine {
		return net.ErrClosed
	}
	*mine = true
	if e.isServer {
		p.closedAt = time.Now()
	}
	e.readDeadline.stop()
	e.writeDeadline.stop()
	p.cond.Broadcast()
	return nil
}

func (e *pipeEnd) LocalAddr() net.Addr {
	if e.isServer {
		return pipeAddr("server")
	}
	return pipeAddr("client")
}

func (e *pipeEnd) RemoteAddr() net.Addr {
	if e.isServer {
		return pipeAddr("client")
	}
	return pipeAddr("server")
}

func (e *pipeEnd) SetDeadline(t time.Time) error {
	e.set(&e.readDeadline, t)
	e.set(&e.writeDeadline, t)
	return nil
}
func (e *pipeEnd) SetReadDeadline(t time.Time) error  { e.set(&e.readDeadline, t); return nil }
func (e *pipeEnd) SetWriteDeadline(t time.Time) error { e.set(&e.writeDeadline, t); return nil }

// serverPanicked records the server's panic and closes its end, so that
// the client sees the connection end.
func (p *pipe) serverPanicked(v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.panicked == "" {
		p.panicked = v
	}
	p.serverClosed = true
	p.cond.Broadcast()
}

// quietState is what the client learns when it waits on the server.
type quietState struct {
	output   []byte // taken from the pipe: what the server wrote meanwhile
	quiet    bool   // the server waits for input with nothing left to read
	closed   bool   // the server closed its end
	panicked string
}

// awaitServer waits until the server is quiet (blocked in a read with
// nothing buffered for it and nothing it wrote left unread), has closed
// its end or panicked, or until the deadline, and takes what it wrote.
func (p *pipe) awaitServer(until time.Time) quietState {
	p.mu.Lock()
	defer p.mu.Unlock()
	var s quietState
	for {
		s.output = append(s.output, p.toClient...)
		if len(p.toClient) > 0 {
			p.toClient = p.toClient[:0] // copied: the buffer is reused
			p.cond.Broadcast()
		}
		if p.serverClosed {
			p.awaitReturn()
		}
		s.closed, s.panicked = p.serverClosed || p.serverShut, p.panicked
		s.quiet = p.serverWaiting > 0 && len(p.toServer) == 0
		if s.closed || s.quiet || s.panicked != "" || !time.Now().Before(until) {
			return s
		}
		p.waitUntil(until)
	}
}

// awaitOutput waits until the server writes, closes or panics, or until
// the deadline, and takes what it wrote: the settle time of servers that
// write from goroutines other than the one that reads.
func (p *pipe) awaitOutput(until time.Time) quietState {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.toClient) == 0 && !p.serverClosed && !p.serverShut && p.panicked == "" && time.Now().Before(until) {
		p.waitUntil(until)
	}
	if p.serverClosed {
		p.awaitReturn()
	}
	s := quietState{output: p.toClient, closed: p.serverClosed || p.serverShut, panicked: p.panicked}
	p.toClient = nil
	p.cond.Broadcast()
	return s
}

// closeSettle bounds how long the client waits, once the server closed its
// end, for the server's function to return (see awaitReturn).
const closeSettle = 20 * time.Millisecond

// awaitReturn waits, with p.mu held, once the server closed its end, until
// the server's functions have returned or panicked, for at most
// closeSettle after the close. A handler that panics with a deferred
// conn.Close closes the connection before the panic reaches recoverInto:
// without this wait the same input would be seen as a close one run and as
// a panic the next. A server that closes and returns pays nothing; one
// that goes on running after the close pays closeSettle once.
func (p *pipe) awaitReturn() {
	if p.running == 0 || p.panicked != "" {
		return
	}
	end := p.closedAt.Add(closeSettle)
	for p.running > 0 && p.panicked == "" && time.Now().Before(end) {
		p.waitUntil(end)
	}
}

// serverStarted and serverReturned bracket a server function's run on
// this connection; serverReturned runs after recoverInto.
func (p *pipe) serverStarted() {
	p.mu.Lock()
	p.running++
	p.mu.Unlock()
}

func (p *pipe) serverReturned() {
	p.mu.Lock()
	p.running--
	p.cond.Broadcast()
	p.mu.Unlock()
}

// crash returns the server's panic ("" for none), once a server that
// closed its end has had the chance to report one (see awaitReturn).
func (p *pipe) crash() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.serverClosed {
		p.awaitReturn()
	}
	return p.panicked
}
