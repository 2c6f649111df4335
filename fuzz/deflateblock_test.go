package fuzz

import "github.com/wsfuzz/wsfuzz/internal/deflatebits"

// The messages below are built bit by bit (package deflatebits) because no
// compressor writes them.

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
	var w deflatebits.Writer
	lengths := longCodeLengths(15)
	codes := w.DynamicHeader(lengths)
	for _, c := range "abcn" {
		w.Code(codes[c], lengths[c])
	}
	w.Code(codes[256], 15)
	w.BlockHeader(false, deflatebits.Stored) // the tail completes it
	return w.Bytes()
}

// endOfBlockInTailMessage is a message that is only the header of a
// dynamic block: the 00 00 ff ff tail then decodes as 'a's (the 16 zero
// bits) and the end-of-block code (maxLen ones), which leaves 16-maxLen
// bits of the tail: fewer than a block header's 3 for maxLen 14 or 15. A
// strict receiver must refuse it (the message does not end after a whole
// block); compress/flate, asked for more data, cannot tell.
func endOfBlockInTailMessage(maxLen int) []byte {
	var w deflatebits.Writer
	w.DynamicHeader(longCodeLengths(maxLen))
	return w.Bytes()
}

// degenerateCodeMessage is a dynamic block whose literal/length code has
// one code, the end of block as the 1-bit code 0, which zlib and
// compress/flate accept although it is incomplete; the block then sends
// the bit 1, which no code starts, and eight octets more so that a decoder
// meets it with plenty of input left. The message is invalid.
func degenerateCodeMessage() []byte {
	var w deflatebits.Writer
	var lengths [257]int
	lengths[256] = 1
	w.DynamicHeader(lengths)
	w.Bits(1, 1)
	return append(w.Bytes(), make([]byte, 8)...)
}

// copyMessage is a message in one fixed-code block: the literals, then a
// copy of 3 octets from distance octets back, then the end of block and
// the header bits of an empty stored block.
func copyMessage(literals string, distance int) []byte {
	var w deflatebits.Writer
	w.BlockHeader(false, deflatebits.Fixed)
	w.FixedLiterals(literals)
	w.FixedCopy3(distance)
	w.FixedSymbol(256)
	w.BlockHeader(false, deflatebits.Stored)
	return w.Bytes()
}
