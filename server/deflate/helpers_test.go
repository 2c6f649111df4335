package deflate

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// textLike returns n octets of deterministic JSON-ish chat traffic: the kind
// of payload permessage-deflate is used for.
func textLike(seed uint64, n int) []byte {
	words := strings.Fields(`the a of to and in is it you that he was for on are with as I his they
		be at one have this from or had by hot word but what some we can out other were all there
		when up use your how said an each she which do their time if will way about many then them
		write would like so these her long make thing see him two has look more day could go come`)
	keys := []string{"user", "text", "room", "ts", "id", "reply_to", "mentions"}
	r := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(`{"`)
		b.WriteString(keys[r.IntN(len(keys))])
		b.WriteString(`":"`)
		for range 3 + r.IntN(12) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString(`","ts":`)
		b.WriteString(strconv.Itoa(1700000000 + r.IntN(1000000)))
		b.WriteString("}\n")
	}
	return []byte(b.String()[:n])
}

// random returns n incompressible octets.
func random(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 11))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// bitWriter builds DEFLATE streams by hand for tests: fields are packed
// least significant bit first, Huffman codes most significant bit first.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.n
	w.n += n
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

func (w *bitWriter) code(c uint32, n uint) {
	w.bits(uint64(bits.Reverse32(c)>>(32-n)), n)
}

func (w *bitWriter) align() {
	if w.n > 0 {
		w.bits(0, 8-w.n)
	}
}

func (w *bitWriter) bytes() []byte {
	out := append([]byte(nil), w.buf...)
	if w.n > 0 {
		out = append(out, byte(w.acc))
	}
	return out
}

// Fixed Huffman codes (RFC 1951 section 3.2.6).

func (w *bitWriter) fixedHeader(final bool) {
	w.bits(uint64(b2u(final)), 1)
	w.bits(1, 2)
}

func (w *bitWriter) fixedLiteral(c byte) {
	if c < 144 {
		w.code(0x30+uint32(c), 8)
	} else {
		w.code(0x190+uint32(c)-144, 9)
	}
}

func (w *bitWriter) fixedSymbol(s int) {
	switch {
	case s < 256:
		w.fixedLiteral(byte(s))
	case s < 280:
		w.code(uint32(s-256), 7)
	default:
		w.code(0xc0+uint32(s-280), 8)
	}
}

func (w *bitWriter) fixedEnd() { w.fixedSymbol(256) }

// fixedMatch writes a length/distance pair.
func (w *bitWriter) fixedMatch(length, dist int) {
	s := 28
	for int(lengthBase[s]) > length {
		s--
	}
	if length == 258 {
		s = 28
	}
	w.fixedSymbol(257 + s)
	w.bits(uint64(length-int(lengthBase[s])), uint(lengthExtra[s]))
	d := 29
	for int(distBase[d]) > dist {
		d--
	}
	w.code(uint32(d), 5)
	w.bits(uint64(dist-int(distBase[d])), uint(distExtra[d]))
}

// stored writes a stored block.
func (w *bitWriter) stored(final bool, data []byte) {
	w.bits(uint64(b2u(final)), 1)
	w.bits(0, 2)
	w.align()
	w.bits(uint64(len(data)), 16)
	w.bits(uint64(^len(data)&0xffff), 16)
	for _, c := range data {
		w.bits(uint64(c), 8)
	}
}

// syncEnd ends a message the way RFC 7692 expects: the header bits of an
// empty stored block, whose LEN and NLEN the receiver adds back.
func (w *bitWriter) syncEnd() {
	w.bits(0, 3)
}

func b2u(b bool) uint {
	if b {
		return 1
	}
	return 0
}
