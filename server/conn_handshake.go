package server

import (
	"errors"
	"net/http"
	"os"
	"time"
)

// firstHandshakeRead is the size of the buffer a new connection reads its
// request into: most upgrade requests fit, and the buffer doubles up to
// MaxHandshakeSize for those that do not. A connection in the handshake
// holds no more than what it was sent, rounded up.
const firstHandshakeRead = 512

// handshake reads and answers the opening handshake. It returns the
// accepted result and the bytes read past the request.
//
// What a connection gets before it is upgraded:
//   - bytes that cannot begin "GET " (junk, another protocol): 400 at once;
//   - a request not complete within HandshakeTimeout: 408; nothing at all
//     by then: dropped without an answer;
//   - evicted by newer connections (MaxHandshakes), or the server shutting
//     down: 503;
//   - a valid upgrade beyond MaxConnections: 503;
//   - otherwise ReadHandshake's answer: 101, 400, 426 or 431.
func (c *conn) handshake() (HandshakeResult, []byte, bool) {
	cfg := &c.srv.cfg
	defer c.srv.handshakeOver(c)
	if c.setReadDeadline(time.Now().Add(cfg.HandshakeTimeout)) {
		c.refuse(http.StatusServiceUnavailable, "server shutting down")
		return HandshakeResult{}, nil, false
	}
	buf := make([]byte, 0, firstHandshakeRead)
	for {
		if len(buf) == cap(buf) {
			buf = append(make([]byte, 0, min(2*cap(buf), MaxHandshakeSize)), buf...)
		}
		m, err := c.nc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if m > 0 {
			if !mayBeUpgradeRequest(buf) {
				c.refuse(http.StatusBadRequest, "not an HTTP GET request")
				return HandshakeResult{}, nil, false
			}
			if res, consumed, herr := ReadHandshake(buf, cfg.Negotiate); herr == nil {
				return res, buf[consumed:], c.answer(res)
			}
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return HandshakeResult{}, nil, false // the client closed or reset
		}
		switch goingAway, evicted := c.wakeReason(); {
		case evicted:
			c.refuse(http.StatusServiceUnavailable, "too many handshakes in progress")
		case goingAway:
			c.refuse(http.StatusServiceUnavailable, "server shutting down")
		case len(buf) > 0:
			c.refuse(http.StatusRequestTimeout, "request not complete within "+cfg.HandshakeTimeout.String())
		default:
			c.logf("nothing sent within %v", cfg.HandshakeTimeout)
		}
		return HandshakeResult{}, nil, false
	}
}

// mayBeUpgradeRequest reports whether the bytes received so far can begin
// an upgrade request: every one starts with "GET ".
func mayBeUpgradeRequest(b []byte) bool {
	const method = "GET "
	n := min(len(b), len(method))
	return string(b[:n]) == method[:n]
}

// answer writes the answer to a complete request: ReadHandshake's, or 503
// for a valid upgrade beyond MaxConnections. It reports whether the
// connection is upgraded.
func (c *conn) answer(res HandshakeResult) bool {
	if res.Accepted() && !c.srv.admit(c) {
		c.refuse(http.StatusServiceUnavailable, "too many open connections")
		return false
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
	if _, err := c.nc.Write(res.Response); err != nil {
		return false
	}
	if !res.Accepted() {
		c.logf("handshake refused: %d %s", res.Status, res.Reason)
		c.linger()
		return false
	}
	c.logf("upgraded (extensions: %q)", res.Extensions)
	c.setReadDeadline(time.Time{})
	return true
}

// refuse answers the opening handshake with status and a one-line reason,
// then ends the connection.
func (c *conn) refuse(status int, reason string) {
	c.nc.SetWriteDeadline(time.Now().Add(c.srv.cfg.WriteTimeout))
	c.nc.Write(refuse(status, reason).Response)
	c.logf("handshake refused: %d %s", status, reason)
	c.linger()
}
