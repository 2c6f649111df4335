package replay

import "sync"

// Cases that send the same messages under the same compression parameters
// send the same octets: Autobahn's compression cases send the same 1000
// slices of one data set in several cases (12.1.10 and 12.1.15 to
// 12.1.18 differ only in how the client fragments the compressed
// message, 13.1.* to 13.7.* only in what the server is asked for). When
// the client compresses each message on its own (no context takeover),
// the compressed form depends only on the message and the client's
// window, so it is computed once per run and shared by every case of the
// same Echo.Share. Sharing changes no octet on the wire; it only saves the
// client's time.
//
// The shared forms take at most sharedLimit octets, and one share at most
// half of that, so that the share whose cases are ending and the one whose
// cases are starting fit side by side. When a new form would pass the
// limit, the other shares used least recently are dropped whole; a share
// at its own limit keeps what it has and compresses the rest afresh. A
// message that does not compress (the form is as long as the message) is
// not kept: compressing it again costs little, keeping it as much as a
// message that does. A runner that starts the cases of one share close
// together (conform does) gets most messages compressed once.
//
// Two cases that need the same message at the same time compress it once:
// the second waits for the first's result.

// sharedLimit bounds the octets kept for sharing, shareLimit those of one
// share.
const (
	sharedLimit = 128 << 20
	shareLimit  = sharedLimit / 2
)

type sharedKey struct {
	share string
	index int
	bits  int
}

// sharedEntry is one compressed message, or the computation of one in
// progress (done open).
type sharedEntry struct {
	done chan struct{}
	z    []byte
	err  error
}

// shareUse is what a share holds, and when it was last used.
type shareUse struct {
	bytes int
	used  uint64
	keys  []sharedKey
}

var shared struct {
	mu     sync.Mutex
	m      map[sharedKey]*sharedEntry
	shares map[string]*shareUse
	bytes  int
	clock  uint64
}

// sharedCompressed returns the compressed form of message index of share,
// size octets long, under window bits, computing it with compress the
// first time. The result must not be modified.
func sharedCompressed(share string, index, size, bits int, compress func() ([]byte, error)) ([]byte, error) {
	k := sharedKey{share, index, bits}
	shared.mu.Lock()
	if shared.m == nil {
		shared.m, shared.shares = map[sharedKey]*sharedEntry{}, map[string]*shareUse{}
	}
	shareOf(share)
	if e, ok := shared.m[k]; ok {
		shared.mu.Unlock()
		<-e.done
		if e.err == nil {
			return e.z, nil
		}
		return compressCopy(compress)
	}
	e := &sharedEntry{done: make(chan struct{})}
	shared.m[k] = e
	shared.mu.Unlock()

	e.z, e.err = compressCopy(compress)
	shared.mu.Lock()
	switch {
	case e.err != nil:
		delete(shared.m, k)
	case len(e.z) >= size || !makeRoom(share, len(e.z)):
		delete(shared.m, k) // waiters still get e.z
	default:
		use := shareOf(share)
		use.bytes += len(e.z)
		use.keys = append(use.keys, k)
		shared.bytes += len(e.z)
	}
	shared.mu.Unlock()
	close(e.done)
	return e.z, e.err
}

// shareOf returns what share holds, marked as used now. It runs with
// shared.mu held.
func shareOf(share string) *shareUse {
	shared.clock++
	use := shared.shares[share]
	if use == nil {
		use = &shareUse{}
		shared.shares[share] = use
	}
	use.used = shared.clock
	return use
}

// compressCopy runs compress and copies its result, which the compressor
// may overwrite on its next call.
func compressCopy(compress func() ([]byte, error)) ([]byte, error) {
	z, err := compress()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), z...), nil
}

// makeRoom drops the shares used least recently, other than keep, until
// n more octets of keep fit under sharedLimit; it reports whether they fit
// (never when keep would pass shareLimit). It runs with shared.mu held.
func makeRoom(keep string, n int) bool {
	if u := shared.shares[keep]; u != nil && u.bytes+n > shareLimit {
		return false
	}
	for shared.bytes+n > sharedLimit {
		oldest := ""
		for name, u := range shared.shares {
			if name != keep && u.bytes > 0 && (oldest == "" || u.used < shared.shares[oldest].used) {
				oldest = name
			}
		}
		if oldest == "" {
			return false
		}
		u := shared.shares[oldest]
		for _, k := range u.keys {
			delete(shared.m, k)
		}
		shared.bytes -= u.bytes
		delete(shared.shares, oldest)
	}
	return true
}
