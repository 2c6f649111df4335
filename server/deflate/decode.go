package deflate

import "encoding/binary"

// syncTail is what RFC 7692 section 7.2.2 appends to a compressed message
// before inflating it: the LEN and NLEN of the empty stored block whose
// header bits end the message.
var syncTail = [4]byte{0x00, 0x00, 0xff, 0xff}

// inflater decodes one compressed message (RFC 1951) into a ring-shaped
// window and hands the window's octets to a sink as it fills.
//
// Input is the message followed by tail, read as one bit stream, least
// significant bit first. The message is valid when decoding ends exactly at
// the end of that stream on a block boundary, or when it reaches a block
// marked final (BFINAL): RFC 7692 section 7.2.3.4 lets a sender end with a
// final block, and what follows it is then not DEFLATE data and is ignored.
//
// The window has the size of the largest distance allowed, a power of two.
// With context takeover it carries over between messages, so a
// back-reference may reach into earlier messages; otherwise it starts empty.
type inflater struct {
	in   []byte
	tail []byte // read after in: syncTail for a message
	// pos is the next octet to load into bits, counting the octets of
	// tail after those of in. bits holds nbits unread bits in its low
	// end; above them it may hold copies of the octets at pos and after
	// (see refill), never anything else.
	pos   int
	bits  uint64
	nbits uint

	win  []byte
	wpos int  // next octet of win to write
	rpos int  // first octet of win not yet handed to out
	full bool // win has wrapped: all of it is history

	out sink
	sc  *scratch

	final bool // a block marked final ended the stream
}

// scratch holds the tables of one dynamic block; it is pooled, since an
// idle connection needs none of it.
type scratch struct {
	lit  [litTableSize]uint32
	dist [distTableSize]uint32
	cl   [clTableSize]uint32
	lens [286 + 30]uint8
}

func (f *inflater) end() int { return len(f.in) + len(f.tail) }

// offset is the index of the octet holding the next unread bit.
func (f *inflater) offset() int { return f.pos - int(f.nbits+7)/8 }

func (f *inflater) corrupt(reason string) error {
	return &CorruptError{Offset: f.offset(), Reason: reason}
}

// refill loads octets until at least 56 bits are buffered or the input is
// exhausted. Where 8 octets remain it loads them with one read and keeps
// only the whole octets that fit: the bits above nbits then hold the next
// octets themselves, which the next load ORs in again at the same place.
func (f *inflater) refill() {
	if f.pos+8 <= len(f.in) {
		f.bits |= binary.LittleEndian.Uint64(f.in[f.pos:]) << f.nbits
		f.pos += int((63 - f.nbits) >> 3)
		f.nbits |= 56
		return
	}
	for f.nbits <= 56 && f.pos < f.end() {
		var c byte
		if f.pos < len(f.in) {
			c = f.in[f.pos]
		} else {
			c = f.tail[f.pos-len(f.in)]
		}
		f.bits |= uint64(c) << f.nbits
		f.nbits += 8
		f.pos++
	}
}

// need makes n <= 56 bits available, reporting false if the input ends first.
func (f *inflater) need(n uint) bool {
	if f.nbits < n {
		f.refill()
	}
	return f.nbits >= n
}

