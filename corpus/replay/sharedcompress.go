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
// seven eighths of that, so that the largest share (1000 messages of
// 128 KiB of the PDF data: 109 MiB) is kept whole while the first forms of
// the share whose cases start next still fit beside it. When a new form
// would pass the
// limit, the other shares used least recently are dropped whole; a share
// at its own limit keeps what it has and compresses the rest afresh. A
// message that does not compress (the form is as long as the message) is
// not kept: compressing it again costs little, keeping it as much as a
// message that does. A runner that starts the cases of one share close
// together (conform does) gets most messages compressed once.
//
// Two cases that need the same message at the same time compress it once:
// the second waits for the first's result.

// sharedLimit bounds the octets kept for sharing in a process.
const sharedLimit = 128 << 20

// shared holds the compressed forms every session shares.
var shared = newSharedForms(sharedLimit)

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

// sharedForms is a store of compressed forms: limit octets in all, seven
// eighths of that for one share.
type sharedForms struct {
	limit, shareLimit int

	mu     sync.Mutex
	m      map[sharedKey]*sharedEntry
	shares map[string]*shareUse
	bytes  int
	clock  uint64
}

func newSharedForms(limit int) *sharedForms {
	return &sharedForms{limit: limit, shareLimit: limit - limit/8, m: map[sharedKey]*sharedEntry{}, shares: map[string]*shareUse{}}
}

// sharedCompressed returns the compressed form of message index of share,
// size octets long, under window bits, computing it with compress the
// first time. The result must not be modified.
func sharedCompressed(share string, index, size, bits int, compress func() ([]byte, error)) ([]byte, error) {
	return shared.get(sharedKey{share, index, bits}, size, compress)
}

// get returns the form of k, a message of size octets, computing it with
// compress unless it is kept or being computed.
func (f *sharedForms) get(k sharedKey, size int, compress func() ([]byte, error)) ([]byte, error) {
	f.mu.Lock()
	f.use(k.share)
	if e, ok := f.m[k]; ok {
		f.mu.Unlock()
		<-e.done
		if e.err == nil {
			return e.z, nil
		}
		return compressCopy(compress)
	}
	e := &sharedEntry{done: make(chan struct{})}
	f.m[k] = e
	f.mu.Unlock()

	e.z, e.err = compressCopy(compress)
	f.mu.Lock()
	switch {
	case f.m[k] != e: // forgotten meanwhile
	case e.err != nil:
		delete(f.m, k)
	case len(e.z) >= size || !f.makeRoom(k.share, len(e.z)):
		delete(f.m, k) // waiters still get e.z
	default:
		u := f.use(k.share)
		u.bytes += len(e.z)
		u.keys = append(u.keys, k)
		f.bytes += len(e.z)
	}
	f.mu.Unlock()
	close(e.done)
	return e.z, e.err
}

// use returns what share holds, marked as used now. It runs with f.mu
// held.
func (f *sharedForms) use(share string) *shareUse {
	f.clock++
	u := f.shares[share]
	if u == nil {
		u = &shareUse{}
		f.shares[share] = u
	}
	u.used = f.clock
	return u
}

// ForgetShared lets go of what the sessions of this process share: the
// compressed forms of messages (up to 128 MiB) and the echoes known to
// have been checked. A runner calls it once its cases are done; cases that
// run later, or still run, compress and check afresh what they need.
func ForgetShared() {
	shared.forget()
	forgetKnownEchoes()
}

// ForgetShare lets go of the compressed forms of share's messages, once
// the cases that send them are done.
func ForgetShare(share string) { shared.forgetShare(share) }

// forgetShare drops the forms of share.
func (f *sharedForms) forgetShare(share string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drop(share)
}

// drop drops the forms of share; it runs with f.mu held.
func (f *sharedForms) drop(share string) {
	u := f.shares[share]
	if u == nil {
		return
	}
	for _, k := range u.keys {
		delete(f.m, k)
	}
	f.bytes -= u.bytes
	delete(f.shares, share)
}

// forget drops every form kept; computations in progress complete
// without keeping theirs.
func (f *sharedForms) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m, f.shares, f.bytes = map[sharedKey]*sharedEntry{}, map[string]*shareUse{}, 0
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
// n more octets of keep fit under the limit; it reports whether they fit
// (never when keep would pass its own limit). It runs with f.mu held.
func (f *sharedForms) makeRoom(keep string, n int) bool {
	if u := f.shares[keep]; u != nil && u.bytes+n > f.shareLimit {
		return false
	}
	for f.bytes+n > f.limit {
		var oldest *shareUse
		name := ""
		for s, u := range f.shares {
			if s != keep && u.bytes > 0 && (oldest == nil || u.used < oldest.used) {
				oldest, name = u, s
			}
		}
		if oldest == nil {
			return false
		}
		f.drop(name)
	}
	return true
}
