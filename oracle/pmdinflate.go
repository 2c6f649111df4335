package oracle

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrTooBig is matched (errors.Is) by the error Inflater.Inflate returns
// for a message that inflates to more than the limit: a server answers it
// with close code 1009.
var ErrTooBig = errors.New("oracle: the inflated message exceeds the limit")

// TooBigError is a message that passes the limit and is invalid further
// on. It matches both ErrTooBig and ErrInvalid: a server that stops at the
// limit answers 1009, one that checks the whole message first (or inflates
// it in chunks larger than what is left of the limit) answers 1007, and
// both are right.
type TooBigError struct {
	// Invalid is what is wrong further on, an *InvalidError or a
	// *WindowError.
	Invalid error
}

func (e *TooBigError) Error() string {
	return fmt.Sprintf("oracle: the inflated message exceeds the limit, and further on: %v", e.Invalid)
}

// Is makes the error match ErrTooBig, and what Invalid matches.
func (e *TooBigError) Is(target error) bool {
	return target == ErrTooBig || errors.Is(e.Invalid, target)
}

// ErrInvalid is matched (errors.Is) by every error for a message that is
// not valid compressed data under the agreement: a server answers it with
// close code 1007.
var ErrInvalid = errors.New("oracle: invalid compressed message")

// ErrDisagreement is returned when compress/flate and the oracle's own
// walk of the stream read a message differently. It is a fault of the
// oracle, not of the server judged: a fuzz target reports it as a failure.
var ErrDisagreement = errors.New("oracle: compress/flate and the oracle's reading of the stream disagree")

// InvalidError says why a message is not valid DEFLATE data for RFC 7692:
// a syntax error, a truncated stream, a message that does not end on a
// block boundary, or a reference to octets before the start of the data.
// It matches ErrInvalid.
type InvalidError struct {
	// Output is the number of octets the message produced before the
	// problem.
	Output int
	// Reason says what is wrong.
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("oracle: invalid compressed message after %d octets: %s", e.Output, e.Reason)
}

// Is makes the error match ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// WindowError is a back-reference further than the window the client's
// compressor agreed to (client_max_window_bits, RFC 7692 section 7.1.2.2).
// It matches ErrInvalid.
type WindowError struct {
	// Output is the number of octets the message produced before the
	// reference.
	Output int
	// Distance is how far back the reference reaches, Window the most the
	// agreement allows.
	Distance, Window int
}

func (e *WindowError) Error() string {
	return fmt.Sprintf("oracle: back-reference %d octets back, beyond the agreed window of %d, after %d octets", e.Distance, e.Window, e.Output)
}

// Is makes the error match ErrInvalid.
func (e *WindowError) Is(target error) bool { return target == ErrInvalid }

// syncTail is what RFC 7692 section 7.2.1 removes from the end of every
// compressed message and section 7.2.2 has the receiver put back: the
// LEN and NLEN of the empty stored block a sync flush ends with.
var syncTail = []byte{0x00, 0x00, 0xFF, 0xFF}

// Inflater inflates the compressed messages a client sends on one
// connection, in order, as RFC 7692 section 7.2.2 reads them under an
// agreement: it appends 00 00 ff ff to each message and inflates the
// result with compress/flate. compress/flate knows nothing of the extension, so
// the Inflater also walks each message itself (RFC 1951, one bit at a time)
// to check the rules the extension adds:
//
//   - end of message: the data ends exactly after a whole block, or with a
//     block marked BFINAL after which anything is ignored (section
//     7.2.3.4); a message that ends inside a block, or after a block with
//     bits left over, is invalid, and so is an empty message (even an empty
//     message compresses to one octet, section 7.2.3.6);
//   - window: no back-reference reaches further than 2^ClientMaxWindowBits
//     octets (*WindowError);
//   - context takeover: unless ClientNoContextTakeover, a message may refer
//     back into the earlier messages of the connection, otherwise only into
//     itself;
//   - limit: a message that inflates to more octets than the limit is
//     ErrTooBig; compress/flate stops as soon as its output passes the
//     limit, so that a compression bomb costs no more than the limit (the
//     walk only counts octets).
//
// The first problem in stream order decides which error a message gets,
// with one latitude: a message that passes the limit and is invalid
// further on gets a *TooBigError, which matches both. Each message's
// octets come from compress/flate; the walk must agree with it on their
// number (ErrDisagreement otherwise).
//
// The reference server holds a client that promised 8 window bits to 9,
// because zlib silently used 9 for 8 (see its documentation); to model
// that, give NewInflater an agreement with 9 in place of 8.
type Inflater struct {
	takeover bool
	window   int
	limit    int
	history  []byte // under context takeover: the last window octets of earlier messages
	produced int    // under context takeover: how many octets the earlier messages inflated to
}

