package deflate

import (
	"bytes"
	"errors"
	"testing"
)

// TestInflateFuncPieces checks that the pieces InflateFunc hands over are
// the message Inflate returns, in order, each no longer than the window,
// under context takeover (the window carries across messages) and without.
func TestInflateFuncPieces(t *testing.T) {
	for _, p := range []Params{{}, {ClientNoContextTakeover: true}, {ClientMaxWindowBits: 9}} {
		client := NewCompressor(p.Mirror(), DefaultLevel)
		whole, pieces := NewDecompressor(p), NewDecompressor(p)
		window := 1 << max(windowBits(p.ClientMaxWindowBits), MinWindowBits+1)
		for i, msg := range [][]byte{textLike(1, 100<<10), random(2, 70<<10), nil, textLike(3, 5)} {
			z, err := client.Compress(nil, msg)
			if err != nil {
				t.Fatal(err)
			}
			want, err := whole.Inflate(nil, z, NoLimit)
			if err != nil || !bytes.Equal(want, msg) {
				t.Fatalf("%+v message %d: Inflate: %v", p, i, err)
			}
			var got []byte
			n, err := pieces.InflateFunc(z, NoLimit, func(piece []byte) error {
				if len(piece) == 0 || len(piece) > window {
					t.Errorf("%+v message %d: piece of %d octets, window %d", p, i, len(piece), window)
				}
				got = append(got, piece...)
				return nil
			})
			if err != nil || n != int64(len(msg)) || !bytes.Equal(got, msg) {
				t.Fatalf("%+v message %d: InflateFunc gave %d octets (%d counted), %v; want %d", p, i, len(got), n, err, len(msg))
			}
		}
	}
}

// TestInflateFuncStops checks that an error from yield stops inflation at
// once and comes back unchanged, and that the limit holds as for Inflate.
func TestInflateFuncStops(t *testing.T) {
	d := NewDecompressor(Params{ClientNoContextTakeover: true})
	stop := errors.New("stop")
	calls := 0
	_, err := d.InflateFunc(bomb(1<<20), NoLimit, func([]byte) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Fatalf("got %v after %d calls, want the yield error after 1", err, calls)
	}
	var seen int64
	n, err := d.InflateFunc(bomb(1<<20), 100<<10, func(p []byte) error { seen += int64(len(p)); return nil })
	if !errors.Is(err, ErrTooLarge) || seen > 100<<10 || n != seen {
		t.Fatalf("limit 100 KiB: %d octets yielded (%d counted), %v; want ErrTooLarge within the limit", seen, n, err)
	}
}

// TestRepeat checks the LZ77 overlapping copy against its byte-by-byte
// definition, for every short distance and many lengths.
func TestRepeat(t *testing.T) {
	for d := 1; d <= 20; d++ {
		for n := d + 1; n <= 300; n++ {
			got := make([]byte, n)
			for i := range d {
				got[i] = byte(i*37 + d)
			}
			want := append([]byte(nil), got...)
			for i := d; i < n; i++ {
				want[i] = want[i-d]
			}
			for i := d; i < n; i++ {
				got[i] = 0xEE // what the window held before
			}
			repeat(got, d)
			if !bytes.Equal(got, want) {
				t.Fatalf("distance %d, length %d: %x, want %x", d, n, got, want)
			}
		}
	}
}
