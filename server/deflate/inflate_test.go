package deflate

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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

// The examples of RFC 7692 section 7.2.3.
func TestInflateRFCExamples(t *testing.T) {
	tests := []struct {
		name     string
		messages []string // compressed payloads, one per message, in hex
		want     []string
	}{
		{"7.2.3.1 a message compressed", []string{"f2 48 cd c9 c9 07 00"}, []string{"Hello"}},
		{"7.2.3.2 sharing the LZ77 window", []string{"f2 48 cd c9 c9 07 00", "f2 00 11 00 00"}, []string{"Hello", "Hello"}},
		{"7.2.3.3 a stored block", []string{"00 05 00 fa ff 48 65 6c 6c 6f 00"}, []string{"Hello"}},
		{"7.2.3.4 a final block", []string{"f3 48 cd c9 c9 07 00 00"}, []string{"Hello"}},
		{"7.2.3.5 two blocks in one message", []string{"f2 48 05 00 00 00 ff ff ca c9 c9 07 00"}, []string{"Hello"}},
		{"7.2.3.6 nothing compressed", []string{"00"}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecompressor(Params{})
			for i, m := range tt.messages {
				got, err := d.Inflate(nil, unhex(m), 1000)
				if err != nil || string(got) != tt.want[i] {
					t.Errorf("message %d: %q, %v; want %q", i, got, err, tt.want[i])
				}
			}
		})
	}
	// Without context takeover the second message of 7.2.3.2 refers to
	// history that is not there.
	d := NewDecompressor(Params{ClientNoContextTakeover: true})
	d.Inflate(nil, unhex("f2 48 cd c9 c9 07 00"), 100)
	if _, err := d.Inflate(nil, unhex("f2 00 11 00 00"), 100); !errors.Is(err, ErrCorrupt) {
		t.Errorf("no takeover: err = %v, want ErrCorrupt", err)
	}
}

// fixed returns a message made of one fixed-Huffman block written by fn and
// ended as RFC 7692 expects.
func fixed(fn func(w *bitWriter)) []byte {
	var w bitWriter
	w.fixedHeader(false)
	fn(&w)
	w.fixedEnd()
	w.syncEnd()
	return w.bytes()
}

// dynamicHeader writes the start of a dynamic block: its sizes and the
// lengths of the code length code. The caller writes the code lengths.
func dynamicHeader(w *bitWriter, hlit, hdist, hclen int, clLens []int) {
	w.bits(0, 1)
	w.bits(2, 2)
	w.bits(uint64(hlit-257), 5)
	w.bits(uint64(hdist-1), 5)
	w.bits(uint64(hclen-4), 4)
	for i := range hclen {
		w.bits(uint64(clLens[codeLengthOrder[i]]), 3)
	}
}

