package server

import "sync"

// maxHeldOutput bounds the echo a connection holds back before writing.
const maxHeldOutput = 256 << 10

// heldOutputBuffers hold output between reads; a connection takes one only
// while it holds something back.
var heldOutputBuffers = sync.Pool{New: func() any { b := make([]byte, 0, maxHeldOutput); return &b }}

// emit sends the session's output for one read. When the read filled its
// buffer (more is true), the rest of the client's data is already on its
// way, so the output is held back and written together with the next
// read's, up to maxHeldOutput: a 64 KiB message read in two pieces then
// goes out in one write instead of two, and the client reads its echo in
// one go. Otherwise the held output and out are written now.
func (c *conn) emit(out []byte, more bool) bool {
	if more {
		if c.held == nil {
			c.held = heldOutputBuffers.Get().(*[]byte)
		}
		*c.held = append(*c.held, out...)
		if len(*c.held) < maxHeldOutput {
			return true
		}
		return c.flushHeld()
	}
	if c.held == nil {
		return c.send(out)
	}
	*c.held = append(*c.held, out...)
	return c.flushHeld()
}

// flushHeld writes what emit held back. It must run before the connection
// waits for the client, which may be waiting for this very output.
func (c *conn) flushHeld() bool {
	if c.held == nil {
		return true
	}
	ok := c.send(*c.held)
	c.releaseHeld()
	return ok
}

// releaseHeld gives the held-output buffer back to the pool, unsent.
func (c *conn) releaseHeld() {
	if c.held == nil {
		return
	}
	*c.held = (*c.held)[:0]
	heldOutputBuffers.Put(c.held)
	c.held = nil
}
