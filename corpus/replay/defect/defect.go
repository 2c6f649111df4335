// Package defect makes a correct WebSocket server misbehave in known ways,
// to check that a replay judges a broken server the way Autobahn|Testsuite
// does. It wraps the server's net.Listener: each accepted connection
// rewrites what the client sent before the server reads it, so the server
// itself needs no change.
//
//	ln, _ := net.Listen("tcp", "127.0.0.1:0")
//	ln, _ = defect.Listen(ln, defect.UTF8Late, defect.CloseAs1000)
//	srv.Serve(ln)
//
// The defects:
//
//   - UTF8Late: the server does not fail fast on invalid UTF-8. The frames
//     of a text message are held back until its last frame arrives, so the
//     server sees the message only whole and can fail it only at its end.
//     Control frames are not held (a close frame first releases what is
//     held); a data frame that is not a continuation releases the message.
//   - CloseAs1000: the server answers a close frame with an invalid code
//     (one an endpoint must not send, such as 0, 1005 or 2999) with 1000
//     instead of failing with 1002. Such a code is rewritten to 1000 on the
//     way in.
package defect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
)

// Defect names one misbehaviour.
type Defect string

// The defects a listener can add.
const (
	UTF8Late    Defect = "utf8-late"
	CloseAs1000 Defect = "close-1000"
)

// All lists every defect.
var All = []Defect{UTF8Late, CloseAs1000}

// maxRequest bounds the opening handshake request the wrapper waits for;
// past it the octets pass unparsed.
const maxRequest = 64 << 10

// maxHeld bounds what UTF8Late holds back; a longer message is released.
const maxHeld = 16 << 20

// Parse parses a comma-separated list of defect names.
func Parse(s string) ([]Defect, error) {
	var out []Defect
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		ok := false
		for _, d := range All {
			if string(d) == f {
				out, ok = append(out, d), true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown defect %q (known: %s, %s)", f, UTF8Late, CloseAs1000)
		}
	}
	return out, nil
}

// Listen wraps ln so that every connection it accepts has the defects.
func Listen(ln net.Listener, defects ...Defect) (net.Listener, error) {
	l := &listener{Listener: ln}
	for _, d := range defects {
		switch d {
		case UTF8Late:
			l.utf8Late = true
		case CloseAs1000:
			l.close1000 = true
		default:
			return nil, fmt.Errorf("unknown defect %q", d)
		}
	}
	return l, nil
}

type listener struct {
	net.Listener
	utf8Late, close1000 bool
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, utf8Late: l.utf8Late, close1000: l.close1000}, nil
}

// conn rewrites the client's octets: the opening handshake passes as it
// is, then frames are parsed as they arrive.
type conn struct {
	net.Conn
	utf8Late, close1000 bool

	in      []byte // client octets not parsed yet
	out     []byte // octets ready for the server
	upgrade bool   // the handshake request has passed

	frame   *header // the frame being passed, nil between frames
	left    int     // its payload octets not passed yet
	holding bool    // a text message is being held back
	held    []byte
	buf     [32 << 10]byte
}

type header struct {
	opcode int
	fin    bool
	hold   bool // the frame belongs to a held text message
}

// CloseWrite half-closes the connection when the underlying one can, as
// the server expects of a TCP connection.
func (c *conn) CloseWrite() error {
	if hc, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return hc.CloseWrite()
	}
	return c.Conn.Close()
}

// Read returns the rewritten octets; it reads from the client until it has
// some.
func (c *conn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		n, err := c.Conn.Read(c.buf[:])
		if n > 0 {
			c.in = append(c.in, c.buf[:n]...)
			c.process()
		}
		if err != nil {
			if len(c.out) > 0 {
				break
			}
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// process moves what can be decided from in to out (or held).
func (c *conn) process() {
	if !c.upgrade {
		// The request passes whole: the server waits for all of it anyway.
		i := bytes.Index(c.in, []byte("\r\n\r\n"))
		switch {
		case i >= 0:
			c.out = append(c.out, c.in[:i+4]...)
			c.in = c.in[i+4:]
		case len(c.in) > maxRequest:
			c.out = append(c.out, c.in...)
			c.in = c.in[:0]
		default:
			return
		}
		c.upgrade = true
	}
	for len(c.in) > 0 {
		if c.frame == nil {
			if !c.begin() {
				return
			}
			continue
		}
		n := min(c.left, len(c.in))
		c.emit(c.in[:n], c.frame.hold)
		c.in = c.in[n:]
		c.left -= n
		if c.left == 0 {
			c.end()
		}
	}
	if c.frame != nil && c.left == 0 {
		c.end()
	}
}

// begin starts the frame at the head of in, when its header is complete;
// a close frame that may need rewriting waits until it is whole.
func (c *conn) begin() bool {
	if len(c.in) < 2 {
		return false
	}
	b0, b1 := c.in[0], c.in[1]
	opcode, fin, masked := int(b0&0x0f), b0&0x80 != 0, b1&0x80 != 0
	hl, n := 2, int(b1&0x7f)
	switch n {
	case 126:
		hl += 2
	case 127:
		hl += 8
	}
	if masked {
		hl += 4
	}
	if len(c.in) < hl {
		return false
	}
	switch n {
	case 126:
		n = int(binary.BigEndian.Uint16(c.in[2:]))
	case 127:
		v := binary.BigEndian.Uint64(c.in[2:])
		if v > 1<<40 {
			v = 1 << 40
		}
		n = int(v)
	}
	h := &header{opcode: opcode, fin: fin}
	switch {
	case opcode == 8:
		if c.close1000 && n >= 2 {
			if len(c.in) < hl+n {
				return false
			}
			rewriteCloseCode(c.in[:hl+n], hl, masked)
		}
		c.release()
	case opcode >= 8:
		// other control frames pass, even in the middle of a held message
	case c.utf8Late && opcode == 1 && !c.holding:
		c.holding, h.hold = true, true
	case c.holding && opcode == 0:
		h.hold = true
	default:
		c.release()
	}
	if h.hold && len(c.held)+hl+n > maxHeld {
		c.release()
		h.hold = false
	}
	c.emit(c.in[:hl], h.hold)
	c.in = c.in[hl:]
	c.frame, c.left = h, n
	return true
}

// end finishes the current frame; the last frame of a held message
// releases it.
func (c *conn) end() {
	if c.frame.hold && c.frame.fin {
		c.release()
	}
	c.frame = nil
}

func (c *conn) emit(p []byte, hold bool) {
	if hold {
		c.held = append(c.held, p...)
	} else {
		c.out = append(c.out, p...)
	}
}

// release passes the held message on.
func (c *conn) release() {
	c.out = append(c.out, c.held...)
	c.held = nil
	c.holding = false
}

// rewriteCloseCode replaces an invalid close code in a whole close frame
// (header of hl octets) with 1000.
func rewriteCloseCode(frame []byte, hl int, masked bool) {
	var key [4]byte
	if masked {
		copy(key[:], frame[hl-4:hl])
	}
	code := int(frame[hl]^key[0])<<8 | int(frame[hl+1]^key[1])
	if sendable(code) {
		return
	}
	frame[hl] = 0x03 ^ key[0]
	frame[hl+1] = 0xe8 ^ key[1]
}

// sendable reports whether an endpoint may send close code c (RFC 6455
// section 7.4.1: 1000-1003 and 1007-1011; 3000-4999 registered and private).
func sendable(c int) bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1011:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}
