package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gobwas/httphead"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
	"github.com/klauspost/compress/flate"
)

// readSize is the client's read buffer: larger than a 64 KiB message with
// its header, so such an echo is read in one system call when it is all
// there (with 64 KiB the last bytes of every echo took a read of their
// own, and the client, not the server, limited the 64 KiB rows).
const readSize = 128 << 10

// client is one connection and its measurements. Only its own goroutine
// touches it until the run is over.
type client struct {
	id      int
	conn    net.Conn
	br      *bufio.Reader
	deflate bool

	hdr   []byte // header scratch for ws.ReadHeaderBuffer
	chunk []byte // payload scratch for the streaming comparison
	zbuf  []byte // compressed echo, gathered over its fragments
	zr    bytes.Reader
	infl  io.ReadCloser

	samples    []int64 // round trips in nanoseconds, measured window only
	lastDone   time.Time
	mismatches int64
	err        error
}

var (
	errServerClosed = errors.New("server sent a close frame")
	errMasked       = errors.New("server sent a masked frame")
)

// dial connects and upgrades, offering permessage-deflate (both sides
// without context takeover) if asked to. It fails if the offer is declined,
// so that a compression row never silently measures plain messages.
func dial(ctx context.Context, id int, url string, deflate bool, timeout time.Duration) (*client, error) {
	d := ws.Dialer{Timeout: timeout}
	if deflate {
		d.Extensions = []httphead.Option{wsflate.Parameters{
			ServerNoContextTakeover: true,
			ClientNoContextTakeover: true,
		}.Option()}
	}
	conn, br, hs, err := d.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	c := &client{
		id:    id,
		conn:  conn,
		hdr:   make([]byte, ws.MaxHeaderSize),
		chunk: make([]byte, readSize),
	}
	if br != nil {
		c.br = bufio.NewReaderSize(br, readSize)
	} else {
		c.br = bufio.NewReaderSize(conn, readSize)
	}
	if deflate {
		var accepted bool
		for _, opt := range hs.Extensions {
			if !bytes.Equal(opt.Name, wsflate.ExtensionNameBytes) {
				continue
			}
			var p wsflate.Parameters
			if err := p.Parse(opt); err != nil {
				conn.Close()
				return nil, fmt.Errorf("bad permessage-deflate response: %w", err)
			}
			if !p.ServerNoContextTakeover {
				conn.Close()
				return nil, errors.New("server accepted permessage-deflate without server_no_context_takeover, which was offered")
			}
			accepted = true
		}
		if !accepted {
			conn.Close()
			return nil, errors.New("server declined permessage-deflate")
		}
		c.deflate = true
		c.infl = flate.NewReader(nil)
	}
	return c, nil
}

// run sends messages one at a time, each after the previous echo came back
// and was checked, until stopAt or until the shared budget of messages is
// spent. Round trips of messages sent at or after measureFrom are kept.
func (c *client) run(msgs []message, budget *atomic.Int64, measureFrom, stopAt time.Time) {
	for i := c.id; ; i++ {
		t0 := time.Now()
		if !t0.Before(stopAt) || budget.Add(-1) < 0 {
			return
		}
		m := &msgs[i%len(msgs)]
		if _, err := c.conn.Write(m.frame); err != nil {
			c.err = fmt.Errorf("write: %w", err)
			return
		}
		ok, arrived, err := c.readEcho(m)
		if err != nil {
			c.err = fmt.Errorf("read echo: %w", err)
			return
		}
		if !ok {
			c.mismatches++
		}
		if !t0.Before(measureFrom) {
			c.samples = append(c.samples, int64(arrived.Sub(t0)))
			c.lastDone = arrived
		}
	}
}

