package server

// Sizes past which a message's work takes one of the server's heavy-work
// slots: reading a frame with more than heavyFrame octets still to come,
// reading on while the session holds more than heavyMessage octets of a
// message (fragments reassembled), and inflating a message past
// heavyFrame octets. Such work takes a millisecond or more; shorter
// messages are never held up, nor is a message of up to 1 MiB in one frame.
const (
	heavyFrame   = 1 << 20
	heavyMessage = 256 << 10
)

// heavySlots bound how many connections do heavy work at once: one less
// than the cores Go uses (at least one). Clients sending long messages, or
// compressed ones that inflate to much more (decompression bombs near the
// limit among them), then take at most that many cores between them, and
// leave one to everything else: a server flooded by 1000 connections each
// sending 16 MiB still echoes a small message in milliseconds, because
// only a few goroutines are runnable at a time instead of a thousand.
//
// A connection takes a slot for each read of a long message (between the
// read and the next write or wait, never while blocked on the client), and
// for the inflation and compression of a large message.
type heavySlots chan struct{}

func newHeavySlots(n int) heavySlots { return make(heavySlots, n) }

// slot is one connection's hold on its server's heavy-work slots: taking
// it twice, as a read of a long compressed message and its inflation do,
// takes one slot.
type slot struct {
	slots heavySlots
	held  bool
}

// take waits for a slot unless the connection holds one already; it
// reports whether it took one.
func (s *slot) take() bool {
	if s.held {
		return false
	}
	s.slots <- struct{}{}
	s.held = true
	return true
}

// give gives the slot back, if the connection holds one.
func (s *slot) give() {
	if s.held {
		s.held = false
		<-s.slots
	}
}

// pacedCodec is a connection's permessage-deflate codec whose large
// inflations take the connection's slot.
type pacedCodec struct {
	*deflateCodec
	slot *slot
}

// paced returns codec with its large inflations bound by s, or codec
// itself when it is not the codec Deflate makes.
func (s *slot) paced(codec MessageCodec) MessageCodec {
	if dc, ok := codec.(*deflateCodec); ok {
		return pacedCodec{dc, s}
	}
	return codec
}

// InflateFunc inflates as deflateCodec does, taking the slot once the
// message passes heavyFrame octets and keeping it to the end.
func (p pacedCodec) InflateFunc(compressed []byte, limit int64, yield func(piece []byte) error) (int64, error) {
	var n int64
	took := false
	defer func() {
		if took {
			p.slot.give()
		}
	}()
	return p.deflateCodec.InflateFunc(compressed, limit, func(piece []byte) error {
		n += int64(len(piece))
		if n > heavyFrame && !p.slot.held {
			took = p.slot.take()
		}
		return yield(piece)
	})
}
