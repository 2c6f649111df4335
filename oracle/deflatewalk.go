package oracle

import "fmt"

// This file walks a raw DEFLATE stream (RFC 1951) block by block and
// symbol by symbol, without keeping the octets it stands for: it counts
// them, and checks what compress/flate does not, the rules RFC 7692 adds
// for a message: where it must end, and how far back a reference may
// reach. It is slow on purpose (one bit at a time) and small enough to
// read against RFC 1951 section 3.2.

// walkResult is how a walk ended.
type walkResult struct {
	// out is the number of octets the message stands for, up to where
	// the walk stopped.
	out int
	// tooBig: out passed the limit before the walk stopped, and before
	// err if there is one. The walk goes on past the limit (counting
	// costs nothing per octet) to learn whether the message is also
	// invalid.
	tooBig bool
	// final: the message ended with a block marked BFINAL, and what
	// follows it is not DEFLATE data (RFC 7692 section 7.2.3.4).
	// Otherwise a message that ends well ends exactly at the end of its
	// input, after a whole block.
	final bool
	// err is nil for a message that ends well, else an *InvalidError or
	// a *WindowError.
	err error
}

// deflateWalk is the state of one walk.
type deflateWalk struct {
	in      []byte
	bit     int // next bit to read, counted from the first octet's least significant bit
	out     int // octets produced so far
	tooBig  bool
	history int // octets of earlier messages a reference may reach into
	window  int // the farthest a reference may reach, 2^bits
	limit   int // the most octets the message may stand for
}

// walkDeflate walks in (a message with its 00 00 ff ff tail) as RFC 1951
// data that may refer back to history octets of earlier messages, with
// references of at most window octets, and notes whether it stands for
// more than limit octets. It stops at the end of the message or at the
// first problem: a reference beyond the window or before the start of the
// history, or invalid or truncated data.
func walkDeflate(in []byte, history, window, limit int) walkResult {
	w := deflateWalk{in: in, history: history, window: window, limit: limit}
	final, err := w.blocks()
	return walkResult{out: w.out, tooBig: w.tooBig, final: final, err: err}
}

// blocks reads blocks until one marked final, or until the input ends
// exactly after a block.
func (w *deflateWalk) blocks() (final bool, err error) {
	for w.bit < 8*len(w.in) {
		last, ok1 := w.bits(1)
		kind, ok2 := w.bits(2)
		if !ok1 || !ok2 {
			return false, w.invalid("the input ends inside a block header")
		}
		switch kind {
		case 0:
			err = w.stored()
		case 1:
			err = w.codes(fixedLiteralCode, fixedDistanceCode)
		case 2:
			err = w.dynamic()
		default:
			err = w.invalid("block type 3 is reserved")
		}
		if err != nil || last == 1 {
			return err == nil, err
		}
	}
	return false, nil
}

// bits reads n bits, least significant first (RFC 1951 section 3.1.1).
func (w *deflateWalk) bits(n int) (uint32, bool) {
	if w.bit+n > 8*len(w.in) {
		w.bit = 8 * len(w.in)
		return 0, false
	}
	var v uint32
	for i := range n {
		v |= uint32(w.in[w.bit>>3]>>(w.bit&7)&1) << i
		w.bit++
	}
	return v, true
}

func (w *deflateWalk) invalid(reason string) error {
	return &InvalidError{Output: w.out, Reason: reason}
}

// produce counts n more octets of output and notes when they pass the
// limit.
func (w *deflateWalk) produce(n int) {
	if n > w.limit-w.out {
		w.tooBig = true
	}
	w.out = min(w.out+n, 1<<40)
}

// stored walks a stored block (section 3.2.4): to the next octet
// boundary, LEN and its complement NLEN, then LEN octets.
func (w *deflateWalk) stored() error {
	w.bit = (w.bit + 7) &^ 7
	n, ok1 := w.bits(16)
	nn, ok2 := w.bits(16)
	if !ok1 || !ok2 {
		return w.invalid("the input ends inside a stored block's length")
	}
	if n != ^nn&0xFFFF {
		return w.invalid(fmt.Sprintf("stored block length %#04x and its complement %#04x disagree", n, nn))
	}
	avail := len(w.in) - w.bit/8
	w.produce(min(int(n), avail))
	if int(n) > avail {
		w.bit = 8 * len(w.in)
		return w.invalid("the input ends inside a stored block")
	}
	w.bit += 8 * int(n)
	return nil
}

