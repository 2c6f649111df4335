// Package deflatebits writes raw DEFLATE streams (RFC 1951) bit by bit,
// for tests and seed corpora that need blocks no compressor writes: a
// back-reference at a chosen distance, codes of 15 bits, a block that ends
// in an odd place.
package deflatebits

// Writer accumulates a stream. The zero value is an empty stream.
type Writer struct {
	buf  []byte
	nbit int
}

// Bytes returns the stream so far; its last octet is padded with zero
// bits.
func (w *Writer) Bytes() []byte { return w.buf }

// Bits writes the n low bits of v, least significant first, as RFC 1951
// section 3.1.1 packs header fields and extra bits.
func (w *Writer) Bits(v uint32, n int) {
	for i := range n {
		if w.nbit%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		w.buf[len(w.buf)-1] |= byte(v>>i&1) << (w.nbit % 8)
		w.nbit++
	}
}

// Align pads the stream with zero bits to the next octet boundary, as a
// stored block's header is followed (section 3.2.4).
func (w *Writer) Align() {
	w.nbit = len(w.buf) * 8
}

// Code writes a Huffman code of n bits, most significant bit first.
func (w *Writer) Code(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.Bits(v>>i&1, 1)
	}
}

// The block types of RFC 1951 section 3.2.3.
const (
	Stored  = 0
	Fixed   = 1
	Dynamic = 2
)

// BlockHeader writes a block's BFINAL bit and type.
func (w *Writer) BlockHeader(final bool, kind uint32) {
	if final {
		w.Bits(1, 1)
	} else {
		w.Bits(0, 1)
	}
	w.Bits(kind, 2)
}

// FixedSymbol writes a literal/length symbol (0..287) of the fixed code
// (section 3.2.6).
func (w *Writer) FixedSymbol(s int) {
	switch {
	case s < 144:
		w.Code(uint32(0x30+s), 8)
	case s < 256:
		w.Code(uint32(0x190+s-144), 9)
	case s < 280:
		w.Code(uint32(s-256), 7)
	default:
		w.Code(uint32(0xC0+s-280), 8)
	}
}

// FixedLiterals writes each octet of s as a literal of the fixed code.
func (w *Writer) FixedLiterals(s string) {
	for i := range len(s) {
		w.FixedSymbol(int(s[i]))
	}
}

// FixedCopy3 writes, in the fixed code, a copy of 3 octets from distance
// (1..32768) octets back: length symbol 257, then the distance symbol and
// its extra bits (section 3.2.5).
func (w *Writer) FixedCopy3(distance int) {
	w.FixedSymbol(257)
	base, extra := 1, 0
	for sym := range 30 {
		if sym >= 4 {
			extra = (sym - 2) / 2
		}
		if distance < base+1<<extra {
			w.Code(uint32(sym), 5)
			w.Bits(uint32(distance-base), extra)
			return
		}
		base += 1 << extra
	}
}

// DynamicHeader writes the header of a non-final dynamic block whose
// literal/length code has the given lengths (257 symbols, 0 for unused)
// and whose distance code is empty. It sends the code lengths with a code
// length code that gives each of 0 to 15 four bits, so they appear as
// plain 4-bit numbers, and returns the canonical code of each symbol
// (section 3.2.2).
func (w *Writer) DynamicHeader(lengths [257]int) (codes [257]uint32) {
	w.BlockHeader(false, Dynamic)
	w.Bits(0, 5)  // 257 literal/length codes
	w.Bits(0, 5)  // 1 distance code
	w.Bits(15, 4) // 19 code length code lengths, in the order of section 3.2.7:
	for _, sym := range []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15} {
		if sym < 16 {
			w.Bits(4, 3)
		} else {
			w.Bits(0, 3)
		}
	}
	for _, n := range lengths {
		w.Code(uint32(n), 4)
	}
	w.Code(0, 4) // the one distance code length: 0, no distance codes
	var count, next [16]uint32
	for _, n := range lengths {
		count[n]++
	}
	count[0] = 0
	for n := 1; n < 16; n++ {
		next[n] = (next[n-1] + count[n-1]) << 1
	}
	for sym, n := range lengths {
		if n > 0 {
			codes[sym] = next[n]
			next[n]++
		}
	}
	return codes
}
