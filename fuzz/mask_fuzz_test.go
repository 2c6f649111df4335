package fuzz

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FuzzMask checks the masking fast paths (MaskBytes, MaskCopy) against the
// byte-wise definition (MaskBytesSlow) with checkMask. key is the masking
// key, big-endian (the order of its bytes on the wire); offset is the key
// offset at which masking starts, and also where the payload is cut in two
// to check that masking in pieces composes.
func FuzzMask(f *testing.F) {
	f.Fuzz(func(t *testing.T, payload []byte, key uint32, offset uint8) {
		checkMask(t, wire.MaskBytes, wire.MaskCopy, payload, key, offset)
	})
}

// checkMask is FuzzMask's property, over the in-place and copying fast
// paths under test:
//
//   - the fast path gives the same bytes and the same next offset as the
//     definition, from any start offset (pos is offset; only pos mod 4
//     matters);
//   - masking twice restores the payload (involution);
//   - masking payload[:cut] then payload[cut:] at the returned offset
//     equals masking the whole (cut is offset mod len+1);
//   - the copying form writes the same bytes to dst, leaves src unchanged
//     and writes nothing past len(src).
func checkMask(r reporter, fast func(key [4]byte, pos int, b []byte) int,
	maskCopy func(dst, src []byte, key [4]byte, pos int) int, payload []byte, key uint32, offset uint8) {
	r.Helper()
	var k [4]byte
	binary.BigEndian.PutUint32(k[:], key)
	pos := int(offset)

	want := bytes.Clone(payload)
	wantPos := wire.MaskBytesSlow(k, pos, want)

	got := bytes.Clone(payload)
	if p := fast(k, pos, got); p != wantPos || !bytes.Equal(got, want) {
		r.Errorf("mask(key %08x, pos %d, %x) = %x, next %d; want %x, next %d", key, pos, payload, got, p, want, wantPos)
		return
	}
	fast(k, pos, got)
	if !bytes.Equal(got, payload) {
		r.Errorf("masking %x twice (key %08x, pos %d) gave %x", payload, key, pos, got)
	}

	cut := pos % (len(payload) + 1)
	pieces := bytes.Clone(payload)
	next := fast(k, pos, pieces[:cut])
	if p := fast(k, next, pieces[cut:]); p != wantPos || !bytes.Equal(pieces, want) {
		r.Errorf("masking %x cut at %d (key %08x, pos %d) = %x, next %d; want %x, next %d", payload, cut, key, pos, pieces, p, want, wantPos)
	}

	const guard = 0xA5
	dst := bytes.Repeat([]byte{guard}, len(payload)+8)
	src := bytes.Clone(payload)
	p := maskCopy(dst, src, k, pos)
	if p != wantPos || !bytes.Equal(dst[:len(payload)], want) || !bytes.Equal(src, payload) {
		r.Errorf("maskCopy(key %08x, pos %d, %x) = %x, next %d, src now %x; want %x, next %d", key, pos, payload, dst[:len(payload)], p, src, want, wantPos)
	}
	if bytes.Count(dst[len(payload):], []byte{guard}) != 8 {
		r.Errorf("maskCopy of %d bytes wrote past them: %x", len(payload), dst[len(payload):])
	}
}
