package fuzz

// deflateBits writes a raw DEFLATE stream bit by bit (RFC 1951 section
// 3.1.1), for seeds that need blocks compress/flate never writes.
type deflateBits struct {
	buf  []byte
	nbit int
}

// put writes the n low bits of v, least significant first.
func (b *deflateBits) put(v uint32, n int) {
	for i := range n {
		if b.nbit%8 == 0 {
			b.buf = append(b.buf, 0)
		}
		b.buf[len(b.buf)-1] |= byte(v>>i&1) << (b.nbit % 8)
		b.nbit++
	}
}

// code writes a Huffman code of n bits, most significant first.
func (b *deflateBits) code(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		b.put(v>>i&1, 1)
	}
}

// dynamicHeader starts a non-final dynamic block whose literal/length code
// has the given lengths (257 symbols, 0 for unused) and whose distance code
// is empty. It sends every code length with the code length code that gives
// each of 0 to 15 four bits, so the lengths appear as plain 4-bit numbers,
// and returns the canonical code of each symbol.
func (b *deflateBits) dynamicHeader(lengths [257]int) (codes [257]uint32) {
	b.put(0, 1)  // not final
	b.put(2, 2)  // dynamic
	b.put(0, 5)  // 257 literal/length codes
	b.put(0, 5)  // 1 distance code
	b.put(15, 4) // 19 code length code lengths, in the order of section 3.2.7:
	for _, sym := range []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15} {
		if sym < 16 {
			b.put(4, 3)
		} else {
			b.put(0, 3)
		}
	}
	for _, n := range lengths {
		b.code(uint32(n), 4)
	}
	b.code(0, 4) // the distance code's one length: 0, no distance codes
	// Canonical codes (section 3.2.2).
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

// longCodeLengths is a complete literal/length code whose end-of-block
// code is the longest one, maxLen bits, all ones: 'a' has the 1-bit code
// 0, then "b", "c", ... one each of 2 to maxLen-1 bits, and 255 and the
// end of block maxLen bits each.
func longCodeLengths(maxLen int) [257]int {
	var lengths [257]int
	lengths['a'] = 1
	for n := 2; n < maxLen; n++ {
		lengths['a'+n-1] = n
	}
	lengths[255], lengths[256] = maxLen, maxLen
	return lengths
}

// longCodesMessage is a message in one dynamic block whose codes reach
// 15 bits: "abcn" and the end of block, then the header bits of an empty
// stored block. It inflates to "abcn" ('n' has 14 bits).
func longCodesMessage() []byte {
	var b deflateBits
	lengths := longCodeLengths(15)
	codes := b.dynamicHeader(lengths)
	for _, c := range "abc" + string(rune('a'+13)) {
		b.code(codes[c], lengths[c])
	}
	b.code(codes[256], 15)
	b.put(0, 3) // an empty stored block follows; the tail completes it
	return b.buf
}

// endOfBlockInTailMessage is a message that is only the header of a
// dynamic block: the 00 00 ff ff tail then decodes as 'a's (the 16 zero
// bits) and the end-of-block code (maxLen ones), which leaves 16-maxLen
// bits of the tail: fewer than a block header's 3 for maxLen 14 or 15. A
// strict receiver must refuse it (the message does not end after a whole
// block); compress/flate, asked for more data, cannot tell.
func endOfBlockInTailMessage(maxLen int) []byte {
	var b deflateBits
	b.dynamicHeader(longCodeLengths(maxLen))
	return b.buf
}

// degenerateCodeMessage is a dynamic block whose literal/length code has
// one code, the end of block as the 1-bit code 0, which zlib and
// compress/flate accept although it is incomplete; the block then sends
// the bit 1, which no code starts, and eight octets more so that a decoder
// meets it with plenty of input left. The message is invalid.
func degenerateCodeMessage() []byte {
	var b deflateBits
	var lengths [257]int
	lengths[256] = 1
	b.dynamicHeader(lengths)
	b.put(1, 1)
	return append(b.buf, make([]byte, 8)...)
}

// fixedSymbol writes a literal/length symbol of the fixed code (section
// 3.2.6).
func (b *deflateBits) fixedSymbol(s int) {
	switch {
	case s < 144:
		b.code(uint32(0x30+s), 8)
	case s < 256:
		b.code(uint32(0x190+s-144), 9)
	case s < 280:
		b.code(uint32(s-256), 7)
	default:
		b.code(uint32(0xC0+s-280), 8)
	}
}

// copyMessage is a message in one fixed-code block: the literals, then a
// copy of 3 octets from distance octets back, then the end of block and
// the header bits of an empty stored block.
func copyMessage(literals string, distance int) []byte {
	var b deflateBits
	b.put(0, 1) // not final
	b.put(1, 2) // fixed code
	for i := range len(literals) {
		b.fixedSymbol(int(literals[i]))
	}
	b.fixedSymbol(257) // length 3
	// Distance codes 0..29: base values and extra bits (section 3.2.5).
	base, extra := 1, 0
	for sym := 0; sym < 30; sym++ {
		if sym >= 4 {
			extra = (sym - 2) / 2
		}
		if distance < base+1<<extra {
			b.code(uint32(sym), 5)
			b.put(uint32(distance-base), extra)
			break
		}
		base += 1 << extra
	}
	b.fixedSymbol(256)
	b.put(0, 3)
	return b.buf
}
