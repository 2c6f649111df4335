package oracle

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/internal/deflatebits"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// takeover15 is the agreement of an offer without parameters.
var takeover15 = PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}

// TestInflateRFC7692Examples inflates the examples of RFC 7692 section
// 7.2.3, in order on one connection where they depend on each other.
func TestInflateRFC7692Examples(t *testing.T) {
	tests := []struct {
		name     string
		messages []string
		want     []string
	}{
		{"7.2.3.1 a message compressed with one block", []string{"f2 48 cd c9 c9 07 00"}, []string{"Hello"}},
		{"7.2.3.2 sharing the LZ77 window", []string{"f2 48 cd c9 c9 07 00", "f2 00 11 00 00"}, []string{"Hello", "Hello"}},
		{"7.2.3.3 a stored block", []string{"00 05 00 fa ff 48 65 6c 6c 6f 00"}, []string{"Hello"}},
		{"7.2.3.4 a block with BFINAL set", []string{"f3 48 cd c9 c9 07 00 00"}, []string{"Hello"}},
		{"7.2.3.5 two blocks in one message", []string{"f2 48 05 00 00 00 ff ff ca c9 c9 07 00"}, []string{"Hello"}},
		{"7.2.3.6 an empty message", []string{"00"}, []string{""}},
		{"a final block then more messages", []string{"f3 48 cd c9 c9 07 00", "f2 00 11 00 00"}, []string{"Hello", "Hello"}},
	}
	for _, tt := range tests {
		in := NewInflater(takeover15, 1<<10)
		for i, m := range tt.messages {
			got, err := in.Inflate(unhex(m))
			if err != nil || string(got) != tt.want[i] {
				t.Errorf("%s: message %d = %q, %v; want %q", tt.name, i, got, err, tt.want[i])
			}
		}
	}
}

func TestInflateInvalid(t *testing.T) {
	distance30 := fixedBlock()
	distance30.FixedLiterals("abc")
	distance30.FixedSymbol(257)
	distance30.Code(30, 5)
	length286 := fixedBlock()
	length286.FixedLiterals("abc")
	length286.FixedSymbol(286)
	var repeatFirst deflatebits.Writer
	repeatFirst.BlockHeader(false, deflatebits.Dynamic)
	repeatFirst.Bits(0, 5) // 257 literal/length codes
	repeatFirst.Bits(0, 5) // 1 distance code
	repeatFirst.Bits(0, 4) // 4 code length code lengths, for 16, 17, 18 and 0:
	for _, n := range []uint32{1, 0, 0, 1} {
		repeatFirst.Bits(n, 3)
	}
	repeatFirst.Bits(1, 1) // the code of 16
	var overfull deflatebits.Writer
	overfull.BlockHeader(false, deflatebits.Dynamic)
	overfull.Bits(0, 14)
	for _, n := range []uint32{1, 1, 1, 0} {
		overfull.Bits(n, 3)
	}
	// A dynamic block header whose code makes the tail's 16 zero bits 'a's
	// and its first 15 one bits the end of block: one bit is left.
	var oneBitLeft deflatebits.Writer
	var lengths [257]int
	for n := 1; n < 15; n++ {
		lengths['a'+n-1] = n
	}
	lengths[255], lengths[256] = 15, 15
	oneBitLeft.DynamicHeader(lengths)
	tests := []struct {
		name    string
		message []byte
		reason  string
	}{
		{"empty payload", nil, "ends inside a stored block's length"},
		{"reserved block type", unhex("06"), "reserved"},
		{"stored length and complement disagree", unhex("00 05 00 fa fe 48 65 6c 6c 6f 00"), "disagree"},
		{"stored block cut short", unhex("00 0a 00 f5 ff 48 65"), "ends inside a stored block"},
		{"reference before the start", unhex("f2 00 11 00 00"), "before the start"},
		{"the sender's sync tail kept", unhex("f2 48 cd c9 c9 07 00 00 00 ff ff"), "ends inside a stored block's length"},
		{"one bit left after the last block", oneBitLeft.Bytes(), "ends inside a block header"},
		{"code length 16 with nothing to repeat", repeatFirst.Bytes(), "before the first"},
		{"over-subscribed code length code", overfull.Bytes(), "over- or under-subscribed"},
	}
	for _, tt := range tests {
		got, err := NewInflater(takeover15, 1<<10).Inflate(tt.message)
		var ie *InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) || got != nil || !strings.Contains(ie.Reason, tt.reason) {
			t.Errorf("%s: %q, %v; want an *InvalidError saying %q", tt.name, got, err, tt.reason)
		}
	}
}

