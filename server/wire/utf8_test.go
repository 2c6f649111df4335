package wire

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFirstInvalidUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
		bad  int
	}{
		{"empty", "", -1},
		{"ascii", "Hello-µ@ßöäüàá-UTF-8!!", -1},
		{"greek", "κόσμε", -1},
		{"max code point U+10FFFF", "\xf4\x8f\xbf\xbf", -1},
		{"U+FFFF", "\xef\xbf\xbf", -1},
		{"last before surrogates U+D7FF", "\xed\x9f\xbf", -1},
		{"first after surrogates U+E000", "\xee\x80\x80", -1},
		{"lone continuation", "a\x80", 1},
		{"C0 can never start", "\xc0\xaf", 0},
		{"C1 can never start", "\xc1\xbf", 0},
		{"F5 can never start", "\xf5\x80\x80\x80", 0},
		{"FF", "ab\xff", 2},
		{"overlong 3-byte /", "\xe0\x80\xaf", 1},
		{"overlong 4-byte", "\xf0\x8f\xbf\xbf", 1},
		{"surrogate D800", "\xed\xa0\x80", 1},
		{"surrogate DFFF", "\xed\xbf\xbf", 1},
		{"above U+10FFFF", "\xf4\x90\x80\x80", 1},
		{"truncated 2-byte at end", "ab\xce", 3},
		{"truncated 4-byte at end", "\xf0\x9f\x98", 3},
		{"start interrupted by ascii", "\xe2\x82a", 2},
		{"Autobahn 6.4.1 payload", "κόσμε\xf4\x90\x80\x80edited", len("κόσμε") + 1},
	}
	for _, tt := range tests {
		if got := FirstInvalidUTF8([]byte(tt.in)); got != tt.bad {
			t.Errorf("%s: first bad offset %d, want %d", tt.name, got, tt.bad)
		}
		if valid := tt.bad < 0; valid != utf8.ValidString(tt.in) {
			t.Errorf("%s: disagrees with utf8.Valid", tt.name)
		}
	}
}

// TestUTF8SplitInvariance feeds every input split at every pair of points
// and expects the whole-buffer verdict and bad offset each time.
func TestUTF8SplitInvariance(t *testing.T) {
	inputs := []string{"κόσμε\xf4\x90\x80\x80edited", "a\xf0\x9f\x98\x80b", "\xed\xa0\x80", "ab\xce", "𝄞 music", strings.Repeat("é", 20) + "\xc3"}
	for _, in := range inputs {
		want := FirstInvalidUTF8([]byte(in))
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j++ {
				var v UTF8Validator
				ok := v.Write([]byte(in[:i])) && v.Write([]byte(in[i:j])) && v.Write([]byte(in[j:]))
				got := -1
				if !ok || !v.Done() {
					got = int(v.Offset())
				}
				if got != want {
					t.Fatalf("%q split at %d,%d: bad offset %d, want %d", in, i, j, got, want)
				}
			}
		}
	}
}

func BenchmarkUTF8(b *testing.B) {
	texts := map[string]string{
		"ascii":  "The quick brown fox jumps over the lazy dog. ",
		"latin1": "Größe, Straße, déjà vu, façade, naïve, señor. ",
		"cjk":    "敏捷的棕色狐狸跳过了懒狗。日本語のテキスト。",
		"emoji":  "😀🎉🚀🌍🔥💡👍🏽✨",
	}
	for name, unit := range texts {
		buf := []byte(strings.Repeat(unit, (64<<10)/len(unit)))
		b.Run("stream-"+name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				var v UTF8Validator
				if !v.Write(buf) {
					b.Fatal("invalid")
				}
			}
		})
		b.Run("stdlib-"+name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if !utf8.Valid(buf) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
