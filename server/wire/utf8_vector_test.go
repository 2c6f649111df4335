package wire

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// validUTF8 must answer exactly as utf8.Valid. The vector form sees the
// input in 32-byte blocks, with 128-byte all-ASCII blocks skipped, so
// every case below is placed at each offset around those boundaries and
// in inputs of every length class.

// vectorOffsets are where a test sequence starts: inside a block, at and
// across the 32- and 128-byte boundaries, and in the zero-padded tail.
var vectorOffsets = []int{0, 1, 13, 29, 30, 31, 32, 33, 63, 95, 125, 126, 127, 128, 129, 159, 160, 190, 191, 254, 255, 286, 287}

// backgrounds are the valid texts a test sequence is written into: ASCII
// (whose blocks the vector form skips) and multibyte text (whose blocks
// it checks), cut to whole characters.
var backgrounds = map[string][]byte{
	"ascii": []byte("The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789 "),
	"cjk":   []byte("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多"),
	"mixed": []byte("aé的😀b ñ中🤣c"),
}

// fill returns n bytes of bg repeated, ended with ASCII padding where
// the next character would not fit.
func fill(bg []byte, n int) []byte {
	p := make([]byte, 0, n)
	for {
		for _, r := range string(bg) {
			if len(p)+utf8.RuneLen(r) > n {
				for len(p) < n {
					p = append(p, 'y')
				}
				return p
			}
			p = utf8.AppendRune(p, r)
		}
	}
}

func checkValidUTF8(t *testing.T, what string, p []byte) {
	t.Helper()
	if got, want := validUTF8(p), utf8.Valid(p); got != want {
		t.Fatalf("%s: validUTF8(% x) = %v, utf8.Valid says %v", what, p, got, want)
	}
}

// TestValidUTF8Pairs writes every two-byte value at every offset into
// 320-byte inputs of each background: every byte pair rule (too short,
// too long, overlongs, surrogates, too large, two continuations) meets
// every block boundary.
func TestValidUTF8Pairs(t *testing.T) {
	for name, bg := range backgrounds {
		base := fill(bg, 320)
		if !utf8.Valid(base) {
			t.Fatalf("%s background is not valid UTF-8", name)
		}
		for _, off := range vectorOffsets {
			for v := 0; v < 1<<16; v++ {
				p := append([]byte(nil), base...)
				p[off], p[off+1] = byte(v>>8), byte(v)
				checkValidUTF8(t, name, p)
			}
		}
	}
}

// TestValidUTF8Sequences writes every 3-byte value with a non-ASCII first
// byte and a third byte from the edges of each byte class, and every
// 4-byte value from F0-FF with the same edges for its last two bytes,
// across the block boundaries of an ASCII input (one left open at the
// end of a block is followed by a skipped all-ASCII block); then it ends inputs of
// every length from 0 to 300 with complete, open and bad sequences.
func TestValidUTF8Sequences(t *testing.T) {
	base := fill(backgrounds["ascii"], 320)
	edges := []byte{0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff}
	for _, off := range []int{29, 30, 31, 126, 127, 190, 316} {
		for a := 0x80; a < 0x100; a++ {
			for b := 0; b < 0x100; b++ {
				for _, c := range edges {
					p := append([]byte(nil), base...)
					p[off], p[off+1], p[off+2] = byte(a), byte(b), c
					checkValidUTF8(t, "3-byte", p)
					if a < 0xf0 {
						continue
					}
					for _, d := range edges {
						p[off+3] = d
						checkValidUTF8(t, "4-byte", p)
					}
				}
			}
		}
	}
	for n := 0; n <= 300; n++ {
		for _, tail := range []string{"", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x80", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"} {
			if n < len(tail) {
				continue
			}
			p := fill(backgrounds["mixed"], n-len(tail))
			p = append(p, tail...)
			checkValidUTF8(t, "tail", p)
		}
	}
}

// TestValidUTF8Random compares on random texts with random damage.
func TestValidUTF8Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	runes := []rune("aZ0 ~éñß的中😀🤣\u07ff\u0800\uffff\U00010000\U0010ffff")
	for i := 0; i < 200000; i++ {
		n := rng.IntN(600)
		p := make([]byte, 0, n+4)
		ascii := rng.IntN(2) == 0 // mostly ASCII, so that whole blocks are
		for len(p) < n {
			if ascii && rng.IntN(64) != 0 {
				p = append(p, byte('a'+rng.IntN(26)))
				continue
			}
			p = utf8.AppendRune(p, runes[rng.IntN(len(runes))])
		}
		for k := rng.IntN(3); k > 0 && len(p) > 0; k-- {
			p[rng.IntN(len(p))] = byte(rng.Uint32())
		}
		checkValidUTF8(t, "random", p)
	}
}