// compress compresses msgs as one client connection does with
// compress/flate at level (a sync flush after each, the tail removed), or
// without context takeover when fresh.
func compress(t *testing.T, level int, fresh bool, msgs ...[]byte) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		if fresh {
			w.Reset(&buf)
		}
		w.Write(m)
		w.Flush()
		b := bytes.Clone(buf.Bytes())
		if !bytes.HasSuffix(b, syncTail) {
			t.Fatalf("no sync tail in %x", b)
		}
		out = append(out, b[:len(b)-4])
		buf.Reset()
	}
	return out
}

func TestInflateContextTakeover(t *testing.T) {
	msgs := [][]byte{[]byte(strings.Repeat("the quick brown fox ", 50)), []byte(strings.Repeat("the quick brown fox ", 60)), []byte("jumps")}
	for _, tt := range []struct {
		name            string
		fresh, takeover bool
		wantErr         bool
	}{
		{"compressed with takeover, inflated with it", false, true, false},
		{"compressed without takeover, inflated with it", true, true, false},
		{"compressed without takeover, inflated without it", true, false, false},
		{"compressed with takeover, inflated without it", false, false, true},
	} {
		in := NewInflater(PMDAgreement{ClientNoContextTakeover: !tt.takeover, ClientMaxWindowBits: 15}, 1<<16)
		var err error
		for i, c := range compress(t, flate.BestCompression, tt.fresh, msgs...) {
			var got []byte
			got, err = in.Inflate(c)
			if err != nil {
				break
			}
			if !bytes.Equal(got, msgs[i]) {
				t.Errorf("%s: message %d inflates to %q", tt.name, i, got)
			}
		}
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want an error: %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestInflateLimit(t *testing.T) {
	msg := bytes.Repeat([]byte{'x'}, 1000)
	c := compress(t, flate.BestCompression, true, msg)[0]
	for _, limit := range []int{999, 1000, 1001} {
		got, err := NewInflater(takeover15, limit).Inflate(c)
		if limit < len(msg) && (err != ErrTooBig || got != nil) {
			t.Errorf("limit %d: %d octets, %v; want ErrTooBig", limit, len(got), err)
		}
		if limit >= len(msg) && (err != nil || !bytes.Equal(got, msg)) {
			t.Errorf("limit %d: %d octets, %v", limit, len(got), err)
		}
	}
	// A bomb: 8 MiB of zeros stop at the limit. Made invalid after the
	// limit, it is both too big and invalid: a server may say either.
	bomb := compress(t, flate.BestCompression, true, make([]byte, 8<<20))[0]
	if _, err := NewInflater(takeover15, 1<<16).Inflate(bomb); err != ErrTooBig {
		t.Errorf("bomb: %v, want ErrTooBig", err)
	}
	bad := append(bomb[:len(bomb):len(bomb)], 0x06)
	_, err := NewInflater(takeover15, 1<<16).Inflate(bad)
	var tb *TooBigError
	if !errors.As(err, &tb) || !errors.Is(err, ErrTooBig) || !errors.Is(err, ErrInvalid) {
		t.Errorf("bomb made invalid after the limit: %v, want a *TooBigError matching ErrTooBig and ErrInvalid", err)
	}
	// A problem before the limit is.
	if _, err := NewInflater(takeover15, 3).Inflate(unhex("f2 48 cd 06")); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid before the limit: %v, want ErrInvalid", err)
	}
}

// fixedBlock starts a non-final block of the fixed code.
func fixedBlock() *deflatebits.Writer {
	var w deflatebits.Writer
	w.BlockHeader(false, deflatebits.Fixed)
	return &w
}

// endMessage ends the block and returns it as a message: the end of block
// and the header bits of an empty stored block, which the tail completes.
func endMessage(w *deflatebits.Writer) []byte {
	w.FixedSymbol(256)
	w.BlockHeader(false, deflatebits.Stored)
	return w.Bytes()
}

// TestInflateWindow checks references at the edges of the agreed window,
// within one message and into an earlier one.
func TestInflateWindow(t *testing.T) {
	text := strings.Repeat("abcdefgh", 64) // 512 octets
	for bits := MinWindowBits; bits <= 10; bits++ {
		window := 1 << bits
		for _, d := range []int{window, window + 1} {
			b := fixedBlock()
			b.FixedLiterals(text[:min(window+8, len(text))])
			b.FixedCopy3(d)
			msg := endMessage(b)
			ok := d <= window && d <= len(text)
			got, err := NewInflater(PMDAgreement{ClientMaxWindowBits: bits}, 1<<16).Inflate(msg)
			var we *WindowError
			switch {
			case ok && err != nil:
				t.Errorf("bits %d, distance %d: %v", bits, d, err)
			case ok && len(got) != min(window+8, len(text))+3:
				t.Errorf("bits %d, distance %d: %d octets", bits, d, len(got))
			case !ok && d <= len(text) && (!errors.As(err, &we) || we.Distance != d || we.Window != window):
				t.Errorf("bits %d, distance %d: %v, want a *WindowError", bits, d, err)
			}
		}
	}
	// Into the previous message, under context takeover: 256 octets back
	// is within a window of 8 bits, 257 is not.
	for _, d := range []int{256, 257} {
		in := NewInflater(PMDAgreement{ClientMaxWindowBits: 8}, 1<<16)
		if _, err := in.Inflate(compress(t, flate.HuffmanOnly, true, []byte(text[:300]))[0]); err != nil {
			t.Fatal(err)
		}
		b := fixedBlock()
		b.FixedCopy3(d)
		_, err := in.Inflate(endMessage(b))
		var we *WindowError
		if (err == nil) != (d == 256) || err != nil && !errors.As(err, &we) {
			t.Errorf("distance %d into the previous message: %v", d, err)
		}
	}
}

// TestInflateStateUnchangedOnError checks that a failed message does not
// change the history the next one refers to.
func TestInflateStateUnchangedOnError(t *testing.T) {
	in := NewInflater(takeover15, 1<<10)
	if _, err := in.Inflate(unhex("f2 48 cd c9 c9 07 00")); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Inflate(unhex("06")); err == nil {
		t.Fatal("reserved block type accepted")
	}
	if got, err := in.Inflate(unhex("f2 00 11 00 00")); err != nil || string(got) != "Hello" {
		t.Errorf("after a failed message: %q, %v", got, err)
	}
}

// TestCanFailInflate shows that the oracle refuses what lax inflaters
// accept (one that inflates with a 32 KiB window whatever was agreed, one
// that streams a message's octets and never checks its end), each message
// breaking a rule of RFC 7692.
func TestCanFailInflate(t *testing.T) {
	beyond := fixedBlock()
	beyond.FixedLiterals(strings.Repeat("0123456789abcdef", 20))
	beyond.FixedCopy3(300)
	cases := []struct {
		name    string
		agreed  PMDAgreement
		message []byte
	}{
		{"a reference beyond a 256-octet window (a lax server inflates with 32 KiB)", PMDAgreement{ClientMaxWindowBits: 8}, endMessage(beyond)},
		{"a message that stops inside a block (a lax server waits for the next message)", takeover15, unhex("f2 48 cd c9 c9 07")},
		{"a message that kept its sync tail (the receiver appends one more)", takeover15, unhex("f2 48 cd c9 c9 07 00 00 00 ff ff")},
	}
	for _, c := range cases {
		if got, err := NewInflater(c.agreed, 1<<16).Inflate(c.message); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: accepted as %q, %v", c.name, got, err)
		}
	}
}
