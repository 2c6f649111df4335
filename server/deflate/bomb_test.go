package deflate

import (
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"testing"
	"time"
)

// bomb returns a compressed message that inflates to n zero octets (n >= 1)
// at close to DEFLATE's best ratio, about 1032 to 1.
//
// It is one dynamic block whose codes are chosen for the job: the length
// code 285 (a copy of 258 octets) gets a 1-bit code, the single distance
// code 0 (distance 1) another, so each copy of 258 zeros costs 2 bits; the
// literal 0 and the end of block get 2-bit codes. The whole block is built
// in a few milliseconds, so a test can afford a bomb of 1 GiB.
func bomb(n int64) []byte {
	var w bitWriter
	w.bits(0, 1)       // not final
	w.bits(2, 2)       // dynamic
	w.bits(286-257, 5) // literal/length codes 0..285
	w.bits(1-1, 5)     // one distance code
	w.bits(18-4, 4)    // code length code lengths for 18 symbols of the order

	// Code length code: 18 -> "0", 1 -> "10", 2 -> "11".
	clLens := map[int]uint64{18: 1, 1: 2, 2: 2}
	for i := range 18 {
		w.bits(clLens[int(codeLengthOrder[i])], 3)
	}
	zeros := func(n int) { // runs of zero lengths with symbol 18
		for n > 0 {
			k := min(n, 138)
			w.code(0, 1)
			w.bits(uint64(k-11), 7)
			n -= k
		}
	}
	w.code(0b11, 2) // length of literal 0: 2
	zeros(255)      // literals 1..255
	w.code(0b11, 2) // end of block: 2
	zeros(28)       // lengths 257..284
	w.code(0b10, 2) // length 285: 1
	w.code(0b10, 2) // distance 0: 1

	// Literal/length code: 285 -> "0", 0 -> "10", 256 -> "11";
	// distance code: 0 -> "0".
	w.code(0b10, 2) // one literal zero, the history for the copies
	n--
	for ; n >= 258; n -= 258 {
		w.code(0, 1) // copy 258
		w.code(0, 1) // from distance 1
	}
	for ; n > 0; n-- {
		w.code(0b10, 2)
	}
	w.code(0b11, 2) // end of block
	w.syncEnd()
	return w.bytes()
}

func TestBombIsWhatItClaims(t *testing.T) {
	const n = 1<<20 + 77
	z := bomb(n)
	got, err := NewDecompressor(Params{}).Inflate(nil, z, n)
	if err != nil || len(got) != n || bytes.Count(got, []byte{0}) != n {
		t.Fatalf("ours: %d octets, %v", len(got), err)
	}
	std, err := stdInflate(z)
	if err != nil || !bytes.Equal(std, got) {
		t.Fatalf("compress/flate: %d octets, %v", len(std), err)
	}
	if testing.Short() {
		return
	}
	// The real one, counted by compress/flate without keeping it.
	big := bomb(1 << 30)
	r := flate.NewReader(bytes.NewReader(append(withTail(big), finalEmpty...)))
	if k, err := io.Copy(io.Discard, r); k != 1<<30 || err != nil {
		t.Fatalf("1 GiB bomb inflates to %d octets, %v", k, err)
	}
}

// TestBomb: a message under 1 MiB that inflates to 1 GiB of zeros is
// refused at a 16 MiB limit, quickly, having allocated about the limit.
func TestBomb(t *testing.T) {
	const limit = 16 << 20
	z := bomb(1 << 30)
	if len(z) >= 1<<20 {
		t.Fatalf("bomb is %d octets, want under 1 MiB", len(z))
	}
	for _, p := range []Params{{}, {ClientNoContextTakeover: true, ClientMaxWindowBits: 9}} {
		d := NewDecompressor(p)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		out, err := d.Inflate(nil, z, limit)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(out)

		if err != ErrTooLarge || out != nil {
			t.Fatalf("%+v: err = %v, %d octets; want ErrTooLarge", p, err, len(out))
		}
		allocated := after.TotalAlloc - before.TotalAlloc
		growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("%+v: %d-octet bomb (1 GiB of zeros) refused at a %d MiB limit in %v; allocated %.2f MiB (TotalAlloc), heap grew %.2f MiB (HeapAlloc)",
			p, len(z), limit>>20, elapsed.Round(time.Millisecond), float64(allocated)/(1<<20), float64(growth)/(1<<20))
		if allocated >= 2*limit {
			t.Errorf("allocated %d octets, want under 2 x limit = %d", allocated, 2*limit)
		}
		// The sink's promise: the limit plus one chunk, plus small change
		// (the chunk list, the pooled tables and window on first use).
		if allocated > limit+maxChunk+128<<10 {
			t.Errorf("allocated %d octets, want at most limit + one chunk + 128 KiB", allocated)
		}
		if growth >= 2*limit {
			t.Errorf("heap grew %d octets, want under 2 x limit", growth)
		}
	}
}
