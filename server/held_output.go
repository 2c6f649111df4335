package server

// maxHeldOutput is the size of a held-output buffer, the most a connection
// holds back before writing: the echo of a message of up to 1 MiB goes out
// whole, longer ones in pieces of about this size.
const maxHeldOutput = 1<<20 + 64<<10

// heldBuffersPerServer bounds the held-output buffers of one server (about
// 68 MiB, reserved from its memory budget as they are made). 1000
// connections x 1 MiB ran five times slower with buffers made afresh than
// with no holding at all; kept on a free list (bufferList), they pay.
// With every buffer in use, a connection writes as output comes.
const heldBuffersPerServer = 64

// emit sends the session's output for one read. When more is true (the
// read filled its buffer, or a frame's payload is still to come), the
// output is held back and written with a later read's, up to
// maxHeldOutput; otherwise the held output and out are written now. A
// message read in pieces then goes out in one write, once the server has
// all of it, as from a server that reads whole messages: the client reads
// its echo in one go, and no echo is written while the client is still
// sending the message, which filled the client's receive buffer and left
// some connections waiting (64 x 1 MiB: p99 2.2x gobwas's, now at or
// below it).
func (c *conn) emit(out []byte, more bool) bool {
	if c.held == nil {
		if !more || len(out) == 0 {
			return c.send(out) // send writes nothing for nothing
		}
		if c.held = c.srv.held.get(); c.held == nil {
			return c.send(out) // every buffer is in use: write as it comes
		}
	}
	if len(*c.held)+len(out) > cap(*c.held) {
		if !c.flushHeld() {
			return false
		}
		if len(out) > maxHeldOutput || !more {
			return c.send(out)
		}
		if c.held = c.srv.held.get(); c.held == nil {
			return c.send(out)
		}
	}
	*c.held = append(*c.held, out...)
	if more {
		return true
	}
	return c.flushHeld()
}

// holding reports whether emit holds output back.
func (c *conn) holding() bool { return c.held != nil && len(*c.held) > 0 }

// flushHeld writes what emit held back. It must run before the connection
// waits for the client, unless the client is still sending the frame whose
// echo is held.
func (c *conn) flushHeld() bool {
	if c.held == nil {
		return true
	}
	ok := c.send(*c.held)
	c.releaseHeld()
	return ok
}

// releaseHeld gives the held-output buffer back, unsent.
func (c *conn) releaseHeld() {
	if c.held == nil {
		return
	}
	c.srv.held.put(c.held)
	c.held = nil
}
