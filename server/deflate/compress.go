package deflate

import (
	"bytes"
	"errors"
)

// Compressor compresses the messages one connection sends. It is not safe
// for concurrent use.
//
// Memory: a flate writer is large (about 0.8 MiB at level 1, 1.1 MiB below
// 15 window bits, 1.4 MiB at level 9). Without context takeover a
// Compressor borrows one from a pool for each message, so an idle connection
// holds none. With context takeover the writer stays between messages, for
// speed; Release gives it back and keeps only the last 2^ServerMaxWindowBits
// octets sent, which the next Compress loads into a fresh writer: about 70 µs
// of CPU for a full 32 KiB window of text, 16 µs for 4 KiB, 3 µs for 512
// octets, where compressing a 1 KiB message takes about 12 µs. A session that
// calls Release when a connection goes quiet pays that cost once per burst
// and holds at most 32 KiB per idle connection; one that calls it after
// every message compresses small messages several times slower.
type Compressor struct {
	key      writerKey
	takeover bool
	pw       *pooledWriter // the live writer, under takeover

	// hist holds recent input under takeover: after every message at least
	// its last 2^bits octets, or all input if there was less. While the
	// writer is live its capacity is twice the window, so keeping it costs
	// amortized O(1) per octet; Release trims it to the window.
	hist []byte
}

// NewCompressor returns a Compressor for the server-to-client direction of
// a connection with parameters p, compressing at level (see DefaultLevel):
// back-references reach at most 2^p.ServerMaxWindowBits octets, and into
// earlier messages only when !p.ServerNoContextTakeover. Window fields
// outside 8..15 are read as for Params, unknown levels as DefaultLevel.
func NewCompressor(p Params, level int) *Compressor {
	key := writerKey{bits: windowBits(p.ServerMaxWindowBits), level: flateLevel(level)}
	if key.level <= 0 {
		key.bits = MaxWindowBits // no back-references: one pool for all windows
	}
	return &Compressor{key: key, takeover: !p.ServerNoContextTakeover}
}

// Compress appends the compressed form of msg, one whole message, to dst and
// returns the extended buffer. As RFC 7692 section 7.2.1 says, the DEFLATE
// data ends with a sync flush whose final 00 00 ff ff is removed; an empty
// message becomes the single octet 0x00 (see section 7.2.3.6).
func (c *Compressor) Compress(dst, msg []byte) ([]byte, error) {
	pw := c.pw
	if pw == nil {
		pw = getWriter(c.key)
		if c.takeover && len(c.hist) > 0 {
			pw.w.ResetDict(&pw.out, c.hist) // resume a released context
		}
	}
	start := len(dst)
	pw.out.b = dst
	_, err := pw.w.Write(msg)
	if err == nil {
		err = pw.w.Flush()
	}
	out := pw.out.b
	pw.out.b = nil
	if err == nil && (len(out)-start < len(syncTail)+1 || !bytes.Equal(out[len(out)-len(syncTail):], syncTail[:])) {
		err = errors.New("deflate: compressed data does not end with a sync flush")
	}
	if err != nil {
		// Start the next message from an empty context: always decodable.
		putWriter(c.key, pw)
		c.pw, c.hist = nil, c.hist[:0]
		return dst, err
	}
	if c.takeover {
		c.pw = pw
		c.remember(msg)
	} else {
		putWriter(c.key, pw)
	}
	return out[:len(out)-len(syncTail)], nil
}

// remember keeps the last 2^bits octets of input in c.hist.
func (c *Compressor) remember(msg []byte) {
	w := 1 << c.key.bits
	if len(msg) >= w {
		c.hist = append(c.hist[:0], msg[len(msg)-w:]...)
		return
	}
	if len(c.hist)+len(msg) > 2*w {
		keep := c.hist[len(c.hist)-(w-len(msg)):]
		c.hist = c.hist[:copy(c.hist, keep)]
	}
	if c.hist == nil {
		c.hist = make([]byte, 0, 2*w)
	}
	c.hist = append(c.hist, msg...)
}

// Release gives the writer back to its pool, keeping the context: under
// context takeover the next Compress continues from the last 2^bits octets
// sent, as if the writer had stayed. Without takeover there is nothing to
// release; the writer went back after the message.
func (c *Compressor) Release() {
	if c.pw == nil {
		return
	}
	putWriter(c.key, c.pw)
	c.pw = nil
	if w := 1 << c.key.bits; len(c.hist) > w {
		c.hist = c.hist[len(c.hist)-w:]
	}
	c.hist = append([]byte(nil), c.hist...) // exactly the context, no spare
}

// Reset forgets the context, so the next message is compressed as if it
// were the first, and frees everything the Compressor holds.
func (c *Compressor) Reset() {
	if c.pw != nil {
		putWriter(c.key, c.pw)
		c.pw = nil
	}
	c.hist = nil
}