func TestInflateErrors(t *testing.T) {
	var overSubscribed, repeatFirst, repeatPast, noEnd bitWriter
	// A code length code with three codes of length 1: over-subscribed.
	cl := make([]int, 19)
	cl[0], cl[1], cl[2] = 1, 1, 1
	dynamicHeader(&overSubscribed, 257, 1, 19, cl)
	overSubscribed.bits(0, 16)

	// Code length code: symbols 16, 17, 18 and 1..15... use a complete
	// code: 16 of the 19 symbols with length 4 would be 16/16: complete.
	cl = make([]int, 19)
	for s := range 16 {
		cl[s+3] = 4 // symbols 3..18 have length 4
	}
	// Canonical codes of length 4 in symbol order: symbol 3 is 0000,
	// ..., 16 is 1101, 17 is 1110, 18 is 1111.
	clCode := func(w *bitWriter, sym int) { w.code(uint32(sym-3), 4) }
	dynamicHeader(&repeatFirst, 257, 1, 19, cl)
	clCode(&repeatFirst, 16)
	repeatFirst.bits(0, 2)
	repeatFirst.bits(0, 16)

	dynamicHeader(&repeatPast, 257, 1, 19, cl)
	for range 3 { // 3 * 138 zeros > 258 lengths
		clCode(&repeatPast, 18)
		repeatPast.bits(127, 7)
	}
	repeatPast.bits(0, 16)

	// Literals 0-254 of length 8, then three zeros: literal 255, the end of
	// block code and the distance code.
	dynamicHeader(&noEnd, 257, 1, 19, cl)
	for range 255 {
		clCode(&noEnd, 8)
	}
	clCode(&noEnd, 17)
	noEnd.bits(0, 3)
	noEnd.bits(0, 16)

	var reservedHLIT bitWriter
	reservedHLIT.bits(0, 1)
	reservedHLIT.bits(2, 2)
	reservedHLIT.bits(30, 5) // 287 literal/length codes
	reservedHLIT.bits(0, 32)

	tooFewBits := func() []byte {
		var w bitWriter // 3 + 4*9 + 7 = 46 bits: 2 bits left in the last octet
		w.fixedHeader(false)
		for range 4 {
			w.fixedLiteral(0xff)
		}
		w.fixedEnd()
		return w.bytes()
	}()
	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"empty payload", nil, "stored block length"},
		// The tail's zeros end the block (seven zero bits are the fixed end
		// of block code) and the rest is too short for a stored header.
		{"truncated inside a block", unhex("f2 48 cd"), "ends inside"},
		{"header bits cut short", unhex("f2 48 cd c9 c9 07"), "stored block length"},
		{"too few bits left for the stored block header", tooFewBits, "stored block length"},
		{"reserved block type", []byte{0x06}, "reserved block type"},
		{"stored length check", unhex("00 05 00 00 00 48 65 6c 6c 6f 00"), "disagree"},
		{"stored block cut short", unhex("00 0a 00 f5 ff 48 65"), "inside a stored block"},
		// 00 00 plus the tail: LEN 0000 but NLEN ff00.
		{"two zero octets", unhex("00 00"), "disagree"},
		{"distance before the start", fixed(func(w *bitWriter) { w.fixedLiteral('a'); w.fixedMatch(3, 2) }), "start of the history"},
		{"length symbol 286", fixed(func(w *bitWriter) { w.fixedSymbol(286) }), "286 or 287"},
		{"length symbol 287", fixed(func(w *bitWriter) { w.fixedSymbol(287) }), "286 or 287"},
		{"distance symbol 30", fixed(func(w *bitWriter) {
			w.fixedLiteral('a')
			w.fixedSymbol(257)
			w.code(30, 5)
		}), "30 or 31"},
		{"too many literal/length codes", reservedHLIT.bytes(), "too many"},
		{"over-subscribed code length code", overSubscribed.bytes(), "invalid code length code"},
		{"repeat with no previous length", repeatFirst.bytes(), "no previous length"},
		{"repeat past the end", repeatPast.bytes(), "past the end"},
		{"no end-of-block code", noEnd.bytes(), "no code for end of block"},
		{"garbage", []byte("this is not deflate data at all"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []Params{{}, {ClientNoContextTakeover: true}} {
				dst := []byte("keep")
				got, err := NewDecompressor(p).Inflate(dst, tt.in, 1<<20)
				var ce *CorruptError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a *CorruptError", err)
				}
				if string(got) != "keep" {
					t.Errorf("dst changed to %q", got)
				}
				if ce.Offset < 0 || ce.Offset > len(tt.in)+4 {
					t.Errorf("offset %d outside the input", ce.Offset)
				}
				if tt.reason != "" && !strings.Contains(ce.Reason, tt.reason) {
					t.Errorf("reason %q, want %q", ce.Reason, tt.reason)
				}
			}
		})
	}
}

func TestInflateTrailingDataAfterFinalBlock(t *testing.T) {
	got, err := NewDecompressor(Params{}).Inflate(nil, append(unhex("f3 48 cd c9 c9 07 00"), "zz"...), 100)
	if err != nil || string(got) != "Hello" {
		t.Errorf("%q, %v; want Hello", got, err)
	}
}

