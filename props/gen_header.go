package props

import (
	"math"
	"math/rand"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// LengthBoundaries are the payload lengths where the header encoding
// changes or its fields overflow: the 7-bit form ends at 125, the 16-bit
// form covers 126..65535, the 64-bit form starts at 65536 and ends at
// 2^63-1 (the most significant bit must be 0). Sorted ascending.
var LengthBoundaries = []int64{
	0, 1, 2, 124, 125, 126, 127, 128, 255, 256,
	65534, 65535, 65536, 65537,
	1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1 << 53, 1 << 62,
	math.MaxInt64 - 1, math.MaxInt64,
}

// hugeLengths are the boundaries above what a test can materialize.
var hugeLengths = LengthBoundaries[14:]

// Length generates payload lengths concentrated where encoders break:
// about 45% are the boundaries 0, 1, 2, 124..128, 255, 256 and
// 65534..65537, 25% are small (0..130), 15% fall anywhere in the 16-bit
// form and just past it, 10% are huge (2^31 up to 2^63-1) and 5% are
// uniform over 0..2^63-1. It shrinks towards 0 through LengthBoundaries,
// so a boundary bug shrinks to the boundary itself.
func Length() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randLength(p.Rng), shrinker(lengthCands))
	}
}

func randLength(r *rand.Rand) int64 {
	switch x := r.Intn(100); {
	case x < 45:
		return LengthBoundaries[r.Intn(14)]
	case x < 70:
		return int64(r.Intn(131))
	case x < 85:
		return 126 + r.Int63n(65536-126+64)
	case x < 95:
		return hugeLengths[r.Intn(len(hugeLengths))]
	default:
		return r.Int63()
	}
}

func lengthCands(v int64) cands[int64] { return int64Cands(v, LengthBoundaries) }

// definedOpcodes are the opcodes RFC 6455 gives a meaning.
var definedOpcodes = []wire.Opcode{wire.OpContinuation, wire.OpText, wire.OpBinary, wire.OpClose, wire.OpPing, wire.OpPong}

// randOpcode favours the defined opcodes (70%) but draws every one of the
// sixteen.
func randOpcode(r *rand.Rand) wire.Opcode {
	if r.Intn(10) < 7 {
		return definedOpcodes[r.Intn(len(definedOpcodes))]
	}
	return wire.Opcode(r.Intn(16))
}

// randRsv is 0 half of the time, otherwise any of the seven non-zero
// combinations of RSV1..RSV3.
func randRsv(r *rand.Rand) byte {
	if r.Intn(2) == 0 {
		return 0
	}
	return byte(1 + r.Intn(7))
}

// MaskKey generates masking keys: all zero (masking is then the identity,
// which hides bugs) 10% of the time, one byte repeated (which hides offset
// bugs) 10%, otherwise four random bytes. It shrinks towards the zero key
// one byte at a time, and each byte one bit at a time; a key whose first
// bytes are zero shifts towards its first byte.
func MaskKey() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randKey(p.Rng), shrinker(keyCands))
	}
}

func randKey(r *rand.Rand) (k [4]byte) {
	switch r.Intn(10) {
	case 0:
	case 1:
		b := byte(r.Intn(256))
		k = [4]byte{b, b, b, b}
	default:
		r.Read(k[:])
	}
	return k
}

func keyCands(k [4]byte) cands[[4]byte] {
	if k == ([4]byte{}) {
		return none[[4]byte]()
	}
	var xs []cands[[4]byte]
	xs = append(xs, list([4]byte{}))
	if k[0] == 0 {
		// Move the key towards its first byte, so that a bug that needs
		// one non-zero key byte shows on the shortest payload.
		xs = append(xs, list([4]byte{k[1], k[2], k[3], 0}))
	}
	for i := range k {
		xs = append(xs, mapc(byteCands(k[i]), func(b byte) [4]byte { c := k; c[i] = b; return c }))
	}
	return concat(xs...)
}

// Header generates frame headers over the whole header space: all sixteen
// opcodes (the defined ones favoured), all eight RSV combinations (none
// half of the time), FIN set or not, masked or not (with a key from
// MaskKey; unmasked headers have a zero key, as a decoder returns them), and
// a length from Length. Headers are not checked against any rule: a header
// with a reserved opcode or a fragmented ping is a header all the same.
//
// It shrinks towards {Fin: true, OpCode: continuation, Length: 0}, unmasked,
// with no RSV bits: the length first (through the boundaries), then RSV,
// opcode, masking, key and FIN.
func Header() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		h := wire.Header{
			Fin:    r.Intn(4) != 0,
			Rsv:    randRsv(r),
			OpCode: randOpcode(r),
			Masked: r.Intn(2) == 0,
			Length: randLength(r),
		}
		if h.Masked {
			h.Mask = randKey(r)
		}
		return gopter.NewGenResult(h, shrinker(headerCands))
	}
}

