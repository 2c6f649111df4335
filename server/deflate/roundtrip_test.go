package deflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"testing"
)

// finalEmpty is an empty stored block marked final. Appended after a
// message and its sync tail it ends the stream for a reader that wants one.
var finalEmpty = []byte{0x01, 0x00, 0x00, 0xff, 0xff}

func withTail(z []byte) []byte { return append(append([]byte(nil), z...), syncTail[:]...) }

// stdInflate inflates one message with the standard library, as an
// independent check that it is a valid raw DEFLATE stream.
func stdInflate(z []byte) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(append(withTail(z), finalEmpty...)))
	return io.ReadAll(r)
}

func roundTripMessages() [][]byte {
	return [][]byte{
		{},
		{'x'},
		textLike(1, 100),
		textLike(2, 1000),
		textLike(1, 100), // again: context takeover can refer to the first
		textLike(3, 64<<10),
		random(4, 64<<10),
		{},
		bytes.Repeat([]byte{0}, 70000),
		textLike(5, 150000),
		textLike(2, 1000),
		{0},
	}
}

// TestRoundTrip compresses a series of messages under every parameter set
// and checks each with three decoders: the package's own, the standard
// library's (is it a valid raw DEFLATE stream, continuous across messages
// under context takeover?) and refInflate (does any back-reference reach
// further than 2^ServerMaxWindowBits, or, without context takeover, into an
// earlier message?).
func TestRoundTrip(t *testing.T) {
	messages := roundTripMessages()
	levels := []int{DefaultLevel, 5, BestCompression, HuffmanOnly, NoCompression}
	for bits := MinWindowBits; bits <= MaxWindowBits; bits++ {
		for _, noTakeover := range []bool{false, true} {
			for _, level := range levels {
				for _, release := range []bool{false, true} {
					if release && noTakeover {
						continue // nothing to release
					}
					name := fmt.Sprintf("bits=%d/no_takeover=%v/level=%d/release=%v", bits, noTakeover, level, release)
					t.Run(name, func(t *testing.T) {
						p := Params{ServerNoContextTakeover: noTakeover, ServerMaxWindowBits: bits}
						roundTrip(t, p, level, release, messages)
					})
				}
			}
		}
	}
}

func roundTrip(t *testing.T, p Params, level int, release bool, messages [][]byte) {
	t.Helper()
	c := NewCompressor(p, level)
	// The client's view: it inflates under the server's parameters.
	d := NewDecompressor(p.Mirror())
	var stream, history []byte
	for i, m := range messages {
		z, err := c.Compress(nil, m)
		if err != nil {
			t.Fatalf("message %d: Compress: %v", i, err)
		}
		if release {
			c.Release()
		}
		if len(z) == 0 {
			t.Fatalf("message %d: empty compressed form", i)
		}
		if len(m) == 0 && !bytes.Equal(z, []byte{0}) {
			t.Errorf("message %d: empty message compressed to % x, want 00", i, z)
		}
		if len(z) > len(m)+len(m)/1000+16 {
			t.Errorf("message %d: %d octets compressed to %d", i, len(m), len(z))
		}

		got, err := d.Inflate(nil, z, NoLimit)
		if err != nil || !bytes.Equal(got, m) {
			t.Fatalf("message %d: Inflate: %v, equal %v", i, err, bytes.Equal(got, m))
		}

		ref, maxDist, err := refInflate(withTail(z), history)
		if err != nil || !bytes.Equal(ref, m) {
			t.Fatalf("message %d: refInflate: %v, equal %v", i, err, bytes.Equal(ref, m))
		}
		if maxDist > 1<<p.ServerMaxWindowBits {
			t.Fatalf("message %d: back-reference of %d octets with a window of %d", i, maxDist, 1<<p.ServerMaxWindowBits)
		}

		if p.ServerNoContextTakeover {
			std, err := stdInflate(z)
			if err != nil || !bytes.Equal(std, m) {
				t.Fatalf("message %d: compress/flate: %v, equal %v", i, err, bytes.Equal(std, m))
			}
		} else {
			stream = append(stream, withTail(z)...)
			history = append(history, m...)
			history = history[max(0, len(history)-(1<<MaxWindowBits)):]
		}
	}
	if !p.ServerNoContextTakeover {
		// Under context takeover the messages, each with its tail back, are
		// one continuous DEFLATE stream.
		r := flate.NewReader(bytes.NewReader(stream))
		for i, m := range messages {
			got := make([]byte, len(m))
			if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, m) {
				t.Fatalf("message %d: compress/flate on the whole stream: %v, equal %v", i, err, bytes.Equal(got, m))
			}
		}
	}
}

