package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// inflateLimit is the output limit FuzzInflate gives the decompressor:
// small, so that a bomb costs little per run (the decompressor and the
// reference both inflate up to it; at 64 KiB a run cost several times the
// engine's own time per input), and reachable, since a dozen compressed
// bytes inflate past it. The limit code does not depend on its size.
const inflateLimit = 4 << 10

// FuzzInflate inflates one compressed message payload (as received,
// without the 00 00 ff ff tail) and checks it with checkInflate. The
// decompressor is made for parameters without client context takeover, so
// each run starts from an empty window taken from the package's pool.
func FuzzInflate(f *testing.F) {
	p := deflate.Params{ClientNoContextTakeover: true}
	f.Fuzz(func(t *testing.T, compressed []byte) {
		checkInflate(t, deflate.NewDecompressor(p).Inflate, compressed, inflateLimit)
	})
}

// checkInflate is FuzzInflate's property, over the inflate function under
// test:
//
//   - it never returns more than limit bytes beyond dst, and on error it
//     returns dst unchanged;
//   - its only errors are deflate.ErrTooLarge and errors matching
//     deflate.ErrCorrupt;
//   - what it accepts, compress/flate inflates to the same bytes (the
//     decompressor is stricter than compress/flate, never looser);
//   - when it says too large, compress/flate produces more than limit bytes;
//   - when compress/flate inflates the message cleanly to at most limit
//     bytes, ending on a block boundary (the tail is followed by a final
//     empty stored block that must then be read as such), it accepts the
//     message and gives the same bytes.
func checkInflate(r reporter, inflate func(dst, compressed []byte, limit int64) ([]byte, error), compressed []byte, limit int) {
	r.Helper()
	dst := []byte("prefix")
	out, err := inflate(dst[:len(dst):len(dst)], compressed, int64(limit))
	if len(out) < len(dst) || !bytes.Equal(out[:len(dst)], dst) {
		r.Errorf("inflate(%x) did not append to dst: %x", clip(compressed), clip(out))
		return
	}
	out = out[len(dst):]
	if len(out) > limit {
		r.Errorf("inflate(%x) gave %d bytes, limit %d", clip(compressed), len(out), limit)
	}
	if err != nil && len(out) != 0 {
		r.Errorf("inflate(%x) failed (%v) but changed dst", clip(compressed), err)
	}
	if err != nil && err != deflate.ErrTooLarge && !errors.Is(err, deflate.ErrCorrupt) {
		r.Errorf("inflate(%x): unexpected error %v", clip(compressed), err)
	}

	// The reference reads the message, its tail and a final empty stored
	// block (01 00 00 ff ff), at most limit+1 bytes. The message ended on
	// a block boundary when those five bytes read as that block: cleanly,
	// and adding nothing to the output of the message and tail alone.
	in := append(append(bytes.Clone(compressed), syncTail...), 0x01, 0x00, 0x00, 0xFF, 0xFF)
	ref, refErr := inflateWithFlate(in, limit)
	switch {
	case err == nil && !bytes.HasPrefix(ref, out):
		r.Errorf("inflate(%x) = %x, compress/flate gives %x", clip(compressed), clip(out), clip(ref))
	case err == nil && len(ref) > len(out):
		r.Errorf("inflate(%x) = %d bytes, compress/flate gives more: %x", clip(compressed), len(out), clip(ref[len(out):]))
	case err == deflate.ErrTooLarge && len(ref) <= limit:
		r.Errorf("inflate(%x) too large, compress/flate gives %d bytes (%v)", clip(compressed), len(ref), refErr)
	case err != nil && err != deflate.ErrTooLarge && refErr == nil && len(ref) <= limit:
		if alone, _ := inflateWithFlate(in[:len(in)-5], limit); len(alone) == len(ref) {
			r.Errorf("inflate(%x): %v, but compress/flate inflates it cleanly to %x", clip(compressed), err, clip(ref))
		}
	}
}
