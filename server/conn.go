package server

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// quietAfter is how long a connection with compression may be silent
// before its compression state goes back to the pools.
const quietAfter = time.Second

// largeReadSize is the read size while a long frame's payload streams in,
// and for a connection whose last read was long: a 64 KiB message with its
// header then arrives in one read, and a 1 MiB message in 8 instead of the
// 32 it takes through the 32 KiB buffer each connection keeps. The large
// buffers are pooled; a connection holds one only during such reads.
const largeReadSize = 128 << 10

var largeReadBuffers = sync.Pool{New: func() any { b := make([]byte, largeReadSize); return &b }}

// busyResponse answers a connection over Config.MaxConnections.
const busyResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 25\r\n\r\ntoo many open connections\n"

// conn serves one TCP connection: handshake, then the read-feed-write loop.
type conn struct {
	srv *Server
	nc  net.Conn
	id  uint64

	// mu orders Shutdown's wake-up against the read loop's deadlines:
	// once goingAway is set, the loop sets no deadline later than now.
	mu        sync.Mutex
	goingAway bool

	// writeSet is when the write deadline was last moved: it moves at most
	// every 100 ms, not on every write.
	writeSet time.Time

	// held is output emit holds back until the next read (held_output.go).
	held *[]byte
}

// goAway asks the connection to close with 1001 and wakes its read.
func (c *conn) goAway() {
	c.mu.Lock()
	c.goingAway = true
	c.nc.SetReadDeadline(time.Now())
	c.mu.Unlock()
}

// setReadDeadline sets the read deadline unless a shutdown already woke
// the connection; it reports whether the server is going away.
func (c *conn) setReadDeadline(t time.Time) (goingAway bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.goingAway {
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
	cfg := &c.srv.cfg
	if c.srv.Active() > cfg.MaxConnections {
		c.nc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
		c.nc.Write([]byte(busyResponse))
		c.logf("refused: %d connections open", cfg.MaxConnections)
		return
	}
	buf := make([]byte, cfg.ReadBufferSize)
	res, rest, ok := c.handshake(buf)
	if !ok {
		return
	}
	sess := NewSession(SessionConfig{MaxMessageSize: cfg.MaxMessageSize, MaxFrameSize: cfg.MaxFrameSize, Compression: res.Codec})
	start := time.Now()
	if !c.write(sess, rest) {
		return
	}
	var (
		sentClose   bool
		released    bool      // compression state given back while quiet
		lastRead    = start   // when the client last sent something
		lastSet     time.Time // when the read deadline was last moved
		writeFailed bool
		readBuf     []byte  // where the read in progress goes
		large       *[]byte // a pooled large buffer, held during a long read
		longReads   bool    // the previous read filled more than half of buf
	)
	// releaseLarge gives the large buffer back. It is kept from one read
	// to the next while reads follow at once, and given back before the
	// connection waits for the client.
	releaseLarge := func() {
		if large != nil {
			largeReadBuffers.Put(large)
			large = nil
		}
	}
	defer func() {
		releaseLarge()
		c.releaseHeld()
	}()
	// moveReadDeadline moves the read deadline at most every 100 ms, so
	// the hot path does not touch the timer on every read. It runs before
	// every read, and before the pump starts: a pump started with a
	// deadline that has passed ends before its first read.
	moveReadDeadline := func() {
		if now := time.Now(); !sentClose && now.Sub(lastSet) > 100*time.Millisecond {
			wait := cfg.IdleTimeout
			if res.Codec != nil && !released {
				wait = min(wait, quietAfter)
			}
			lastSet = now
			c.setReadDeadline(lastRead.Add(wait))
		}
	}
	pump := readPump{
		buffer: func() []byte {
			moveReadDeadline()
			readBuf = buf
			if longReads || sess.Expecting() > int64(len(buf)) {
				if large == nil {
					large = largeReadBuffers.Get().(*[]byte)
				}
				readBuf = *large
			}
			return readBuf
		},
		got: func(n int) bool {
			lastRead, released = time.Now(), false
			longReads = n > len(buf)/2
			out, _, _ := sess.Feed(readBuf[:n])
			if !c.emit(out, (n == len(readBuf) || sess.Expecting() > 0) && !sess.Done()) {
				writeFailed = true
				return false
			}
			return !sess.Done()
		},
		beforeWait: func() bool {
			releaseLarge()
			if sess.Expecting() > 0 && c.holding() {
				return true // the rest of the frame is on its way
			}
			writeFailed = !c.flushHeld()
			return !writeFailed
		},
	}
	for !sess.Done() {
		moveReadDeadline()
		err := pump.pumpReads(c.nc)
		if writeFailed || !c.flushHeld() {
			return
		}
		if err == nil {
			continue // the session is done
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			c.logf("dropped by client after %v: %v", time.Since(start).Round(time.Millisecond), err)
			return
		}
		if sentClose {
			c.logf("no close frame from client within %v", cfg.CloseTimeout)
			return
		}
		goingAway := c.isGoingAway()
		if !goingAway && time.Since(lastRead) < cfg.IdleTimeout {
			// Quiet, not idle: let the compression state go.
			sess.Release()
			released, lastSet = true, time.Time{}
			continue
		}
		reason := "idle timeout"
		if goingAway {
			reason = "server shutting down"
		}
		if !c.send(sess.Close(wire.CloseGoingAway, reason)) {
			return
		}
		sentClose = true
		c.nc.SetReadDeadline(time.Now().Add(cfg.CloseTimeout))
		c.logf("sent close 1001 (%s)", reason)
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

// handshake reads and answers the opening handshake. It returns the
// accepted result and the bytes read past the request.
func (c *conn) handshake(buf []byte) (HandshakeResult, []byte, bool) {
	cfg := &c.srv.cfg
	c.nc.SetReadDeadline(time.Now().Add(cfg.HandshakeTimeout))
	n := 0
	for {
		m, err := c.nc.Read(buf[n:])
		n += m
		res, consumed, herr := ReadHandshake(buf[:n], cfg.Negotiate)
		if herr == nil {
			c.nc.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
			if _, err := c.nc.Write(res.Response); err != nil {
				return res, nil, false
			}
			if !res.Accepted() {
				c.logf("handshake refused: %d %s", res.Status, res.Reason)
				c.linger()
				return res, nil, false
			}
			c.logf("upgraded (extensions: %q)", res.Extensions)
			c.nc.SetReadDeadline(time.Time{})
			return res, buf[consumed:n], true
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				c.logf("handshake not finished within %v", cfg.HandshakeTimeout)
			}
			return HandshakeResult{}, nil, false
		}
	}
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

// linger ends a connection the server is done with: it half-closes so the
// client sees everything written followed by end of stream, then reads
// until the client closes too or CloseTimeout passes. Closing with unread
// input would make the kernel reset the connection and could destroy the
// close frame before the client reads it.
func (c *conn) linger() {
	if hc, ok := c.nc.(interface{ CloseWrite() error }); ok {
		hc.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.CloseTimeout))
	var scratch [512]byte
	for {
		if _, err := c.nc.Read(scratch[:]); err != nil {
			return
		}
	}
}
