package deflate

import "math/bits"

// DEFLATE (RFC 1951 section 3.2.2) describes each Huffman code only by the
// code length of every symbol; the codes themselves are "canonical": shorter
// codes sort before longer ones, and codes of one length are consecutive in
// symbol order. Codes are sent most significant bit first, while every other
// field is packed least significant bit first, so a decoder that peeks at the
// low bits of its bit buffer sees each code reversed.
//
// A decode table maps the next rootBits bits of input (as they sit in the
// buffer) straight to an entry: a code of length n <= rootBits fills
// 2^(rootBits-n) slots, one for each value of the bits that follow it.
// Longer codes share their first rootBits bits with others; their root slot
// links to a subtable indexed by the next bits. Entries are uint32:
//
//	bits 0-3    code length n (0: no code has these bits)
//	bits 4-7    number of extra bits that follow the code
//	bits 8-9    kind: literal, length or distance, end of block, invalid
//	bit  10     link: bits 0-3 are the subtable's index width instead
//	bits 16-31  value: literal octet, base length or distance, or the
//	            subtable's offset for a link
const (
	entryLenMask    = 0xf
	entryExtraShift = 4
	entryKindShift  = 8
	entryLink       = 1 << 10
	entryValShift   = 16

	kindLiteral = 0 << entryKindShift
	kindBase    = 1 << entryKindShift // a length (lit/len table) or a distance
	kindEnd     = 2 << entryKindShift
	kindInvalid = 3 << entryKindShift
	kindMask    = 3 << entryKindShift
)

// Root widths. Codes are at most 15 bits long; code length codes at most 7.
const (
	litRootBits  = 10
	distRootBits = 8
	clRootBits   = 7

	// Table sizes: the root plus room for subtables. A complete code of 286
	// symbols with a 10-bit root needs at most 1332 entries (the bound zlib's
	// "enough" program computes); 30 distance codes with an 8-bit root need
	// far fewer than 1024. The builder refuses rather than overflows.
	litTableSize  = 2048
	distTableSize = 1024
	clTableSize   = 1 << clRootBits
)

// Symbol values, RFC 1951 section 3.2.5.
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// Entries without the code length, by symbol: what each symbol means.
var (
	litSymEntry  [288]uint32
	distSymEntry [32]uint32
	clSymEntry   [19]uint32
)

// The fixed codes of RFC 1951 section 3.2.6, built once.
var (
	fixedLit  [litTableSize]uint32
	fixedDist [distTableSize]uint32
)

func init() {
	for s := range litSymEntry {
		switch {
		case s < 256:
			litSymEntry[s] = kindLiteral | uint32(s)<<entryValShift
		case s == 256:
			litSymEntry[s] = kindEnd
		case s < 286:
			i := s - 257
			litSymEntry[s] = kindBase | uint32(lengthExtra[i])<<entryExtraShift | uint32(lengthBase[i])<<entryValShift
		default: // 286 and 287 have fixed codes but no meaning
			litSymEntry[s] = kindInvalid
		}
	}
	for s := range distSymEntry {
		if s < 30 {
			distSymEntry[s] = kindBase | uint32(distExtra[s])<<entryExtraShift | uint32(distBase[s])<<entryValShift
		} else { // 30 and 31 likewise
			distSymEntry[s] = kindInvalid
		}
	}
	for s := range clSymEntry {
		clSymEntry[s] = kindLiteral | uint32(s)<<entryValShift
	}

	var lens [288]uint8
	for s := range lens {
		switch {
		case s < 144:
			lens[s] = 8
		case s < 256:
			lens[s] = 9
		case s < 280:
			lens[s] = 7
		default:
			lens[s] = 8
		}
	}
	buildTable(fixedLit[:], litRootBits, lens[:], litSymEntry[:])
	for s := range 32 {
		lens[s] = 5
	}
	buildTable(fixedDist[:], distRootBits, lens[:32], distSymEntry[:])
}

// buildTable fills t, a table with a root of rootBits bits, for the canonical
// code with the given code lengths (each 0..15; 0 means the symbol is
// unused). meaning[s] is the entry of symbol s without its length. It reports
// false for a code that is over-subscribed (more codes than bit patterns) or
// incomplete (patterns left over), except that, as in zlib and Go's
// compress/flate, a code with a single symbol of length 1, and a code with no
// symbols at all, are allowed; looking up an unused pattern yields an entry of
// length 0.
func buildTable(t []uint32, rootBits uint, lens []uint8, meaning []uint32) bool {
	var count [16]int
	maxLen := 0
	for _, l := range lens {
		count[l]++
		maxLen = max(maxLen, int(l))
	}
	count[0] = 0 // unused symbols take no code
	if maxLen == 0 {
		clear(t[:1<<rootBits])
		return true
	}

	// First canonical code of each length; code ends as the number of
	// patterns of maxLen bits the code uses.
	var next [16]int
	code := 0
	for l := 1; l <= maxLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	code += count[maxLen]
	if code != 1<<maxLen {
		if code != 1 || maxLen != 1 {
			return false
		}
		// The one allowed incomplete code: half the slots have no code.
		// (A complete code writes every slot below, so needs no clearing.)
		clear(t[:1<<rootBits])
	}

	rootMask := 1<<rootBits - 1
	if maxLen > int(rootBits) {
		// Size the subtables: for every root slot reached by a long code,
		// the longest code through it decides the subtable's index width.
		var subBits [1 << litRootBits]uint8
		n := next
		for _, l := range lens {
			if int(l) > int(rootBits) {
				r := reverse(n[l], int(l))
				n[l]++
				sb := &subBits[r&rootMask]
				*sb = max(*sb, l-uint8(rootBits))
			}
		}
		size := 1 << rootBits
		for i, k := range subBits[:1<<rootBits] {
			if k > 0 {
				if size+1<<k > len(t) {
					return false
				}
				t[i] = entryLink | uint32(k) | uint32(size)<<entryValShift
				size += 1 << k
			}
		}
	}

	for s, l := range lens {
		if l == 0 {
			continue
		}
		r := reverse(next[l], int(l))
		next[l]++
		e := meaning[s] | uint32(l)
		if int(l) <= int(rootBits) {
			for i := r; i < 1<<rootBits; i += 1 << l {
				t[i] = e
			}
			continue
		}
		link := t[r&rootMask]
		base := int(link >> entryValShift)
		k := int(link & entryLenMask)
		for i := r >> rootBits; i < 1<<k; i += 1 << (int(l) - int(rootBits)) {
			t[base+i] = e
		}
	}
	return true
}

// reverse returns the low n bits of code in reverse order.
func reverse(code, n int) int {
	return int(bits.Reverse16(uint16(code)) >> (16 - n))
}
