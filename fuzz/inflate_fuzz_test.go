package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/wsfuzz/wsfuzz/oracle"
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
//   - what it accepts as a whole message, compress/flate inflates without
//     error to the same bytes: the message, the 00 00 ff ff tail RFC 7692
//     section 7.2.2 appends, and a final empty stored block (01 00 00 ff
//     ff), which ends the stream for compress/flate when the message ended
//     after a whole block, and is never reached when it ended with a final
//     block;
//   - and the reverse, with the rules compress/flate does not know: it
//     gives the same verdict and bytes as oracle.Inflater (compress/flate
//     for the bytes, its own reading of RFC 1951 for where a message may
//     end and how far back it may refer): the same bytes when the oracle
//     accepts, ErrTooLarge only when the oracle says too big, an
//     ErrCorrupt only when it says invalid (a message too big and invalid
//     further on may get either).
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

	if err == nil {
		in := append(append(bytes.Clone(compressed), syncTail...), finalEmptyBlock...)
		ref, refErr := inflateWithFlate(in, limit)
		if refErr != nil || !bytes.Equal(ref, out) {
			r.Errorf("inflate(%x) = %x, compress/flate gives %x (%v)", clip(compressed), clip(out), clip(ref), refErr)
		}
	}

	want, wantErr := oracle.NewInflater(inflateAgreement, limit).Inflate(compressed)
	switch {
	case errors.Is(wantErr, oracle.ErrDisagreement):
		r.Errorf("inflate(%x): %v", clip(compressed), wantErr)
	case wantErr == nil && (err != nil || !bytes.Equal(out, want)):
		r.Errorf("inflate(%x) = %x (%v), the oracle gives %x", clip(compressed), clip(out), err, clip(want))
	case wantErr != nil && err == nil:
		r.Errorf("inflate(%x) = %x, the oracle says %v", clip(compressed), clip(out), wantErr)
	case err == deflate.ErrTooLarge && !errors.Is(wantErr, oracle.ErrTooBig):
		r.Errorf("inflate(%x): too large, the oracle says %v", clip(compressed), wantErr)
	case errors.Is(err, deflate.ErrCorrupt) && !errors.Is(wantErr, oracle.ErrInvalid):
		r.Errorf("inflate(%x): %v, the oracle says %v", clip(compressed), err, wantErr)
	}
}

// inflateAgreement is what FuzzInflate's decompressor was made for, as
// the oracle reads it: no context takeover from the client, 32 KiB window.
var inflateAgreement = oracle.PMDAgreement{ClientNoContextTakeover: true, ClientMaxWindowBits: oracle.MaxWindowBits}

// finalEmptyBlock is an empty stored block marked final: BFINAL 1, BTYPE
// 00, then LEN 0 and NLEN ffff.
var finalEmptyBlock = []byte{0x01, 0x00, 0x00, 0xFF, 0xFF}
