package oracle

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
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
	distance30 := newFixedBlock()
	distance30.literals("abc")
	distance30.symbol(257)
	distance30.code(30, 5)
	length286 := newFixedBlock()
	length286.literals("abc")
	length286.symbol(286)
	repeatFirst := &fixedBlock{}
	repeatFirst.put(0, 1) // not final
	repeatFirst.put(2, 2) // dynamic code
	repeatFirst.put(0, 5) // 257 literal/length codes
	repeatFirst.put(0, 5) // 1 distance code
	repeatFirst.put(0, 4) // 4 code length code lengths, for 16, 17, 18 and 0:
	for _, n := range []uint32{1, 0, 0, 1} {
		repeatFirst.put(n, 3)
	}
	repeatFirst.put(1, 1) // the code of 16
	overfull := &fixedBlock{}
	overfull.put(0, 1)
	overfull.put(2, 2)
	overfull.put(0, 5)
	overfull.put(0, 5)
	overfull.put(0, 4)
	for _, n := range []uint32{1, 1, 1, 0} {
		overfull.put(n, 3)
	}
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
		// A dynamic block header whose code makes the tail's 16 zero bits
		// 'a's and its first 15 one bits the end of block: one bit is left.
		{"one bit left after the last block", unhex("04e00190244992244902" + strings.Repeat("00", 48) +
			"128b9a4756cf1e" + strings.Repeat("00", 71) + "c03f00"), "ends inside a block header"},
		{"distance symbol 30", distance30.buf, "distance symbol 30"},
		{"length symbol 286", length286.buf, "length symbol 286"},
		{"code length 16 with nothing to repeat", repeatFirst.buf, "before the first"},
		{"over-subscribed code length code", overfull.buf, "over- or under-subscribed"},
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

// fixedBlock writes a final or non-final block of the fixed code (RFC 1951
// section 3.2.6) from literals and copies, so that tests choose the
// distances.
type fixedBlock struct {
	buf  []byte
	nbit int
}

func (b *fixedBlock) put(v uint32, n int) { // least significant bit first
	for i := range n {
		if b.nbit%8 == 0 {
			b.buf = append(b.buf, 0)
		}
		b.buf[len(b.buf)-1] |= byte(v>>i&1) << (b.nbit % 8)
		b.nbit++
	}
}

func (b *fixedBlock) code(v uint32, n int) { // a Huffman code, most significant bit first
	for i := n - 1; i >= 0; i-- {
		b.put(v>>i&1, 1)
	}
}

func (b *fixedBlock) symbol(s int) {
	switch {
	case s < 144:
		b.code(uint32(0x30+s), 8)
	case s < 256:
		b.code(uint32(0x190+s-144), 9)
	case s < 280:
		b.code(uint32(s-256), 7)
	default:
		b.code(uint32(0xC0+s-280), 8)
	}
}

func (b *fixedBlock) literals(s string) {
	for i := range len(s) {
		b.symbol(int(s[i]))
	}
}

// copy3 writes a copy of 3 octets from distance d (1..32768).
func (b *fixedBlock) copy3(d int) {
	b.symbol(257)
	for sym := 29; sym >= 0; sym-- {
		if d >= distBase[sym] {
			b.code(uint32(sym), 5)
			b.put(uint32(d-distBase[sym]), distExtra[sym])
			return
		}
	}
}

// message ends the block and returns it as a message: a non-final block
// followed by the header bits of an empty stored block.
func (b *fixedBlock) message() []byte {
	b.symbol(256)
	b.put(0, 3)
	return b.buf
}

func newFixedBlock() *fixedBlock {
	b := &fixedBlock{}
	b.put(0, 1) // not final
	b.put(1, 2) // fixed code
	return b
}

// TestInflateWindow checks references at the edges of the agreed window,
// within one message and into an earlier one.
func TestInflateWindow(t *testing.T) {
	text := strings.Repeat("abcdefgh", 64) // 512 octets
	for bits := MinWindowBits; bits <= 10; bits++ {
		window := 1 << bits
		for _, d := range []int{window, window + 1} {
			b := newFixedBlock()
			b.literals(text[:min(window+8, len(text))])
			b.copy3(d)
			msg := b.message()
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
		b := newFixedBlock()
		b.copy3(d)
		_, err := in.Inflate(b.message())
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
	beyond := newFixedBlock()
	beyond.literals(strings.Repeat("0123456789abcdef", 20))
	beyond.copy3(300)
	cases := []struct {
		name    string
		agreed  PMDAgreement
		message []byte
	}{
		{"a reference beyond a 256-octet window (a lax server inflates with 32 KiB)", PMDAgreement{ClientMaxWindowBits: 8}, beyond.message()},
		{"a message that stops inside a block (a lax server waits for the next message)", takeover15, unhex("f2 48 cd c9 c9 07")},
		{"a message that kept its sync tail (the receiver appends one more)", takeover15, unhex("f2 48 cd c9 c9 07 00 00 00 ff ff")},
	}
	for _, c := range cases {
		if got, err := NewInflater(c.agreed, 1<<16).Inflate(c.message); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: accepted as %q, %v", c.name, got, err)
		}
	}
}