// TestInflateTailCompletesStream: the rule is that the message plus the
// tail is a whole DEFLATE stream, so a stored block whose last four octets
// are the tail's is complete, odd as it looks.
func TestInflateTailCompletesStream(t *testing.T) {
	got, err := NewDecompressor(Params{}).Inflate(nil, unhex("00 05 00 fa ff 48"), 100)
	if err != nil || string(got) != "H\x00\x00\xff\xff" {
		t.Errorf("%q, %v", got, err)
	}
}

// windowTest builds a message with a stored block of n octets followed by
// a back-reference of distance dist.
func windowTest(n, dist int) []byte {
	var w bitWriter
	w.stored(false, random(uint64(n), n))
	w.fixedHeader(false)
	w.fixedMatch(3, dist)
	w.fixedEnd()
	w.syncEnd()
	return w.bytes()
}

func TestInflateWindowBoundary(t *testing.T) {
	for bits := MinWindowBits; bits <= MaxWindowBits; bits++ {
		window := 1 << max(bits, 9) // 8 is held to 9, see NewDecompressor
		for _, noTakeover := range []bool{false, true} {
			d := NewDecompressor(Params{ClientMaxWindowBits: bits, ClientNoContextTakeover: noTakeover})
			if _, err := d.Inflate(nil, windowTest(window, window), NoLimit); err != nil {
				t.Errorf("bits %d: distance %d refused: %v", bits, window, err)
			}
			if _, err := d.Inflate(nil, windowTest(window+1, window+1), NoLimit); !errors.Is(err, ErrCorrupt) {
				t.Errorf("bits %d: distance %d accepted: %v", bits, window+1, err)
			}
		}
	}
}

func TestInflateContextAcrossMessages(t *testing.T) {
	var first bitWriter
	first.stored(false, []byte("0123456789"))
	first.syncEnd()
	second := fixed(func(w *bitWriter) { w.fixedMatch(10, 10) })
	bad := fixed(func(w *bitWriter) { w.fixedLiteral('x'); w.fixedSymbol(286) })

	d := NewDecompressor(Params{})
	if got, err := d.Inflate(nil, first.bytes(), 100); err != nil || string(got) != "0123456789" {
		t.Fatalf("first: %q, %v", got, err)
	}
	if got, err := d.Inflate(nil, second, 100); err != nil || string(got) != "0123456789" {
		t.Fatalf("second: %q, %v", got, err)
	}
	// After an error the history is gone.
	if _, err := d.Inflate(nil, bad, 100); err == nil {
		t.Fatal("bad message accepted")
	}
	if _, err := d.Inflate(nil, second, 100); !errors.Is(err, ErrCorrupt) {
		t.Errorf("history survived an error: %v", err)
	}
	// Reset forgets the history too.
	d.Inflate(nil, first.bytes(), 100)
	d.Reset()
	if _, err := d.Inflate(nil, second, 100); !errors.Is(err, ErrCorrupt) {
		t.Errorf("history survived Reset: %v", err)
	}
}

func TestInflateLimit(t *testing.T) {
	m := textLike(3, 100000)
	z, _ := NewCompressor(Params{}, DefaultLevel).Compress(nil, m)
	for _, tt := range []struct {
		limit int64
		ok    bool
	}{{int64(len(m)), true}, {int64(len(m)) + 1, true}, {int64(len(m)) - 1, false}, {0, false}, {-1, false}} {
		got, err := NewDecompressor(Params{}).Inflate([]byte("keep"), z, tt.limit)
		if tt.ok && (err != nil || !bytes.Equal(got[4:], m)) {
			t.Errorf("limit %d: %v", tt.limit, err)
		}
		if !tt.ok && (err != ErrTooLarge || string(got) != "keep") {
			t.Errorf("limit %d: %q..., %v; want ErrTooLarge and dst unchanged", tt.limit, got[:min(len(got), 8)], err)
		}
	}
	// A negative limit is 0: an empty message still fits.
	if got, err := NewDecompressor(Params{}).Inflate(nil, []byte{0}, -5); err != nil || len(got) != 0 {
		t.Errorf("empty message with limit -5: %q, %v", got, err)
	}
}

