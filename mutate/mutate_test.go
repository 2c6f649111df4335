package mutate

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestMutateIsDeterministicAndBounded(t *testing.T) {
	pool := []Input{{Stream: []byte{0x81, 0x85, 1, 2, 3, 4, 'h', 'e', 'l', 'l', 'o'}}, {Stream: nil}, {Stream: bytes.Repeat([]byte{0x82}, maxStream)}}
	run := func() []Input {
		r := rand.New(rand.NewPCG(1, 2))
		var out []Input
		in := pool[0]
		for range 2000 {
			in = Mutate(r, in, pool)
			if len(in.Stream) > maxStream {
				t.Fatalf("a mutated stream has %d bytes, over %d", len(in.Stream), maxStream)
			}
			out = append(out, in)
		}
		return out
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed mutated differently")
	}
	changed := 0
	for i := range a {
		if i > 0 && !bytes.Equal(a[i].Stream, a[i-1].Stream) {
			changed++
		}
	}
	if changed < len(a)/2 {
		t.Errorf("only %d of %d mutations changed the stream", changed, len(a))
	}
}

func TestMutateDoesNotTouchItsInput(t *testing.T) {
	in := Input{Stream: []byte{0x81, 0x80, 1, 2, 3, 4}, Chops: []byte{1}}
	keep := Input{Stream: bytes.Clone(in.Stream), Chops: bytes.Clone(in.Chops)}
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		Mutate(r, in, []Input{in})
	}
	if !reflect.DeepEqual(in, keep) {
		t.Errorf("Mutate changed its input: %x", in.Stream)
	}
}

func TestShrinkKeepsTheFailure(t *testing.T) {
	// Fails when the stream holds a close frame's first byte after a text
	// frame's: Shrink must keep both and drop everything else.
	fails := func(in Input) bool {
		i := bytes.IndexByte(in.Stream, 0x81)
		return i >= 0 && bytes.IndexByte(in.Stream[i:], 0x88) > 0
	}
	in := Input{Stream: append(append(bytes.Repeat([]byte{7}, 100), 0x81), append(bytes.Repeat([]byte{9}, 50), 0x88, 1, 2)...), Chops: []byte{5, 5}, Extensions: "permessage-deflate"}
	got := Shrink(in, fails, 1000)
	if !fails(got) {
		t.Fatalf("the shrunk input %x no longer fails", got.Stream)
	}
	if !bytes.Equal(got.Stream, []byte{0x81, 0x88}) || got.Chops != nil || got.Extensions != "" {
		t.Errorf("shrunk to %x chops %x offer %q, want 8188 and nothing else", got.Stream, got.Chops, got.Extensions)
	}
	if budget := Shrink(in, fails, 0); !reflect.DeepEqual(budget, in) {
		t.Error("with no tries Shrink changed the input")
	}
}