// TestManyMessages sends a long series of small and medium messages, the
// traffic context takeover is for, releasing the writer at random points,
// and checks the compression actually benefits from the shared context.
func TestManyMessages(t *testing.T) {
	for _, noTakeover := range []bool{false, true} {
		t.Run(fmt.Sprintf("no_takeover=%v", noTakeover), func(t *testing.T) {
			p := Params{ServerNoContextTakeover: noTakeover, ClientNoContextTakeover: noTakeover}
			c := NewCompressor(p, DefaultLevel)
			d := NewDecompressor(p.Mirror())
			var stream []byte
			var messages [][]byte
			total, compressed := 0, 0
			for i := range 300 {
				m := textLike(uint64(i%40), 50+(i*37)%3000)
				z, err := c.Compress(nil, m)
				if err != nil {
					t.Fatal(err)
				}
				if i%7 == 3 {
					c.Release()
				}
				got, err := d.Inflate(nil, z, 1<<20)
				if err != nil || !bytes.Equal(got, m) {
					t.Fatalf("message %d: %v, equal %v", i, err, bytes.Equal(got, m))
				}
				if i%11 == 5 {
					d.Release()
				}
				messages = append(messages, m)
				stream = append(stream, withTail(z)...)
				total += len(m)
				compressed += len(z)
			}
			t.Logf("%d octets in 300 messages compressed to %d (%.1f%%)", total, compressed, 100*float64(compressed)/float64(total))
			if !noTakeover {
				r := flate.NewReader(bytes.NewReader(stream))
				for i, m := range messages {
					got := make([]byte, len(m))
					if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, m) {
						t.Fatalf("message %d: compress/flate: %v", i, err)
					}
				}
			}
		})
	}
}

// TestContextTakeoverHelps checks that takeover is really used: a message
// repeated verbatim costs a few octets the second time.
func TestContextTakeoverHelps(t *testing.T) {
	m := textLike(9, 4000)
	for _, release := range []bool{false, true} {
		c := NewCompressor(Params{}, DefaultLevel)
		first, _ := c.Compress(nil, m)
		if release {
			c.Release()
		}
		second, _ := c.Compress(nil, m)
		if len(second) > len(first)/10 {
			t.Errorf("release=%v: repeated message took %d octets, first time %d", release, len(second), len(first))
		}
		c.Reset()
		third, _ := c.Compress(nil, m)
		if !bytes.Equal(third, first) {
			t.Errorf("release=%v: after Reset the message compressed differently", release)
		}
	}
}

// TestCompressAppends checks Compress appends to dst and leaves it alone.
func TestCompressAppends(t *testing.T) {
	c := NewCompressor(Params{}, DefaultLevel)
	prefix := []byte("prefix")
	out, err := c.Compress(prefix, textLike(1, 500))
	if err != nil || !bytes.HasPrefix(out, prefix) {
		t.Fatalf("Compress did not append: %v", err)
	}
	d := NewDecompressor(Params{})
	got, err := d.Inflate([]byte("x"), out[len(prefix):], NoLimit)
	if err != nil || !bytes.Equal(got, append([]byte("x"), textLike(1, 500)...)) {
		t.Fatalf("Inflate did not append: %v", err)
	}
}

// TestDecompressorEnforcesWindow inflates data compressed with a 32 KiB
// window under a promise of 512 octets: the strict decoder must refuse it.
func TestDecompressorEnforcesWindow(t *testing.T) {
	m := append(textLike(1, 3000), textLike(1, 3000)...) // repeats 3000 octets back
	z, _ := NewCompressor(Params{}, DefaultLevel).Compress(nil, m)
	if _, maxDist, _ := refInflate(withTail(z), nil); maxDist <= 512 {
		t.Fatalf("test data has no distance beyond 512 (max %d)", maxDist)
	}
	for _, bits := range []int{8, 9} {
		d := NewDecompressor(Params{ClientMaxWindowBits: bits})
		if _, err := d.Inflate(nil, z, NoLimit); !errors.Is(err, ErrCorrupt) {
			t.Errorf("ClientMaxWindowBits=%d: err = %v, want ErrCorrupt", bits, err)
		}
	}
	if _, err := NewDecompressor(Params{ClientMaxWindowBits: 12}).Inflate(nil, z, NoLimit); err != nil {
		t.Errorf("ClientMaxWindowBits=12: %v", err)
	}
}

// TestPooledStateIsolation interleaves connections that share pooled
// writers, windows and tables, in one goroutine and in several: a writer
// that carried one connection's history or dictionary into another's
// message would produce back-references the other's peer cannot resolve.
func TestPooledStateIsolation(t *testing.T) {
	modes := []Params{
		{},
		{ServerNoContextTakeover: true, ClientNoContextTakeover: true},
		{ServerMaxWindowBits: 9, ClientMaxWindowBits: 9},
	}
	type conn struct {
		c *Compressor
		d *Decompressor
	}
	run := func(t *testing.T, seed int) {
		var conns []conn
		for _, p := range modes {
			for range 2 {
				conns = append(conns, conn{NewCompressor(p, DefaultLevel), NewDecompressor(p.Mirror())})
			}
		}
		for i := range 200 {
			k := (i*7 + seed) % len(conns)
			m := textLike(uint64(i*31+seed), 100+(i*53)%5000)
			z, err := conns[k].c.Compress(nil, m)
			if err != nil {
				t.Error(err)
				return
			}
			if i%3 == 0 {
				conns[k].c.Release()
			}
			got, err := conns[k].d.Inflate(nil, z, 1<<20)
			if err != nil || !bytes.Equal(got, m) {
				t.Errorf("message %d on connection %d: %v", i, k, err)
				return
			}
		}
	}
	t.Run("interleaved", func(t *testing.T) { run(t, 0) })
	t.Run("goroutines", func(t *testing.T) {
		done := make(chan struct{})
		for g := range 4 {
			go func() {
				defer func() { done <- struct{}{} }()
				run(t, g+1)
			}()
		}
		for range 4 {
			<-done
		}
	})
}