// readEcho reads one message and reports whether it equals m. It reads the
// whole message even after a difference, so the stream stays in step. The
// arrival time is taken when the last frame is in, before a compressed echo
// is inflated for the comparison, so client-side inflate is not counted as
// server latency.
func (c *client) readEcho(m *message) (ok bool, arrived time.Time, err error) {
	ok = true
	first, compressed := true, false
	got := 0
	c.zbuf = c.zbuf[:0]
	for {
		h, err := ws.ReadHeaderBuffer(c.br, c.hdr)
		if err != nil {
			return false, arrived, err
		}
		if h.Masked {
			return false, arrived, errMasked
		}
		r1, r2, r3 := ws.RsvBits(h.Rsv)
		if h.OpCode.IsControl() {
			if err := c.control(h); err != nil {
				return false, arrived, err
			}
			continue
		}
		if r2 || r3 || (r1 && (!first || !c.deflate)) {
			return false, arrived, fmt.Errorf("unexpected RSV bits %03b on %v frame", h.Rsv, h.OpCode)
		}
		if first {
			if h.OpCode != m.op {
				ok = false
			}
			compressed = r1
			first = false
		} else if h.OpCode != ws.OpContinuation {
			return false, arrived, fmt.Errorf("%v frame inside a fragmented message", h.OpCode)
		}
		if compressed {
			if int64(len(c.zbuf))+h.Length > int64(len(m.payload))+(1<<20) {
				return false, arrived, fmt.Errorf("compressed echo longer than %d bytes", len(m.payload)+(1<<20))
			}
			n := len(c.zbuf)
			c.zbuf = slices.Grow(c.zbuf, int(h.Length))[:n+int(h.Length)]
			if _, err := io.ReadFull(c.br, c.zbuf[n:]); err != nil {
				return false, arrived, err
			}
		} else {
			if int64(got)+h.Length > int64(len(m.payload))+(1<<20) {
				return false, arrived, fmt.Errorf("echo longer than %d bytes", len(m.payload)+(1<<20))
			}
			for left := int(h.Length); left > 0; {
				k := min(left, len(c.chunk))
				if _, err := io.ReadFull(c.br, c.chunk[:k]); err != nil {
					return false, arrived, err
				}
				if got+k > len(m.payload) || !bytes.Equal(c.chunk[:k], m.payload[got:got+k]) {
					ok = false
				}
				got += k
				left -= k
			}
		}
		if h.Fin {
			break
		}
	}
	arrived = time.Now()
	if compressed {
		return ok && c.inflatedEquals(m.payload), arrived, nil
	}
	return ok && got == len(m.payload), arrived, nil
}

// inflatedEquals inflates the gathered compressed echo and compares it with
// want, streaming.
func (c *client) inflatedEquals(want []byte) bool {
	c.zbuf = append(c.zbuf, 0, 0, 0xff, 0xff)
	c.zr.Reset(c.zbuf)
	if err := c.infl.(flate.Resetter).Reset(&c.zr, nil); err != nil {
		return false
	}
	for off := 0; off < len(want); {
		k := min(len(want)-off, len(c.chunk))
		if _, err := io.ReadFull(c.infl, c.chunk[:k]); err != nil {
			return false
		}
		if !bytes.Equal(c.chunk[:k], want[off:off+k]) {
			return false
		}
		off += k
	}
	// Nothing may follow: the stream ends at the sync marker (an
	// unexpected EOF for a raw deflate reader) or at a final block (EOF).
	n, _ := c.infl.Read(c.chunk[:1])
	return n == 0
}

// control handles a control frame between or inside echoes: a ping is
// answered, a pong ignored, a close ends the run.
func (c *client) control(h ws.Header) error {
	if h.Length > 125 {
		return fmt.Errorf("control frame with %d-byte payload", h.Length)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return err
	}
	switch h.OpCode {
	case ws.OpPing:
		return c.writeControl(ws.OpPong, p)
	case ws.OpPong:
		return nil
	case ws.OpClose:
		if len(p) >= 2 {
			return fmt.Errorf("%w: code %d %q", errServerClosed, binary.BigEndian.Uint16(p), p[2:])
		}
		return errServerClosed
	}
	return fmt.Errorf("unknown control opcode %v", h.OpCode)
}

func (c *client) writeControl(op ws.OpCode, p []byte) error {
	var key [4]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	body := append([]byte(nil), p...)
	ws.Cipher(body, key, 0)
	var f bytes.Buffer
	h := ws.Header{Fin: true, OpCode: op, Masked: true, Mask: key, Length: int64(len(body))}
	if err := ws.WriteHeader(&f, h); err != nil {
		return err
	}
	f.Write(body)
	_, err := c.conn.Write(f.Bytes())
	return err
}

// close runs the closing handshake with a short bound, then closes TCP.
func (c *client) close() {
	defer c.conn.Close()
	if c.err != nil {
		return
	}
	if err := c.writeControl(ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, "")); err != nil {
		return
	}
	c.conn.SetDeadline(time.Now().Add(time.Second))
	for {
		h, err := ws.ReadHeaderBuffer(c.br, c.hdr)
		if err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, c.br, h.Length); err != nil || h.OpCode == ws.OpClose {
			return
		}
	}
}
