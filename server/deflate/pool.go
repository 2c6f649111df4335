package deflate

import (
	"sync"

	"github.com/klauspost/compress/flate"
)

// Pools let connections share the large state of compression and
// decompression while they are idle. A flate.Writer is about 0.8 to 1.4 MiB
// (hash tables plus history), a window up to 32 KiB, decode tables about
// 13 KiB. Without context takeover none of it is needed between messages, so
// a connection borrows it for one message and gives it back.

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// windowPool holds 32 KiB windows; smaller windows are slices of them.
var windowPool = sync.Pool{New: func() any { return new([1 << MaxWindowBits]byte) }}

func getWindow(bits int) []byte {
	return windowPool.Get().(*[1 << MaxWindowBits]byte)[:1<<bits]
}

func putWindow(w []byte) {
	if cap(w) == 1<<MaxWindowBits {
		windowPool.Put((*[1 << MaxWindowBits]byte)(w[:cap(w)]))
	}
}

// writerKey identifies interchangeable writers: same window, same level.
type writerKey struct {
	bits  int
	level int // a flate level
}

// pooledWriter is a flate.Writer bound for life to its own output buffer, so
// that lending it to a connection needs no Reset: a Reset costs little for
// the fast levels but clears 640 KiB of hash chains at levels 7 to 9.
type pooledWriter struct {
	w   *flate.Writer
	out appendWriter
}

// appendWriter is an io.Writer that appends to b.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// writerPools holds one pool per writerKey, created on first use.
var writerPools sync.Map // writerKey -> *sync.Pool

// getWriter returns a writer for key with no history and no dictionary.
func getWriter(key writerKey) *pooledWriter {
	if pw, ok := poolFor(key).Get().(*pooledWriter); ok {
		return pw
	}
	pw := new(pooledWriter)
	pw.w = newWriter(key, &pw.out)
	return pw
}

// putWriter empties pw (history, dictionary, output) and returns it to the
// pool for key.
func putWriter(key writerKey, pw *pooledWriter) {
	pw.out.b = nil
	pw.w.ResetDict(&pw.out, nil)
	poolFor(key).Put(pw)
}

func poolFor(key writerKey) *sync.Pool {
	if p, ok := writerPools.Load(key); ok {
		return p.(*sync.Pool)
	}
	p, _ := writerPools.LoadOrStore(key, new(sync.Pool))
	return p.(*sync.Pool)
}

// newWriter makes a writer to out that never refers further back than
// 2^bits octets. flate.NewWriter's levels 1-9 use the full 32 KiB window, so
// below 15 bits the custom-window encoder is used, whatever the level (it
// works like level 5); stored and Huffman-only output makes no
// back-references and fits every window.
func newWriter(key writerKey, out *appendWriter) *flate.Writer {
	var w *flate.Writer
	var err error
	if key.bits < MaxWindowBits && key.level > 0 {
		w, err = flate.NewWriterWindow(out, 1<<key.bits)
	} else {
		w, err = flate.NewWriter(out, key.level)
	}
	if err != nil {
		// Every key is built from a valid level and window; fall back to
		// the one writer that needs neither.
		w, _ = flate.NewWriter(out, flate.HuffmanOnly)
	}
	return w
}
