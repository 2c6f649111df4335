package server

// largeInflation is the inflated size past which a message takes one of
// the server's inflation slots: a message this long takes a millisecond or
// more to inflate and compress again, a shorter one is never held up.
const largeInflation = 1 << 20

// inflateSlots bounds how many connections inflate large messages at once:
// one less than the cores Go uses (at least one), so that clients sending
// large compressed messages back to back, decompression bombs near the
// limit among them, leave a core to everything else. A connection past
// largeInflation octets waits for a slot, then inflates and compresses the
// rest of its message before it gives the slot back.
type inflateSlots chan struct{}

func newInflateSlots(n int) inflateSlots { return make(inflateSlots, n) }

// pacedCodec is a connection's permessage-deflate codec whose large
// inflations take one of the server's slots.
type pacedCodec struct {
	*deflateCodec
	slots inflateSlots
}

// pace returns codec with its large inflations bound by slots, or codec
// itself when it is not the codec Deflate makes.
func (slots inflateSlots) pace(codec MessageCodec) MessageCodec {
	if dc, ok := codec.(*deflateCodec); ok {
		return pacedCodec{dc, slots}
	}
	return codec
}

// InflateFunc inflates as deflateCodec does, taking a slot once the
// message passes largeInflation octets and keeping it to the end.
func (p pacedCodec) InflateFunc(compressed []byte, limit int64, yield func(piece []byte) error) (int64, error) {
	var n int64
	slot := false
	defer func() {
		if slot {
			<-p.slots
		}
	}()
	return p.deflateCodec.InflateFunc(compressed, limit, func(piece []byte) error {
		n += int64(len(piece))
		if !slot && n > largeInflation {
			p.slots <- struct{}{}
			slot = true
		}
		return yield(piece)
	})
}
