package props

import (
	"bytes"
	"fmt"
	"math/rand"
	"unicode/utf8"

	"github.com/leanovate/gopter"
)

// DefectKind names a way in which text fails to be UTF-8 (RFC 3629).
type DefectKind uint8

// The defects InvalidUTF8 places in text.
const (
	// NoDefect: the text is valid.
	NoDefect DefectKind = iota
	// Overlong: a code point in more bytes than it needs (C0 80 for U+0000,
	// E0 80 80, F0 80 80 80, up to the longest overlong forms E0 9F BF and
	// F0 8F BF BF).
	Overlong
	// Surrogate: a UTF-16 surrogate U+D800..U+DFFF (ED A0 80 .. ED BF BF).
	Surrogate
	// AboveMax: a code point above U+10FFFF (F4 90 80 80 and up, and the
	// leading bytes F5..F7 of 4-byte forms).
	AboveMax
	// Truncated: a multi-byte character cut short, followed by the end of
	// the text or by a byte that cannot continue it.
	Truncated
	// StrayContinuation: continuation bytes (80..BF) where a character
	// should start.
	StrayContinuation
	// BadContinuation: a leading byte, possibly with some valid
	// continuation bytes, then a byte that cannot continue it.
	BadContinuation
	// ImpossibleByte: a byte that appears in no valid text (C0, C1,
	// F5..FF) on its own.
	ImpossibleByte
)

// DefectKinds lists every kind of defect.
var DefectKinds = []DefectKind{Overlong, Surrogate, AboveMax, Truncated, StrayContinuation, BadContinuation, ImpossibleByte}

func (k DefectKind) String() string {
	switch k {
	case NoDefect:
		return "valid"
	case Overlong:
		return "overlong"
	case Surrogate:
		return "surrogate"
	case AboveMax:
		return "above U+10FFFF"
	case Truncated:
		return "truncated"
	case StrayContinuation:
		return "stray continuation"
	case BadContinuation:
		return "bad continuation"
	case ImpossibleByte:
		return "impossible byte"
	}
	return fmt.Sprintf("DefectKind(%d)", k)
}

// Placement says where in a text its defect is.
type Placement uint8

// Where a defect can be.
const (
	AtStart  Placement = iota // nothing before the defect
	InMiddle                  // text on both sides
	AtEnd                     // nothing after the defect
)

func (p Placement) String() string {
	return [...]string{"start", "middle", "end"}[p]
}

// UTF8Case is a text made of valid UTF-8 around at most one defect.
type UTF8Case struct {
	Prefix []byte     // valid UTF-8 before the defect (all the text when Kind is NoDefect)
	Defect []byte     // the defect's bytes, empty when Kind is NoDefect
	Suffix []byte     // valid UTF-8 after the defect
	Kind   DefectKind // what the defect is
}

// Bytes returns the text.
func (c UTF8Case) Bytes() []byte {
	b := make([]byte, 0, len(c.Prefix)+len(c.Defect)+len(c.Suffix))
	return append(append(append(b, c.Prefix...), c.Defect...), c.Suffix...)
}

// Valid reports whether the text is valid UTF-8.
func (c UTF8Case) Valid() bool { return c.Kind == NoDefect }

// Placement says where the defect is; text with both a prefix and a suffix
// has it in the middle.
func (c UTF8Case) Placement() Placement {
	switch {
	case len(c.Prefix) == 0:
		return AtStart
	case len(c.Suffix) == 0:
		return AtEnd
	}
	return InMiddle
}

// BadOffset returns the offset of the first byte that cannot start or
// continue a valid sequence, len(text) when the text ends inside a
// character, or -1 when it is valid (see ReferenceFirstInvalid).
func (c UTF8Case) BadOffset() int { return ReferenceFirstInvalid(c.Bytes()) }

func (c UTF8Case) String() string {
	if c.Kind == NoDefect {
		return fmt.Sprintf("valid %d bytes %s", len(c.Prefix), showText(c.Prefix))
	}
	return fmt.Sprintf("%s at %s: % X after %s, then %s (bad at %d of %d)",
		c.Kind, c.Placement(), c.Defect, showText(c.Prefix), showText(c.Suffix), c.BadOffset(), len(c.Prefix)+len(c.Defect)+len(c.Suffix))
}

// showText quotes short text and summarizes long text.
func showText(b []byte) string {
	if len(b) <= 48 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q...(%d bytes)", b[:40], len(b))
}

// ReferenceFirstInvalid is the UTF-8 oracle of this package, built on
// unicode/utf8 alone: it returns the offset of the first byte of b that
// can no longer start or continue a valid sequence, len(b) when b ends
// inside a character, and -1 when b is valid. A sequence is cut at the
// byte where it becomes certain that no valid character starts so: E0 80
// fails at 80 (overlong), ED A0 at A0 (surrogate), F4 90 at 90 (above
// U+10FFFF), and C0 or F5 at once.
func ReferenceFirstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		need := seqLen(b[i])
		if need == 0 {
			return i
		}
		// b[i:i+k] is the start of some character exactly when filling
		// the rest of the sequence with 80 makes it valid: only the
		// second byte has a range narrower than 80..BF.
		for k := 2; k <= need; k++ {
			if i+k > len(b) {
				return len(b)
			}
			probe := append(append([]byte(nil), b[i:i+k]...), bytes.Repeat([]byte{0x80}, need-k)...)
			if !utf8.Valid(probe) {
				return i + k - 1
			}
		}
		return i + need - 1 // not reached: DecodeRune accepted no character here
	}
	return -1
}