// take consumes n buffered bits.
func (f *inflater) take(n uint) uint32 {
	v := uint32(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= n
	return v
}

// run decodes blocks until the message ends.
func (f *inflater) run() error {
	for {
		if f.pos == f.end() && f.nbits == 0 {
			return nil
		}
		if !f.need(3) {
			return f.corrupt("message ends inside a block header")
		}
		hdr := f.take(3)
		var err error
		switch hdr >> 1 {
		case 0:
			err = f.stored()
		case 1:
			err = f.codes(&fixedLit, &fixedDist)
		case 2:
			if err = f.dynamicTables(); err == nil {
				err = f.codes(&f.sc.lit, &f.sc.dist)
			}
		default:
			err = f.corrupt("reserved block type 3")
		}
		if err != nil {
			return err
		}
		if hdr&1 == 1 {
			f.final = true
			return nil
		}
	}
}

// stored copies a stored block (RFC 1951 section 3.2.4).
func (f *inflater) stored() error {
	f.take(f.nbits & 7) // skip to the octet boundary
	if !f.need(32) {
		return f.corrupt("message ends inside a stored block length")
	}
	n := int(f.take(16))
	if nn := int(f.take(16)); n != ^nn&0xffff {
		return f.corrupt("stored block length and its complement disagree")
	}
	for ; n > 0 && f.nbits >= 8; n-- {
		if err := f.putByte(byte(f.take(8))); err != nil {
			return err
		}
	}
	if n == 0 {
		return nil
	}
	// The buffer is empty: copy straight from the input.
	f.bits = 0
	for n > 0 {
		var src []byte
		switch {
		case f.pos < len(f.in):
			src = f.in[f.pos:]
		case f.pos < f.end():
			src = f.tail[f.pos-len(f.in):]
		default:
			return f.corrupt("message ends inside a stored block")
		}
		k := min(n, len(src), len(f.win)-f.wpos)
		copy(f.win[f.wpos:], src[:k])
		f.wpos += k
		f.pos += k
		n -= k
		if f.wpos == len(f.win) {
			if err := f.wrap(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *inflater) putByte(c byte) error {
	f.win[f.wpos] = c
	f.wpos++
	if f.wpos == len(f.win) {
		return f.wrap()
	}
	return nil
}

// flush hands the window's new octets to the sink.
func (f *inflater) flush() error {
	err := f.out.write(f.win[f.rpos:f.wpos])
	f.rpos = f.wpos
	return err
}

// wrap flushes a full window and starts writing at its beginning again.
func (f *inflater) wrap() error {
	err := f.flush()
	f.wpos, f.rpos, f.full = 0, 0, true
	return err
}

// codeLengthOrder is the order in which the code length code's lengths
// are sent (RFC 1951 section 3.2.7).
var codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamicTables reads the code description of a dynamic block (RFC 1951
// section 3.2.7) into f.sc.lit and f.sc.dist.
func (f *inflater) dynamicTables() error {
	if !f.need(14) {
		return f.corrupt("message ends inside a dynamic block header")
	}
	nlit := int(f.take(5)) + 257
	ndist := int(f.take(5)) + 1
	nclen := int(f.take(4)) + 4
	if nlit > 286 || ndist > 30 {
		return f.corrupt("too many literal/length or distance codes")
	}
	var clLens [19]uint8
	for i := range nclen {
		if !f.need(3) {
			return f.corrupt("message ends inside the code length code")
		}
		clLens[codeLengthOrder[i]] = uint8(f.take(3))
	}
	if !buildTable(f.sc.cl[:], clRootBits, clLens[:], clSymEntry[:]) {
		return f.corrupt("invalid code length code")
	}

	lens := f.sc.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		e, err := f.decode(f.sc.cl[:], clRootBits)
		if err != nil {
			return err
		}
		sym := e >> entryValShift
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				return f.corrupt("repeat code with no previous length")
			}
			val = lens[i-1]
			if !f.need(2) {
				return f.corrupt("message ends inside the code lengths")
			}
			rep = 3 + int(f.take(2))
		case 17:
			if !f.need(3) {
				return f.corrupt("message ends inside the code lengths")
			}
			rep = 3 + int(f.take(3))
		default:
			if !f.need(7) {
				return f.corrupt("message ends inside the code lengths")
			}
			rep = 11 + int(f.take(7))
		}
		if i+rep > len(lens) {
			return f.corrupt("code lengths repeat past the end")
		}
		for ; rep > 0; rep-- {
			lens[i] = val
			i++
		}
	}
	if lens[256] == 0 {
		return f.corrupt("no code for end of block")
	}
	if !buildTable(f.sc.lit[:], litRootBits, lens[:nlit], litSymEntry[:]) {
		return f.corrupt("invalid literal/length code")
	}
	if !buildTable(f.sc.dist[:], distRootBits, lens[nlit:], distSymEntry[:]) {
		return f.corrupt("invalid distance code")
	}
	return nil
}

// decode reads one symbol with table t and returns its entry.
func (f *inflater) decode(t []uint32, rootBits uint) (uint32, error) {
	if f.nbits < 15 {
		f.refill()
	}
	e := t[f.bits&(1<<rootBits-1)]
	if e&entryLink != 0 {
		e = t[uint64(e>>entryValShift)+(f.bits>>rootBits)&(1<<(e&entryLenMask)-1)]
	}
	n := uint(e & entryLenMask)
	if n == 0 || n > f.nbits {
		if f.pos == f.end() {
			return 0, f.corrupt("message ends inside a code")
		}
		return 0, f.corrupt("invalid code")
	}
	f.bits >>= n
	f.nbits -= n
	return e, nil
}

// save stores the state codes keeps in local variables.
func (f *inflater) save(bits uint64, nbits uint, pos, wpos int) {
	f.bits, f.nbits, f.pos, f.wpos = bits, nbits, pos, wpos
}

// codes decodes the symbols of a compressed block with the given
// literal/length and distance tables, up to the end-of-block code.
//
// This is the hot loop, so it keeps the bit buffer and the write position
// in local variables (registers) and stores them back into f only around
// calls and on the way out.
func (f *inflater) codes(lit *[litTableSize]uint32, dist *[distTableSize]uint32) error {
	in, win := f.in, f.win
	wmask := len(win) - 1
	bits, nbits, pos, wpos := f.bits, f.nbits, f.pos, f.wpos
	for {
		// 48 buffered bits cover the longest symbol: a 15-bit code, 5
		// extra bits, a 15-bit distance code and 13 extra bits.
		if nbits < 48 {
			if pos+8 <= len(in) {
				bits |= binary.LittleEndian.Uint64(in[pos:]) << nbits
				pos += int((63 - nbits) >> 3)
				nbits |= 56
			} else {
				f.save(bits, nbits, pos, wpos)
				f.refill()
				bits, nbits, pos = f.bits, f.nbits, f.pos
			}
		}
		e := lit[bits&(1<<litRootBits-1)]
		if e&entryLink != 0 {
			e = lit[uint64(e>>entryValShift)+(bits>>litRootBits)&(1<<(e&entryLenMask)-1)]
		}
		n := uint(e & entryLenMask)
		if n == 0 || n > nbits {
			f.save(bits, nbits, pos, wpos)
			if n > nbits || pos == f.end() {
				return f.corrupt("message ends inside a block")
			}
			return f.corrupt("invalid literal/length code")
		}
		bits >>= n
		nbits -= n

		switch e & kindMask {
		case kindLiteral:
			win[wpos] = byte(e >> entryValShift)
			wpos++
			if wpos == len(win) {
				f.save(bits, nbits, pos, wpos)
				if err := f.wrap(); err != nil {
					return err
				}
				wpos = 0
			}
			continue
		case kindEnd:
			f.save(bits, nbits, pos, wpos)
			return nil
		case kindInvalid:
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("invalid literal/length symbol 286 or 287")
		}

		extra := uint(e>>entryExtraShift) & 0xf
		if extra > nbits {
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("message ends inside a length")
		}
		length := int(e>>entryValShift) + int(bits&(1<<extra-1))
		bits >>= extra
		nbits -= extra

		e = dist[bits&(1<<distRootBits-1)]
		if e&entryLink != 0 {
			e = dist[uint64(e>>entryValShift)+(bits>>distRootBits)&(1<<(e&entryLenMask)-1)]
		}
		n = uint(e & entryLenMask)
		if n == 0 || n > nbits {
			f.save(bits, nbits, pos, wpos)
			if n > nbits || pos == f.end() {
				return f.corrupt("message ends inside a block")
			}
			return f.corrupt("invalid distance code")
		}
		bits >>= n
		nbits -= n
		if e&kindMask == kindInvalid {
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("invalid distance symbol 30 or 31")
		}
		extra = uint(e>>entryExtraShift) & 0xf
		if extra > nbits {
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("message ends inside a distance")
		}
		d := int(e>>entryValShift) + int(bits&(1<<extra-1))
		bits >>= extra
		nbits -= extra

		if d > len(win) {
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("distance beyond the agreed window")
		}
		if !f.full && d > wpos {
			f.save(bits, nbits, pos, wpos)
			return f.corrupt("distance beyond the start of the history")
		}
		for length > 0 {
			src := (wpos - d) & wmask
			k := min(length, len(win)-wpos, len(win)-src)
			if d >= k {
				// The source octets all precede this copy, so a
				// memmove of them is the LZ77 copy.
				copy(win[wpos:wpos+k], win[src:src+k])
			} else {
				repeat(win[src:wpos+k], d)
			}
			wpos += k
			length -= k
			if wpos == len(win) {
				f.save(bits, nbits, pos, wpos)
				if err := f.wrap(); err != nil {
					return err
				}
				wpos = 0
			}
		}
	}
}

// repeat fills b past its first d octets with copies of them: the LZ77
// copy of a distance shorter than its length, which repeats the last d
// octets. The filled part doubles with each copy, which never overlaps its
// source; a short pattern (the runs a decompression bomb is made of have
// d = 1) is first written out to 16 octets or so one octet at a time,
// which saves the smallest copies.
func repeat(b []byte, d int) {
	i := d
	if d < 8 {
		for m := min(16/d*d, len(b)); i < m; i++ {
			b[i] = b[i-d]
		}
	}
	for i < len(b) {
		i += copy(b[i:], b[:i])
	}
}
