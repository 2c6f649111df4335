package deflate

import "math"

// NoLimit, given as Inflate's limit, accepts a message of any size. A server
// should not use it for data from the network.
const NoLimit = math.MaxInt64

// Decompressor inflates the messages one connection receives. It is not
// safe for concurrent use.
//
// Memory: between messages a Decompressor holds only its window, and only
// under context takeover: 2^ClientMaxWindowBits octets (512 for 8 and 9). The
// decode tables (about 13 KiB) and, without context takeover, the window are
// borrowed from pools for the duration of one Inflate.
type Decompressor struct {
	winBits  int
	takeover bool

	// The window and where the last message left it, under takeover. win
	// is allocated by the first message.
	win  []byte
	wpos int
	full bool
}

// NewDecompressor returns a Decompressor for the client-to-server direction
// of a connection with parameters p: it keeps the window between messages
// unless p.ClientNoContextTakeover, and refuses back-references further than
// 2^p.ClientMaxWindowBits octets.
//
// A promise of 8 bits is held to 9 (512 octets): zlib before 1.2.9 turned a
// raw window of 8 into 9 without telling its caller, so a client may promise
// 8 in good faith and then send distances up to 512. Accepting them costs 256
// octets and no safety. Window fields outside 8..15 are read as for Params.
func NewDecompressor(p Params) *Decompressor {
	return &Decompressor{
		winBits:  max(windowBits(p.ClientMaxWindowBits), MinWindowBits+1),
		takeover: !p.ClientNoContextTakeover,
	}
}

// Inflate appends the inflated form of one compressed message to dst and
// returns the extended buffer. compressed is the whole message payload as
// received (the caller joins its fragments), without the 00 00 ff ff tail,
// which Inflate appends itself as RFC 7692 section 7.2.2 says.
//
// limit bounds the length of the inflated message (not counting what dst
// already holds); a negative limit is read as 0. When the message would be
// longer, Inflate stops and returns ErrTooLarge, having allocated at most
// limit octets plus one 32 KiB chunk for output, whatever the compression
// ratio. Invalid data returns an error matching ErrCorrupt (a *CorruptError).
// On error dst is returned unchanged, and the window is emptied: the session
// is expected to fail the connection, but a later call still behaves
// predictably.
//
// An empty payload is invalid: every compressed message, even an empty one,
// ends with the header bits of an empty stored block (RFC 7692 section 7.2.1:
// no data at all compresses to the single octet 0x00, see section 7.2.3.6), so
// zero octets plus the tail is a truncated stream. Some implementations
// accept an empty payload as an empty message; a compliant sender never
// produces one.
func (d *Decompressor) Inflate(dst, compressed []byte, limit int64) ([]byte, error) {
	f := inflater{out: sink{buf: dst, hint: 4*len(compressed) + 64}}
	if err := d.run(&f, compressed, limit); err != nil {
		return dst, err
	}
	return f.out.bytes(), nil
}

// InflateFunc inflates one compressed message as Inflate does, but keeps
// none of it: each piece of the message goes to yield as soon as it is
// decoded, in order. A piece is a view of the window, at most
// 2^ClientMaxWindowBits octets, valid only during the call. It returns the
// length of the whole message.
//
// This is the way to inflate without holding the message: a server that
// validates and compresses its echo piece by piece needs memory for one
// window, whatever the size of the message. The limit, the errors and the
// window after an error are as for Inflate; an error returned by yield
// stops inflation and is returned as it is, after the pieces before it
// were delivered.
func (d *Decompressor) InflateFunc(compressed []byte, limit int64, yield func(piece []byte) error) (int64, error) {
	f := inflater{out: sink{yield: yield}}
	err := d.run(&f, compressed, limit)
	return f.out.n, err
}

// run decodes compressed, followed by the sync tail, into f's sink, with
// the window of this connection (or a pooled one without context
// takeover), and keeps the window for the next message.
func (d *Decompressor) run(f *inflater, compressed []byte, limit int64) error {
	f.in, f.tail = compressed, syncTail[:]
	f.out.limit = max(limit, 0)
	f.sc = getScratch()
	defer putScratch(f.sc)
	if d.takeover {
		if d.win == nil {
			d.win = make([]byte, 1<<d.winBits)
		}
		f.win, f.wpos, f.rpos, f.full = d.win, d.wpos, d.wpos, d.full
	} else {
		f.win = getWindow(d.winBits)
		defer putWindow(f.win)
	}

	err := f.run()
	if err == nil {
		err = f.flush()
	}
	if d.takeover {
		if err != nil {
			f.wpos, f.full = 0, false
		}
		d.wpos, d.full = f.wpos, f.full
	}
	return err
}

// Reset forgets the window, as if no message had been received, and frees
// it.
func (d *Decompressor) Reset() {
	d.win, d.wpos, d.full = nil, 0, false
}

// Release frees what the Decompressor can do without while it is idle and
// keeps the context: without context takeover nothing is held between
// messages anyway; with it, the window is the context and stays (it is never
// larger than the window agreed on). Release exists so that a session can
// treat both directions alike.
func (d *Decompressor) Release() {}