// seqLen returns the length of the sequence a leading byte starts, 0 for
// a byte that starts none.
func seqLen(c byte) int {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return 2
	case c >= 0xE0 && c <= 0xEF:
		return 3
	case c >= 0xF0 && c <= 0xF4:
		return 4
	}
	return 0
}

// boundaryRunes are code points at the edges of the encoding lengths and
// of the surrogate gap, and the noncharacters next to them.
var boundaryRunes = []rune{
	0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xD7FF, 0xE000, 0xFFFD,
	0xFFFE, 0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF,
}

// randRune draws ASCII 45% of the time, a boundary code point 20%, and a
// random 2-, 3- or 4-byte character otherwise (never a surrogate).
func randRune(r *rand.Rand) rune {
	switch x := r.Intn(20); {
	case x < 9:
		if r.Intn(8) == 0 {
			return rune(r.Intn(0x80))
		}
		return rune(0x20 + r.Intn(0x5F))
	case x < 13:
		return boundaryRunes[r.Intn(len(boundaryRunes))]
	case x < 16:
		return rune(0x80 + r.Intn(0x800-0x80))
	case x < 18:
		c := rune(0x800 + r.Intn(0x10000-0x800-0x800))
		if c >= 0xD800 {
			c += 0x800
		}
		return c
	default:
		return rune(0x10000 + r.Intn(0x110000-0x10000))
	}
}

// randValidText returns valid text of exactly n bytes.
func randValidText(r *rand.Rand, n int) []byte {
	b := make([]byte, 0, n)
	for len(b) < n {
		c := randRune(r)
		if len(b)+utf8.RuneLen(c) > n {
			c = rune('a' + r.Intn(26))
		}
		b = utf8.AppendRune(b, c)
	}
	return b
}

// ValidUTF8 generates valid UTF-8 text of at most maxLen bytes, with the
// lengths of Payload: ASCII, 2-, 3- and 4-byte characters, and the code
// points at the edges of each encoding length (U+007F/U+0080, U+07FF/U+0800,
// U+D7FF/U+E000 around the surrogates, U+FFFF/U+10000, U+10FFFF). It
// shrinks by dropping characters, then by replacing them with "a".
func ValidUTF8(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randValidText(p.Rng, randPayloadLen(p.Rng, maxLen)), shrinker(textCands))
	}
}

// textCands shrinks valid text character by character, so every
// candidate is valid too: it drops characters, then replaces one by "a",
// then by the first character of each shorter encoding (U+0080, U+0800).
// The shorter multi-byte characters matter when a failure needs the
// character to span several bytes (a frame cut inside it, say): "a"
// cannot stand in for it, a two-byte character can.
func textCands(b []byte) cands[[]byte] {
	if len(b) == 0 {
		return none[[]byte]()
	}
	return lazy(func() cands[[]byte] {
		runes := []rune(string(b))
		return mapc(sliceCands(runes, runeCands), func(rs []rune) []byte { return []byte(string(rs)) })
	})
}

// runeCands simplifies one character: to "a", then to the smallest
// character of each encoding length below its own.
func runeCands(c rune) cands[rune] {
	var xs []rune
	for _, simple := range []rune{'a', 0x80, 0x800} {
		if simple != c && utf8.RuneLen(simple) < max(utf8.RuneLen(c), 2) {
			xs = append(xs, simple)
		}
	}
	return list(xs...)
}

// randDefect draws the bytes of a defect of kind k.
func randDefect(r *rand.Rand, k DefectKind) []byte {
	cont := func() byte { return byte(0x80 + r.Intn(0x40)) }
	switch k {
	case Overlong:
		switch r.Intn(3) {
		case 0:
			return []byte{byte(0xC0 + r.Intn(2)), cont()}
		case 1:
			return []byte{0xE0, byte(0x80 + r.Intn(0x20)), cont()}
		default:
			return []byte{0xF0, byte(0x80 + r.Intn(0x10)), cont(), cont()}
		}
	case Surrogate:
		return []byte{0xED, byte(0xA0 + r.Intn(0x20)), cont()}
	case AboveMax:
		if r.Intn(2) == 0 {
			return []byte{0xF4, byte(0x90 + r.Intn(0x30)), cont(), cont()}
		}
		return []byte{byte(0xF5 + r.Intn(3)), cont(), cont(), cont()}
	case Truncated:
		enc := utf8.AppendRune(nil, randMultiByteRune(r))
		return enc[:1+r.Intn(len(enc)-1)]
	case StrayContinuation:
		b := make([]byte, 1+r.Intn(3))
		for i := range b {
			b[i] = cont()
		}
		return b
	case BadContinuation:
		enc := utf8.AppendRune(nil, randMultiByteRune(r))
		b := enc[:1+r.Intn(len(enc)-1)]
		var stop byte
		switch r.Intn(3) {
		case 0:
			stop = byte(r.Intn(0x80))
		case 1:
			stop = byte(0xC2 + r.Intn(0xF5-0xC2))
		default:
			stop = byte(0xC0 + r.Intn(0x40))
			if stop >= 0xC2 && stop <= 0xF4 {
				stop = 0xFF
			}
		}
		return append(b, stop)
	case ImpossibleByte:
		bad := []byte{0xC0, 0xC1, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF}
		return []byte{bad[r.Intn(len(bad))]}
	}
	return nil
}

