package server

import (
	"container/list"
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// quietAfter is how long a connection may be silent before its session
// lets go of what it can rebuild (Session.Release): compression state,
// and the message and output buffers it keeps for reuse.
const quietAfter = time.Second

// largeReadSize is the read size while a long frame's payload streams in,
// and for a connection whose last read was long: a 64 KiB message with its
// header then arrives in one read, and a 1 MiB message in 8 instead of the
// 32 it takes through a 32 KiB buffer. A connection holds one only during
// such reads (Server.longReads).
const largeReadSize = 128 << 10

// conn serves one TCP connection: handshake, then the read-feed-write loop.
type conn struct {
	srv *Server
	nc  net.Conn
	id  uint64

	// pending is c's place in Server.pending while it is in the opening
	// handshake (guarded by the server's mu); admitted is set once it
	// counts against MaxConnections.
	pending  *list.Element
	admitted bool

	// mu orders wake-ups (Shutdown, eviction) against the read loop's
	// deadlines: once one is set, the loop sets no deadline later than
	// now.
	mu        sync.Mutex
	goingAway bool // the server is shutting down
	evicted   bool // newer connections took c's handshake place

	// writeSet is when the write deadline was last moved: it moves at most
	// every 100 ms, not on every write.
	writeSet time.Time

	// held is output emit holds back until the next read (held_output.go).
	held *[]byte
}

// goAway asks the connection to close with 1001 (503 while in the
// handshake) and wakes its read.
func (c *conn) goAway() {
	c.mu.Lock()
	c.goingAway = true
	c.nc.SetReadDeadline(time.Now())
	c.mu.Unlock()
}

// evict wakes a connection in the handshake to answer 503.
func (c *conn) evict() {
	c.mu.Lock()
	c.evicted = true
	c.nc.SetReadDeadline(time.Now())
	c.mu.Unlock()
}

// wakeReason reports why the connection was woken, if it was.
func (c *conn) wakeReason() (goingAway, evicted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.goingAway, c.evicted
}

// setReadDeadline sets the read deadline unless the connection was woken
// (shutdown, eviction); it reports whether it was.
func (c *conn) setReadDeadline(t time.Time) (woken bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.goingAway || c.evicted {
		return true
	}
	c.nc.SetReadDeadline(t)
	return false
}

func (c *conn) logf(format string, args ...any) {
	c.srv.cfg.Logf("conn %d %s: "+format, append([]any{c.id, c.nc.RemoteAddr()}, args...)...)
}

func (c *conn) serve() {
	defer c.srv.untrack(c)
	defer c.nc.Close()
	res, rest, ok := c.handshake()
	if !ok {
		return
	}
	cfg := &c.srv.cfg
	heavy := &slot{slots: c.srv.heavy}
	defer heavy.give()
	codec := res.Codec
	if codec != nil {
		codec = heavy.paced(codec)
	}
	sess := NewSession(SessionConfig{MaxMessageSize: cfg.MaxMessageSize, MaxFrameSize: cfg.MaxFrameSize, Compression: codec, Memory: c.srv.budget})
	defer sess.Release()
	start := time.Now()
	if !c.write(sess, rest) {
		return
	}
	var (
		sentClose   bool
		released    bool      // session's rebuildable state let go while quiet
		lastRead    = start   // when the client last sent something
		lastSet     time.Time // when the read deadline was last moved
		writeFailed bool
		stalled     bool    // the message in progress made too little progress
		readBuf     *[]byte // the buffer of the read in progress, borrowed
		long        bool    // readBuf is a large one (Server.longReads)
		longReads   bool    // the previous read filled more than half a buffer
		stall       stallWatch
	)
	// releaseRead gives the read buffer back, as soon as the session has
	// what was read: a connection holds one only during a read and its
	// Feed, never while it writes or waits for the client, so an idle or
	// blocked connection holds none.
	releaseRead := func() {
		switch {
		case readBuf == nil:
		case long:
			c.srv.longReads.put(readBuf)
		default:
			c.srv.readBuffers.Put(readBuf)
		}
		readBuf = nil
	}
	defer func() {
		releaseRead()
		c.releaseHeld()
	}()
	// moveReadDeadline moves the read deadline at most every 100 ms, so
	// the hot path does not touch the timer on every read (lastSet is
	// cleared to force a move). The deadline is the earliest of: the idle
	// timeout, the quiet point (while the session holds what Release
	// lets go), and the end of the stall period of a message in progress.
	moveReadDeadline := func() {
		if now := time.Now(); !sentClose && now.Sub(lastSet) > 100*time.Millisecond {
			deadline := lastRead.Add(cfg.IdleTimeout)
			if t := lastRead.Add(quietAfter); !released && t.Before(deadline) {
				deadline = t
			}
			if t := stall.since.Add(cfg.StallTimeout); stall.active && t.Before(deadline) {
				deadline = t
			}
			lastSet = now
			c.setReadDeadline(deadline)
		}
	}
	pump := readPump{
		buffer: func() []byte {
			moveReadDeadline()
			if sess.Expecting() > heavyFrame || sess.Holding() > heavyMessage {
				heavy.take() // reading a long message: heavy work
			}
			if readBuf == nil && (longReads || sess.Expecting() > int64(cfg.ReadBufferSize)) {
				if readBuf = c.srv.longReads.get(); readBuf != nil {
					long = true
				}
			}
			if readBuf == nil {
				readBuf, long = c.srv.readBuffers.Get().(*[]byte), false
			}
			return (*readBuf)[:cap(*readBuf)]
		},
		got: func(n int) bool {
			now := time.Now()
			lastRead, released = now, false
			b := (*readBuf)[:cap(*readBuf)]
			full := n == len(b)
			longReads = n > cfg.ReadBufferSize/2
			out, _, _ := sess.Feed(b[:n])
			// Neither is held while writing (which may wait for the
			// client) or waiting: the next read borrows again.
			heavy.give()
			releaseRead()
			if stall.observe(sess, now, cfg.stallBytes()) {
				lastSet = time.Time{} // a message began: its period ends the wait
			}
			stalled = !sentClose && stall.stalled(now, cfg.StallTimeout)
			if !c.emit(out, (full || sess.Expecting() > 0) && !sess.Done() && !stalled) {
				writeFailed = true
				return false
			}
			return !sess.Done() && !stalled
		},
		beforeWait: func() bool {
			heavy.give()
			releaseRead()
			if lastSet.IsZero() {
				moveReadDeadline() // a message began: its stall period ends the wait
			}
			if sess.Expecting() > 0 && sess.Streaming() && c.holding() {
				// The rest of a streamed frame is on its way: hold its
				// echo so that it goes out whole. Any other frame in
				// progress has no echo yet, and what is held (echoes,
				// pongs) must not wait for a client that may never
				// finish the frame.
				return true
			}
			writeFailed = !c.flushHeld()
			return !writeFailed
		},
	}
	for !sess.Done() {
		moveReadDeadline()
		err := pump.pumpReads(c.nc)
		heavy.give()
		releaseRead()
		if writeFailed || !c.flushHeld() {
			return
		}
		now := time.Now()
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			c.logf("dropped by client after %v: %v", now.Sub(start).Round(time.Millisecond), err)
			return
		}
		if err != nil && sentClose {
			c.logf("no close frame from client within %v", cfg.CloseTimeout)
			return
		}
		goingAway := c.isGoingAway()
		if err != nil && !goingAway && !sentClose {
			stalled = stall.stalled(now, cfg.StallTimeout)
		}
		var code wire.CloseCode
		var reason string
		switch {
		case err == nil && !stalled:
			continue // the session is done
		case stalled && !sentClose:
			code, reason = wire.ClosePolicyViolation, "message stalled: under "+strconv.FormatInt(cfg.stallBytes(), 10)+" bytes in "+cfg.StallTimeout.String()
		case goingAway:
			code, reason = wire.CloseGoingAway, "server shutting down"
		case now.Sub(lastRead) >= cfg.IdleTimeout:
			code, reason = wire.CloseGoingAway, "idle timeout"
		default:
			if !released && now.Sub(lastRead) >= quietAfter {
				// Quiet, not idle: let go of what can be rebuilt.
				sess.Release()
				released = true
			}
			lastSet = time.Time{}
			continue
		}
		if !c.send(sess.Close(code, reason)) {
			return
		}
		sentClose, stalled = true, false
		c.nc.SetReadDeadline(time.Now().Add(cfg.CloseTimeout))
		c.logf("sent close %d (%s)", code, reason)
	}
	if err := sess.Err(); err != nil {
		c.logf("failed the connection: %v", err)
	} else {
		c.logf("closed cleanly after %v", time.Since(start).Round(time.Millisecond))
	}
	c.linger()
}