// The extra bits and base values of the length symbols 257..285 and the
// distance symbols 0..29 (section 3.2.5).
var (
	lengthBase  = [...]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [...]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [...]int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [...]int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// codes walks the symbols of a Huffman-coded block up to its end-of-block
// symbol (section 3.2.5).
func (w *deflateWalk) codes(lit, dist *huffmanCode) error {
	for {
		sym, err := w.symbol(lit, "literal/length")
		if err != nil {
			return err
		}
		switch {
		case sym < 256:
			w.produce(1)
			continue
		case sym == 256:
			return nil
		case sym > 285:
			return w.invalid(fmt.Sprintf("length symbol %d is not defined", sym))
		}
		length, err := w.extra(lengthBase[sym-257], lengthExtra[sym-257])
		if err != nil {
			return err
		}
		dsym, err := w.symbol(dist, "distance")
		if err != nil {
			return err
		}
		if dsym > 29 {
			return w.invalid(fmt.Sprintf("distance symbol %d is not defined", dsym))
		}
		d, err := w.extra(distBase[dsym], distExtra[dsym])
		if err != nil {
			return err
		}
		if d > w.history+w.out {
			return w.invalid(fmt.Sprintf("distance %d reaches before the start of the data (%d octets)", d, w.history+w.out))
		}
		if d > w.window {
			return &WindowError{Output: w.out, Distance: d, Window: w.window}
		}
		w.produce(length)
	}
}

// extra reads n extra bits and adds them to base.
func (w *deflateWalk) extra(base, n int) (int, error) {
	v, ok := w.bits(n)
	if !ok {
		return 0, w.invalid("the input ends inside a symbol's extra bits")
	}
	return base + int(v), nil
}

// symbol reads one symbol of code c.
func (w *deflateWalk) symbol(c *huffmanCode, what string) (int, error) {
	sym, ok := c.decode(w)
	switch {
	case ok:
		return sym, nil
	case w.bit >= 8*len(w.in):
		return 0, w.invalid("the input ends inside a " + what + " code")
	}
	return 0, w.invalid("a " + what + " code that the block's code does not define")
}

// codeLengthOrder is the order in which a dynamic block sends the lengths
// of the code length code (section 3.2.7).
var codeLengthOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamic reads the code description of a dynamic block (section 3.2.7)
// and walks its symbols.
func (w *deflateWalk) dynamic() error {
	hlit, ok1 := w.bits(5)
	hdist, ok2 := w.bits(5)
	hclen, ok3 := w.bits(4)
	if !ok1 || !ok2 || !ok3 {
		return w.invalid("the input ends inside a dynamic block header")
	}
	nlit, ndist := int(hlit)+257, int(hdist)+1
	// 286 literal/length and 30 distance symbols are defined; zlib and
	// compress/flate refuse to describe more.
	if nlit > 286 || ndist > 30 {
		return w.invalid(fmt.Sprintf("a code of %d literal/length and %d distance symbols", nlit, ndist))
	}
	var clens [19]int
	for i := range int(hclen) + 4 {
		v, ok := w.bits(3)
		if !ok {
			return w.invalid("the input ends inside the code length code")
		}
		clens[codeLengthOrder[i]] = int(v)
	}
	clc, ok := newHuffmanCode(clens[:])
	if !ok {
		return w.invalid("the code length code is over- or under-subscribed")
	}
	lens := make([]int, nlit+ndist)
	for i := 0; i < len(lens); {
		sym, err := w.symbol(clc, "code length")
		if err != nil {
			return err
		}
		if sym < 16 {
			lens[i] = sym
			i++
			continue
		}
		var rep, value int
		switch sym {
		case 16:
			if i == 0 {
				return w.invalid("code length 16 repeats a length before the first")
			}
			value = lens[i-1]
			rep, err = w.extra(3, 2)
		case 17:
			rep, err = w.extra(3, 3)
		default:
			rep, err = w.extra(11, 7)
		}
		if err != nil {
			return err
		}
		if i+rep > len(lens) {
			return w.invalid("code lengths repeated past the last symbol")
		}
		for range rep {
			lens[i] = value
			i++
		}
	}
	lit, ok1 := newHuffmanCode(lens[:nlit])
	dist, ok2 := newHuffmanCode(lens[nlit:])
	if !ok1 || !ok2 {
		return w.invalid("the literal/length or distance code is over- or under-subscribed")
	}
	return w.codes(lit, dist)
}

// huffmanCode is a canonical Huffman code (section 3.2.2), decoded one bit
// at a time: count[n] codes have length n, and symbols lists the symbols
// ordered by code.
type huffmanCode struct {
	count   [16]int
	symbols []int
}

// newHuffmanCode builds the canonical code of the given code lengths (0:
// the symbol is not used). ok is false unless the code is complete (every
// bit string starts exactly one code), with the two exceptions zlib and
// compress/flate make: a code with no symbols (it fails when used) and a
// code of one symbol of length 1 (the other bit fails).
func newHuffmanCode(lengths []int) (*huffmanCode, bool) {
	c := &huffmanCode{}
	for _, n := range lengths {
		c.count[n]++
	}
	used := len(lengths) - c.count[0]
	left := 1 // bit strings of the current length not yet given to a code
	for n := 1; n < 16; n++ {
		left = 2*left - c.count[n]
		if left < 0 {
			return nil, false // over-subscribed
		}
	}
	if left != 0 && used > 1 || used == 1 && c.count[1] != 1 {
		return nil, false // incomplete
	}
	for n := 1; n < 16; n++ {
		for sym, l := range lengths {
			if l == n {
				c.symbols = append(c.symbols, sym)
			}
		}
	}
	return c, true
}

// decode reads one code, most significant bit first, and returns its
// symbol; ok is false when the input ends or no code matches.
func (c *huffmanCode) decode(w *deflateWalk) (sym int, ok bool) {
	code, first, index := 0, 0, 0 // first: the first code of length n; index: its place in symbols
	for n := 1; n < 16; n++ {
		b, ok := w.bits(1)
		if !ok {
			return 0, false
		}
		code |= int(b)
		if code-first < c.count[n] {
			return c.symbols[index+code-first], true
		}
		index += c.count[n]
		first = (first + c.count[n]) << 1
		code <<= 1
	}
	return 0, false
}

// The fixed codes of block type 1 (section 3.2.6).
var fixedLiteralCode, fixedDistanceCode = fixedCodes()

func fixedCodes() (*huffmanCode, *huffmanCode) {
	lit := make([]int, 288)
	for i := range lit {
		switch {
		case i < 144:
			lit[i] = 8
		case i < 256:
			lit[i] = 9
		case i < 280:
			lit[i] = 7
		default:
			lit[i] = 8
		}
	}
	dist := make([]int, 32)
	for i := range dist {
		dist[i] = 5
	}
	l, _ := newHuffmanCode(lit)
	d, _ := newHuffmanCode(dist)
	return l, d
}
