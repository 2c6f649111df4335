package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// The opening handshake every client here sends. deflateOffer asks for
// permessage-deflate without context takeover, which every server
// compared accepts.
const (
	requestHead  = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	deflateOffer = "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n"
)

var maskKey = [4]byte{0x12, 0x34, 0x56, 0x78}

// frame builds a masked client frame with the reference server's wire
// package.
func frame(op wire.Opcode, fin, rsv1 bool, payload []byte) []byte {
	h := wire.Header{Fin: fin, OpCode: op, Masked: true, Mask: maskKey, Length: int64(len(payload))}
	if rsv1 {
		h.Rsv = wire.Rsv1
	}
	b := wire.AppendHeader(make([]byte, 0, wire.MaxHeaderLen+len(payload)), h)
	start := len(b)
	b = append(b, payload...)
	wire.MaskBytes(maskKey, 0, b[start:])
	return b
}

// wsConn is one client connection.
type wsConn struct {
	nc net.Conn
	br *bufio.Reader
}

// dialWS connects and sends the opening handshake; it returns the
// connection and the answer's head (a refusal's body stays unread).
func dialWS(addr string, deflate bool, timeout time.Duration) (*wsConn, *http.Response, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, nil, err
	}
	c := newConn(nc)
	req := requestHead
	if deflate {
		req += deflateOffer
	}
	nc.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(nc, req+"\r\n"); err != nil {
		nc.Close()
		return nil, nil, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	nc.SetDeadline(time.Time{})
	return c, resp, nil
}

// upgraded dials and fails unless the server answered 101.
func upgraded(addr string, deflate bool, timeout time.Duration) (*wsConn, error) {
	c, resp, err := dialWS(addr, deflate, timeout)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		c.nc.Close()
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return c, nil
}

// received is one server frame as a client sees it: the payload is read
// and dropped, except a close frame's code.
type received struct {
	op     wire.Opcode
	length int64
	code   int // close code, 1005 for none
}

// readFrame reads the next server frame.
func (c *wsConn) readFrame() (received, error) {
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return received{}, err
	}
	f := received{op: wire.Opcode(h[0] & 0xF), length: int64(h[1] & 0x7F)}
	switch f.length {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return f, err
		}
		f.length = int64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return f, err
		}
		f.length = int64(binary.BigEndian.Uint64(b[:]))
	}
	if f.op == wire.OpClose {
		p := make([]byte, min(f.length, 125))
		if _, err := io.ReadFull(c.br, p); err != nil {
			return f, err
		}
		f.code = 1005
		if len(p) >= 2 {
			f.code = int(binary.BigEndian.Uint16(p))
		}
		return f, nil
	}
	_, err := io.CopyN(io.Discard, c.br, f.length)
	return f, err
}

// outcome reads until the server ends the exchange or deadline passes,
// and names what the client got: "echo" once a data frame came back (when
// stopAtEcho), "close NNNN", "drop" for end of stream or a reset without a
// close frame, "open" when the deadline passed first.
func (c *wsConn) outcome(deadline time.Time, stopAtEcho bool) string {
	c.nc.SetReadDeadline(deadline)
	for {
		f, err := c.readFrame()
		switch {
		case err != nil:
			return errorOutcome(err)
		case f.op == wire.OpClose:
			return "close " + strconv.Itoa(f.code)
		case stopAtEcho && (f.op == wire.OpText || f.op == wire.OpBinary):
			return "echo"
		}
	}
}

// errorOutcome names a read error: "open" for a deadline, "drop" else.
func errorOutcome(err error) string {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "open"
	}
	return "drop"
}

// httpOutcome reads a pre-upgrade answer: "HTTP NNN", "drop" or "open".
func (c *wsConn) httpOutcome(deadline time.Time) string {
	c.nc.SetReadDeadline(deadline)
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return errorOutcome(err)
	}
	return "HTTP " + strconv.Itoa(resp.StatusCode)
}

// refusalOutcome names a refusal after reading it to end of stream, with
// " (bad length)" when its Content-Length is not the length of its body.
func (c *wsConn) refusalOutcome(resp *http.Response, deadline time.Time) string {
	c.nc.SetReadDeadline(deadline)
	body, err := io.ReadAll(c.br)
	name := "HTTP " + strconv.Itoa(resp.StatusCode)
	if err != nil || strconv.Itoa(len(body)) != resp.Header.Get("Content-Length") {
		name += " (bad length)"
	}
	return name
}

func newReader(nc net.Conn) *bufio.Reader { return bufio.NewReaderSize(nc, 4096) }