func (c *conn) isGoingAway() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.goingAway
}

// write feeds p to the session and writes the session's output.
func (c *conn) write(sess *Session, p []byte) bool {
	if len(p) == 0 {
		return true
	}
	out, _, _ := sess.Feed(p)
	return c.send(out)
}

func (c *conn) send(out []byte) bool {
	if len(out) == 0 {
		return true
	}
	if now := time.Now(); now.Sub(c.writeSet) > 100*time.Millisecond {
		c.writeSet = now
		c.nc.SetWriteDeadline(now.Add(c.srv.cfg.WriteTimeout))
	}
	if _, err := c.nc.Write(out); err != nil {
		c.logf("write failed: %v", err)
		return false
	}
	return true
}

// lingerLimit bounds what linger reads and discards: a client that sends
// this much after the server's last word is not reading it either.
const lingerLimit = 1 << 20

// linger ends a connection the server is done with: it half-closes so the
// client sees everything written followed by end of stream, then reads
// until the client closes too, CloseTimeout passes or lingerLimit octets
// were discarded. Closing with unread input would make the kernel reset
// the connection and could destroy the close frame before the client reads
// it.
func (c *conn) linger() {
	if hc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		hc.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.CloseTimeout))
	buf := c.srv.readBuffers.Get().(*[]byte)
	defer c.srv.readBuffers.Put(buf)
	for discarded := 0; discarded < lingerLimit; {
		n, err := c.nc.Read(*buf)
		if err != nil {
			return
		}
		discarded += n
	}
}