func headerCands(h wire.Header) cands[wire.Header] {
	with := func(f func(*wire.Header)) wire.Header { c := h; f(&c); return c }
	var simple []wire.Header
	if h.Rsv != 0 {
		simple = append(simple, with(func(c *wire.Header) { c.Rsv = 0 }))
		for _, bit := range []byte{wire.Rsv1, wire.Rsv2, wire.Rsv3} {
			if h.Rsv&bit != 0 && h.Rsv != bit {
				simple = append(simple, with(func(c *wire.Header) { c.Rsv &^= bit }))
			}
		}
	}
	for op := range h.OpCode {
		simple = append(simple, with(func(c *wire.Header) { c.OpCode = op }))
	}
	if h.Masked {
		simple = append(simple, with(func(c *wire.Header) { c.Masked, c.Mask = false, [4]byte{} }))
	}
	if !h.Fin {
		simple = append(simple, with(func(c *wire.Header) { c.Fin = true }))
	}
	return concat(
		mapc(lengthCands(h.Length), func(n int64) wire.Header { return with(func(c *wire.Header) { c.Length = n }) }),
		list(simple...),
		mapc(keyCands(h.Mask), func(k [4]byte) wire.Header { return with(func(c *wire.Header) { c.Mask = k }) }),
	)
}

// HeaderBytes generates byte strings for a header decoder: 40% are a
// Header's encoding with one to three bytes changed or a bit flipped, 20%
// spell a length in a non-minimal form (a 16-bit length under 126, a 64-bit
// length under 65536) or with the most significant bit set, 20% are cut
// short, and 20% are random bytes (0..16 of them). Any of them may be
// followed by a few bytes of payload. They shrink by dropping bytes, then
// by zeroing bytes or clearing their bits one at a time, which keeps a
// header's structure while removing its flags.
func HeaderBytes() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randHeaderBytes(p.Rng), shrinker(bytesCands))
	}
}

func randHeaderBytes(r *rand.Rand) []byte {
	h := wire.Header{Fin: r.Intn(2) == 0, Rsv: randRsv(r), OpCode: randOpcode(r), Masked: r.Intn(2) == 0, Length: randLength(r)}
	if h.Masked {
		h.Mask = randKey(r)
	}
	var b []byte
	switch x := r.Intn(10); {
	case x < 4:
		b = wire.AppendHeader(nil, h)
		for range 1 + r.Intn(3) {
			i := r.Intn(len(b))
			if r.Intn(2) == 0 {
				b[i] ^= 1 << r.Intn(8)
			} else {
				b[i] = byte(r.Intn(256))
			}
		}
	case x < 6:
		b0 := byte(h.OpCode) | h.Rsv<<4
		if h.Fin {
			b0 |= 0x80
		}
		var mask byte
		if h.Masked {
			mask = 0x80
		}
		switch r.Intn(3) {
		case 0: // 16-bit form of a 7-bit length
			n := r.Intn(126)
			b = []byte{b0, mask | 126, byte(n >> 8), byte(n)}
		case 1: // 64-bit form of a length that fits 16 bits
			n := uint64(r.Intn(65536))
			b = []byte{b0, mask | 127}
			for s := 56; s >= 0; s -= 8 {
				b = append(b, byte(n>>s))
			}
		default: // 64-bit length with its most significant bit set
			n := uint64(r.Int63()) | 1<<63
			b = []byte{b0, mask | 127}
			for s := 56; s >= 0; s -= 8 {
				b = append(b, byte(n>>s))
			}
		}
		if h.Masked {
			b = append(b, h.Mask[:]...)
		}
	case x < 8:
		b = wire.AppendHeader(nil, h)
		b = b[:r.Intn(len(b))]
	default:
		b = make([]byte, r.Intn(17))
		r.Read(b)
	}
	if r.Intn(2) == 0 {
		tail := make([]byte, r.Intn(6))
		r.Read(tail)
		b = append(b, tail...)
	}
	return b
}
