package replay

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wsfuzz/wsfuzz/corpus"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte("Hello"), "Hello"},
		{[]byte{0xce}, "0xce"},
		{[]byte{0x03, 0xe8}, "0x03e8"},
		{bytes.Repeat([]byte("*"), 60), strings.Repeat("*", 60)},
		// 61 to 64 bytes are shown whole but marked as cut, as Autobahn does.
		{bytes.Repeat([]byte("*"), 61), strings.Repeat("*", 61) + " ..."},
		{bytes.Repeat([]byte("*"), 64), strings.Repeat("*", 64) + " ..."},
		{bytes.Repeat([]byte("*"), 65535), strings.Repeat("*", 64) + " ..."},
		{bytes.Repeat([]byte{0xfe}, 125), "0x" + strings.Repeat("fe", 64) + " ..."},
		// A cut in the middle of a code point makes the shown part invalid.
		{append(bytes.Repeat([]byte("a"), 63), "µµ"...), "0x" + strings.Repeat("61", 63) + "c2 ..."},
	} {
		if got := Render(tc.in); got != tc.want {
			t.Errorf("Render(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A payload read back from a report (its shown part, marked Truncated)
// renders to the same text as the whole payload, so observed and expected
// events compare equal.
func TestEventKeyOfCutPayload(t *testing.T) {
	whole := bytes.Repeat([]byte("BAsd7&jh23"), 100)
	cut := corpus.Event{Kind: "message", Data: whole[:64], Truncated: true}
	if eventKey(cut) != eventKey(corpus.Event{Kind: "message", Data: whole}) {
		t.Fatal("a cut payload does not compare equal to the whole one")
	}
	if eventKey(corpus.Event{Kind: "message", Data: whole, Binary: true}) == eventKey(corpus.Event{Kind: "message", Data: whole}) {
		t.Fatal("binary and text messages compare equal")
	}
	if eventKey(corpus.Event{Kind: "pong", Data: []byte("x")}) == eventKey(corpus.Event{Kind: "message", Data: []byte("x")}) {
		t.Fatal("a pong compares equal to a message")
	}
}

// The streaming validator agrees with utf8.Valid on any split of the input,
// and ends on a code point exactly when the input does.
func TestUTF8Stream(t *testing.T) {
	inputs := [][]byte{
		[]byte("Hello-µ@ßöäüàá-UTF-8!!"),
		[]byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited"),
		[]byte("\xed\xa0\x80"), []byte("\xf4\x8f\xbf\xbf"), []byte("\xc0\xaf"),
		[]byte("\xe0\x80\x80"), []byte("\xf0\x90\x80"), []byte("\xce"), {},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = []byte{0x41, 0xc2, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xff, 0x80}[rng.IntN(14)]
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		for range 8 {
			var v utf8Stream
			valid, ends := true, true
			rest := in
			for len(rest) > 0 {
				n := 1 + rng.IntN(len(rest))
				var ok bool
				ok, ends = v.validate(rest[:n])
				valid = valid && ok
				rest = rest[n:]
			}
			wantComplete := utf8.Valid(in)
			if valid && ends != wantComplete {
				t.Fatalf("%x: ends=%v, utf8.Valid=%v", in, ends, wantComplete)
			}
			if !valid && wantComplete {
				t.Fatalf("%x: rejected valid UTF-8", in)
			}
			if valid && !ends && wantComplete {
				t.Fatalf("%x: valid input not complete", in)
			}
			// Invalid input is either rejected or left unfinished.
			if !wantComplete && valid && ends {
				t.Fatalf("%x: invalid input accepted", in)
			}
		}
	}
	var v utf8Stream
	if ok, _ := v.validate([]byte{0xff}); ok {
		t.Fatal("0xff accepted")
	}
	if ok, _ := v.validate([]byte("a")); ok {
		t.Fatal("a rejection did not stick")
	}
	if ok, ends := v.validate(nil); !ok || ends {
		t.Fatal("an empty chunk after a rejection must read valid and unfinished, as in Autobahn")
	}
}
