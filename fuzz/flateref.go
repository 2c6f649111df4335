package fuzz

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// syncTail is what RFC 7692 section 7.2.1 removes from the end of every
// compressed message: the last four octets of a sync flush.
var syncTail = []byte{0x00, 0x00, 0xFF, 0xFF}

// referenceInflater inflates the compressed messages of one direction of a
// connection with compress/flate, independently of server/deflate. Under
// context takeover a message may point back into earlier ones, so each
// message is inflated after all earlier ones of the connection, from the
// start (quadratic, and fine for fuzz-sized inputs); without it, each
// message alone.
type referenceInflater struct {
	takeover bool
	history  []byte // earlier messages, each with its tail
	produced int    // how much the history inflates to
}

// inflate returns the message that compressed inflates to, and false when
// it does not inflate.
func (ri *referenceInflater) inflate(compressed []byte) ([]byte, bool) {
	in := append(bytes.Clone(compressed), syncTail...)
	if ri.takeover {
		in = append(ri.history, in...)
	}
	all, err := inflateWithFlate(in, -1)
	if err != io.ErrUnexpectedEOF && err != nil {
		return nil, false
	}
	if !ri.takeover {
		return all, true
	}
	if len(all) < ri.produced {
		return nil, false
	}
	msg := all[ri.produced:]
	ri.history, ri.produced = in, len(all)
	return msg, true
}

// flateReaders keeps compress/flate readers for reuse: each holds a 32 KiB
// window and its tables, too much to build for every message of every run.
var flateReaders = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// inflateWithFlate inflates in with compress/flate and returns what it
// produced, at most limit+1 bytes when limit is not negative, and the
// error that ended it (nil at the end of a final block,
// io.ErrUnexpectedEOF when the input ended without one).
func inflateWithFlate(in []byte, limit int) ([]byte, error) {
	fr := flateReaders.Get().(io.ReadCloser)
	defer flateReaders.Put(fr)
	fr.(flate.Resetter).Reset(bytes.NewReader(in), nil)
	var r io.Reader = fr
	if limit >= 0 {
		r = io.LimitReader(fr, int64(limit)+1)
	}
	return io.ReadAll(r)
}