// flateReaders keeps compress/flate readers for reuse: each holds a 32 KiB
// window and its tables, too much to build for every message.
var flateReaders = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// NewInflater returns an Inflater for the client-to-server direction of a
// connection with the agreed parameters; limit bounds each inflated
// message. A window outside 8..15 is read as 15, a negative limit as 0.
func NewInflater(agreed PMDAgreement, limit int) *Inflater {
	bits := agreed.ClientMaxWindowBits
	if bits < MinWindowBits || bits > MaxWindowBits {
		bits = MaxWindowBits
	}
	return &Inflater{
		takeover: !agreed.ClientNoContextTakeover,
		window:   1 << bits,
		limit:    max(limit, 0),
	}
}

// Inflate returns the message that compressed (one message's payload as
// received, fragments joined, without the 00 00 ff ff tail) inflates to.
// The error matches ErrTooBig (ErrTooBig, *TooBigError) or ErrInvalid
// (*InvalidError, *WindowError), or both (*TooBigError), or is
// ErrDisagreement; compare with errors.Is. After an error the Inflater is
// as it was before the call.
func (in *Inflater) Inflate(compressed []byte) ([]byte, error) {
	data := make([]byte, 0, len(compressed)+len(syncTail))
	data = append(append(data, compressed...), syncTail...)
	walk := walkDeflate(data, in.produced, in.window, in.limit)
	var we *WindowError
	if errors.As(walk.err, &we) && !walk.tooBig {
		return nil, walk.err
	}

	msg, ferr := inflateWithFlate(data, in.history, min(walk.out, in.limit+1))
	switch {
	case walk.tooBig:
		if len(msg) <= in.limit {
			return nil, fmt.Errorf("%w: the walk passes the limit of %d octets, compress/flate stops at %d (%v)", ErrDisagreement, in.limit, len(msg), ferr)
		}
		if walk.err != nil {
			return nil, &TooBigError{Invalid: walk.err}
		}
		return nil, ErrTooBig
	case walk.err != nil:
		if ferr == nil || len(msg) > in.limit {
			return nil, fmt.Errorf("%w: %v, but compress/flate reads %d octets (%v)", ErrDisagreement, walk.err, len(msg), ferr)
		}
		return nil, walk.err
	}
	// The walk found the end: a final block (compress/flate stops there,
	// with no error) or the end of the input after a whole block
	// (compress/flate then wants another block header).
	wantErr := error(nil)
	if !walk.final {
		wantErr = io.ErrUnexpectedEOF
	}
	if len(msg) != walk.out || ferr != wantErr {
		return nil, fmt.Errorf("%w: the walk reads %d octets (final block %v), compress/flate %d (%v)", ErrDisagreement, walk.out, walk.final, len(msg), ferr)
	}
	if in.takeover {
		in.history = appendWindow(in.history, msg, in.window)
		in.produced = min(in.produced+len(msg), 1<<30)
	}
	return msg, nil
}

// inflateWithFlate inflates data with compress/flate, with dict as the
// octets before it, up to want octets, and returns them with the error
// that ended the stream (nil at the end of a final block,
// io.ErrUnexpectedEOF when the data ends without one).
func inflateWithFlate(data, dict []byte, want int) ([]byte, error) {
	fr := flateReaders.Get().(io.ReadCloser)
	defer flateReaders.Put(fr)
	if err := fr.(flate.Resetter).Reset(bytes.NewReader(data), dict); err != nil {
		return nil, err
	}
	// One octet more than asked shows whether the stream goes on.
	buf := bytes.NewBuffer(make([]byte, 0, want+1))
	_, err := buf.ReadFrom(io.LimitReader(fr, int64(want)+1))
	return buf.Bytes(), err
}

// appendWindow appends msg to history and keeps the last window octets.
func appendWindow(history, msg []byte, window int) []byte {
	if len(msg) >= window {
		return append(history[:0], msg[len(msg)-window:]...)
	}
	if drop := len(history) + len(msg) - window; drop > 0 {
		history = append(history[:0], history[drop:]...)
	}
	return append(history, msg...)
}
