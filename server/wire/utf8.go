package wire

// UTF8Validator checks a text message for UTF-8 validity as it arrives, in
// pieces of any size, and fails fast: it stops at the first byte that can no
// longer start or continue a valid sequence, even when the sequence began in
// an earlier piece (RFC 6455 section 8.1; Autobahn cases 6.4.*). Overlong
// forms, surrogates (U+D800-U+DFFF) and code points above U+10FFFF are
// rejected at the byte where they become certain, as by utf8.Valid.
//
// The zero value is ready to validate a new message.
type UTF8Validator struct {
	n      int64 // bytes accepted so far
	need   uint8 // continuation bytes still expected for the open sequence
	lo, hi uint8 // accepted range of the next continuation byte
	failed bool
}

// Reset prepares v for a new message.
func (v *UTF8Validator) Reset() { *v = UTF8Validator{} }

// Offset returns the number of bytes accepted so far; after Write returned
// false, it is the offset of the first bad byte in the message.
func (v *UTF8Validator) Offset() int64 { return v.n }

// Failed reports whether a bad byte has been seen.
func (v *UTF8Validator) Failed() bool { return v.failed }

// Done reports whether the message seen so far is complete, valid UTF-8:
// no bad byte and no sequence left open at the end. A message whose last
// piece ends mid-sequence is invalid, with its bad offset at its end.
func (v *UTF8Validator) Done() bool { return !v.failed && v.need == 0 }

// sequence classes of a leading byte: the low nibble is the sequence size
// (0 for a byte that cannot start one), the high nibble indexes acceptRanges.
var leading = func() (t [256]uint8) {
	for c := 0xC2; c <= 0xDF; c++ {
		t[c] = 0x02
	}
	for c := 0xE0; c <= 0xEF; c++ {
		t[c] = 0x03
	}
	t[0xE0] = 0x13
	t[0xED] = 0x23
	for c := 0xF0; c <= 0xF4; c++ {
		t[c] = 0x04
	}
	t[0xF0] = 0x34
	t[0xF4] = 0x44
	return
}()

// acceptRanges holds the valid range of the second byte of a sequence, the
// one that rules out overlongs (E0, F0), surrogates (ED) and values above
// U+10FFFF (F4). Every later continuation byte is 80-BF.
var acceptRanges = [5][2]uint8{
	{0x80, 0xBF},
	{0xA0, 0xBF},
	{0x80, 0x9F},
	{0x90, 0xBF},
	{0x80, 0x8F},
}

// Write validates p as the next piece of the message. It returns false at
// the first bad byte (see Offset), and keeps returning false afterwards.
//
// The bulk of p (every sequence that ends inside p) is checked at once by
// validUTF8, 32 bytes at a time where the CPU allows; only the few bytes
// that continue a sequence from the previous piece or start one for the
// next, and the input of a failure, are scanned byte by byte here.
func (v *UTF8Validator) Write(p []byte) bool {
	if v.failed {
		return false
	}
	i := 0
	// Finish the sequence that the previous piece left open.
	for v.need > 0 {
		if i == len(p) {
			v.n += int64(i)
			return true
		}
		if c := p[i]; c < v.lo || c > v.hi {
			return v.fail(i)
		}
		v.lo, v.hi = 0x80, 0xBF
		v.need--
		i++
	}
	t := openTail(p[i:]) + i
	if !validUTF8(p[i:t]) {
		return v.scan(p, i)
	}
	return v.scan(p, t)
}

// openTail returns where the sequence left open at the end of p starts, or
// len(p) when p ends on a sequence boundary (or on a byte that is invalid
// anyway, which the bulk check then reports).
func openTail(p []byte) int {
	for k := 1; k <= 3 && k <= len(p); k++ {
		c := p[len(p)-k]
		if c < 0x80 {
			break
		}
		if c >= 0xC0 {
			if int(leading[c]&7) > k {
				return len(p) - k
			}
			break
		}
	}
	return len(p)
}

// scan validates p[i:] byte by byte, fails at the first bad byte, and
// records a sequence left open at the end of p.
func (v *UTF8Validator) scan(p []byte, i int) bool {
	n := len(p)
	for i < n {
		c := p[i]
		if c < 0x80 {
			i++
			continue
		}
		x := leading[c]
		size := int(x & 7)
		if size == 0 {
			return v.fail(i)
		}
		ar := acceptRanges[x>>4]
		lo, hi := ar[0], ar[1]
		j := i + 1
		for ; j < i+size; j++ {
			if j == n {
				// The sequence runs past the end of p: the next piece
				// must bring the rest.
				v.need, v.lo, v.hi = uint8(i+size-j), lo, hi
				v.n += int64(n)
				return true
			}
			if c := p[j]; c < lo || c > hi {
				return v.fail(j)
			}
			lo, hi = 0x80, 0xBF
		}
		i = j
	}
	v.n += int64(n)
	return true
}

func (v *UTF8Validator) fail(i int) bool {
	v.n += int64(i)
	v.failed = true
	return false
}

// FirstInvalidUTF8 returns the offset of the first byte of b that can no
// longer start or continue a valid UTF-8 sequence, len(b) when b ends in an
// open sequence, or -1 when b is valid. It is the whole-buffer form of
// UTF8Validator.
func FirstInvalidUTF8(b []byte) int {
	var v UTF8Validator
	if v.Write(b) && v.Done() {
		return -1
	}
	return int(v.Offset())
}