// TestInflateOutputBuffers checks every way output reaches the caller: into
// dst's spare capacity, into one chunk, into many.
func TestInflateOutputBuffers(t *testing.T) {
	m := textLike(8, 300000)
	z, _ := NewCompressor(Params{}, DefaultLevel).Compress(nil, m)
	for _, dst := range [][]byte{nil, make([]byte, 0, 10), make([]byte, 3, 400000), []byte("abc")} {
		prefix := append([]byte(nil), dst...)
		got, err := NewDecompressor(Params{}).Inflate(dst, z, NoLimit)
		if err != nil || !bytes.Equal(got, append(prefix, m...)) {
			t.Errorf("dst len %d cap %d: %v", len(dst), cap(dst), err)
		}
	}
}

// rawInflate decodes a whole raw DEFLATE stream (no sync tail), for
// comparison with compress/flate: the stream must end with a final block.
func rawInflate(in []byte, limit int64) ([]byte, error) {
	f := inflater{in: in, out: sink{limit: limit}, sc: new(scratch), win: make([]byte, 1<<MaxWindowBits)}
	err := f.run()
	if err == nil {
		err = f.flush()
	}
	if err == nil && !f.final {
		err = io.ErrUnexpectedEOF
	}
	return f.out.bytes(), err
}

func inflateSeeds() [][]byte {
	seeds := [][]byte{
		unhex("f3 48 cd c9 c9 07 00"),
		unhex("01 05 00 fa ff 48 65 6c 6c 6f"),
		unhex("03 00"),
		{0x06},
	}
	for _, p := range []Params{{}, {ServerMaxWindowBits: 9}} {
		for _, level := range []int{DefaultLevel, BestCompression, HuffmanOnly} {
			c := NewCompressor(p, level)
			for _, m := range [][]byte{textLike(1, 2000), random(1, 300), bytes.Repeat([]byte("ab"), 500)} {
				z, _ := c.Compress(nil, m)
				seeds = append(seeds, append(withTail(z), finalEmpty...))
			}
		}
	}
	return seeds
}

// FuzzInflateDifferential compares the package's decoder with
// compress/flate on arbitrary raw DEFLATE streams: same verdict, same output.
func FuzzInflateDifferential(f *testing.F) {
	for _, s := range inflateSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		const limit = 1 << 20
		got, err := rawInflate(in, limit)
		if err == ErrTooLarge {
			return
		}
		want, stdErr := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(in)), limit+1))
		if len(want) > limit {
			return
		}
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("verdicts differ: ours %v, compress/flate %v", err, stdErr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("outputs differ: %d octets, compress/flate %d", len(got), len(want))
		}
	})
}

// FuzzInflateMessage feeds arbitrary payloads to Inflate: it must not panic,
// must respect the limit, must leave dst alone on error, and what it accepts
// compress/flate must read the same way.
func FuzzInflateMessage(f *testing.F) {
	for _, s := range inflateSeeds() {
		f.Add(s, uint16(1000), false)
	}
	f.Add(unhex("f2 48 cd c9 c9 07 00"), uint16(4), true)
	f.Fuzz(func(t *testing.T, in []byte, limit uint16, noTakeover bool) {
		d := NewDecompressor(Params{ClientNoContextTakeover: noTakeover})
		for i := range 2 {
			got, err := d.Inflate([]byte("keep"), in, int64(limit))
			if err != nil {
				if string(got) != "keep" {
					t.Fatalf("dst changed on error %v", err)
				}
				if err != ErrTooLarge && !errors.Is(err, ErrCorrupt) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(got)-4 > int(limit) {
				t.Fatalf("%d octets with limit %d", len(got)-4, limit)
			}
			if i == 0 {
				want, stdErr := stdInflate(in)
				if stdErr != nil || !bytes.Equal(want, got[4:]) {
					t.Fatalf("accepted %d octets, compress/flate says %d, %v", len(got)-4, len(want), stdErr)
				}
			}
		}
	})
}

func TestCorruptErrorMessage(t *testing.T) {
	_, err := NewDecompressor(Params{}).Inflate(nil, []byte{0x06}, 10)
	if msg := fmt.Sprint(err); !strings.Contains(msg, "octet 0") || !strings.Contains(msg, "reserved") {
		t.Errorf("message %q", msg)
	}
}