// randMultiByteRune draws a character of 2, 3 or 4 bytes.
func randMultiByteRune(r *rand.Rand) rune {
	for {
		if c := randRune(r); c >= 0x80 {
			return c
		}
	}
}

// canonicalDefects lists, per kind, the simplest defects, shortest first:
// a defect shrinks to the first of them that still fails.
var canonicalDefects = map[DefectKind][][]byte{
	Overlong:          {{0xC0, 0x80}, {0xE0, 0x80, 0x80}, {0xF0, 0x80, 0x80, 0x80}},
	Surrogate:         {{0xED, 0xA0, 0x80}},
	AboveMax:          {{0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}},
	Truncated:         {{0xC2}, {0xE0}, {0xE1}, {0xF0}, {0xF1}, {0xE0, 0xA0}, {0xE1, 0x80}, {0xF0, 0x90}, {0xF0, 0x90, 0x80}},
	StrayContinuation: {{0x80}, {0x80, 0x80}},
	BadContinuation:   {{0xC2, 0x00}, {0xE0, 0xA0, 0x00}, {0xF0, 0x90, 0x80, 0x00}},
	ImpossibleByte:    {{0xC0}, {0xC1}, {0xF5}, {0xFF}},
}

// simpler orders defects: shorter first, then bytewise.
func simpler(a, b []byte) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return bytes.Compare(a, b) < 0
}

// InvalidUTF8 generates text of at most about maxLen bytes with exactly one
// defect of each DefectKind in turn at random, placed at the start (no text
// before it), in the middle, or at the end (no text after it), with valid
// text from ValidUTF8 around it. It shrinks the text around the defect
// away, then the defect to the simplest one of its kind that still fails
// (ED A0 80 for a surrogate).
func InvalidUTF8(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randInvalid(p.Rng, maxLen), shrinker(invalidCaseCands))
	}
}

// UTF8Text generates valid text (30%) and text from InvalidUTF8 (70%), as
// UTF8Case values. It shrinks as they do, but first tries dropping the
// defect: a failure that does not need it shrinks to valid text.
func UTF8Text(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		var c UTF8Case
		if r.Intn(10) < 3 {
			c = UTF8Case{Prefix: randValidText(r, randPayloadLen(r, maxLen))}
		} else {
			c = randInvalid(r, maxLen)
		}
		return gopter.NewGenResult(c, shrinker(utf8CaseCands))
	}
}

func randInvalid(r *rand.Rand, maxLen int) UTF8Case {
	k := DefectKinds[r.Intn(len(DefectKinds))]
	c := UTF8Case{Kind: k, Defect: randDefect(r, k)}
	room := max(0, maxLen-len(c.Defect))
	n := randPayloadLen(r, room)
	switch Placement(r.Intn(3)) {
	case AtStart:
		c.Suffix = randValidText(r, n)
	case AtEnd:
		c.Prefix = randValidText(r, n)
	default:
		a := r.Intn(n + 1)
		c.Prefix = randValidText(r, max(a, 1))
		c.Suffix = randValidText(r, max(n-a, 1))
	}
	return c
}

// invalidCaseCands shrinks an invalid text and keeps it invalid.
func invalidCaseCands(c UTF8Case) cands[UTF8Case] { return caseCands(c, false) }

// utf8CaseCands shrinks a text, first trying it without its defect.
func utf8CaseCands(c UTF8Case) cands[UTF8Case] { return caseCands(c, true) }

func caseCands(c UTF8Case, dropDefect bool) cands[UTF8Case] {
	defects := func() cands[UTF8Case] {
		var xs []UTF8Case
		for _, d := range canonicalDefects[c.Kind] {
			if simpler(d, c.Defect) {
				x := c
				x.Defect = d
				xs = append(xs, x)
			}
		}
		return list(xs...)
	}
	var valid []UTF8Case
	if dropDefect && c.Kind != NoDefect {
		valid = append(valid, UTF8Case{Prefix: append(append([]byte(nil), c.Prefix...), c.Suffix...)})
	}
	return concat(
		list(valid...),
		mapc(textCands(c.Prefix), func(b []byte) UTF8Case { x := c; x.Prefix = b; return x }),
		mapc(textCands(c.Suffix), func(b []byte) UTF8Case { x := c; x.Suffix = b; return x }),
		lazy(defects),
	)
}
