package replay

import (
	"bytes"
	"crypto/sha256"
	"sync"
)

// Inflating the server's echoes is the client's largest cost in the
// compression cases, and much of it is repeated: the server answers the
// same messages with the same octets in several cases. 12.1.10 and
// 12.1.15 to 12.1.18 send the same 1000 messages, fragmented differently,
// and a server that reassembles and compresses whole messages sends the
// same compressed echoes in all five; 13.1.* repeats 12.1.* under the same
// offer.
//
// A compressed payload inflates to the same octets whenever the inflater
// starts from the same window (the dictionary context takeover keeps). So
// once an echo was inflated and found to be message i of its Echo.Share,
// as the case requires (same type, same octets, valid UTF-8 for text), the
// same compressed octets arriving on the same window are message i again:
// the client need not inflate them a second time. Payloads and windows are
// compared by their SHA-256 digests; an echo that differs in any octet,
// or arrives on another window, is inflated and checked in full. The
// verdicts are those of inflating every echo.
//
// Only messages of at least knownEchoMin octets are remembered: for
// shorter ones hashing the window costs about what inflating does. At most
// knownEchoLimit echoes are remembered in a process.

const (
	knownEchoMin   = 16 << 10
	knownEchoLimit = 1 << 17
)

// knownEchoKey identifies an echo: the message it should be, the window it
// is inflated on and its compressed payload.
type knownEchoKey struct {
	share  string
	index  int
	binary bool
	// The window: the last 32 KiB of message windowOf of the share, or
	// (windowOf -1) the window's digest, zero for an empty window.
	windowOf int
	window   [sha256.Size]byte
	payload  [sha256.Size]byte
}

// knownEcho is a remembered echo, or its check in progress (done open).
type knownEcho struct {
	done chan struct{}
	ok   bool
}

var knownEchoes struct {
	mu sync.Mutex
	m  map[knownEchoKey]*knownEcho
}

// forgetKnownEchoes drops the echoes checked; checks in progress end
// unremembered.
func forgetKnownEchoes() {
	knownEchoes.mu.Lock()
	knownEchoes.m = nil
	knownEchoes.mu.Unlock()
}

// lookupEcho reports whether the echo k is known to be its message. When
// it is not, settle must be called once the caller has checked the echo,
// with whether it was the message; a second session meeting the same echo
// meanwhile waits for that check instead of repeating it.
func lookupEcho(k knownEchoKey) (known bool, settle func(ok bool)) {
	knownEchoes.mu.Lock()
	if knownEchoes.m == nil {
		knownEchoes.m = map[knownEchoKey]*knownEcho{}
	}
	if e, ok := knownEchoes.m[k]; ok {
		knownEchoes.mu.Unlock()
		<-e.done
		return e.ok, func(bool) {}
	}
	if len(knownEchoes.m) >= knownEchoLimit {
		knownEchoes.mu.Unlock()
		return false, func(bool) {}
	}
	e := &knownEcho{done: make(chan struct{})}
	knownEchoes.m[k] = e
	knownEchoes.mu.Unlock()
	return false, func(ok bool) {
		if !ok {
			knownEchoes.mu.Lock()
			if knownEchoes.m[k] == e {
				delete(knownEchoes.m, k)
			}
			knownEchoes.mu.Unlock()
		}
		e.ok = ok
		close(e.done)
	}
}

// inflateEcho returns the message a compressed echo carries: the message
// awaited when the same octets on the same window were found to be it
// before, else what inflateMessage makes of them.
func (s *session) inflateEcho(z []byte) []byte {
	st := s.echo
	e := st.e
	windowOf := st.windowOf
	st.windowOf = -1
	if st.done || st.want == nil || !e.CheckContent || e.Share == "" || len(st.want) < knownEchoMin {
		return s.inflateMessage(z)
	}
	k := knownEchoKey{share: e.Share, index: st.sent - 1, binary: s.binary, windowOf: -1, payload: sha256.Sum256(z)}
	switch {
	case !s.deflate.takesOver():
	case windowOf >= 0:
		k.windowOf = windowOf
	default:
		k.window = s.deflate.windowDigest()
	}
	known, settle := lookupEcho(k)
	msg := st.want
	if known {
		s.deflate.remember(msg)
	} else {
		msg = s.inflateMessage(z)
		known = !s.obs.Closing.FailedByMe && s.binary == e.Binary && bytes.Equal(msg, st.want)
		settle(known)
	}
	if known && len(msg) >= windowSize {
		// The window of the next message is this one's end.
		st.windowOf = k.index
	}
	return msg
}
