package server

import (
	"runtime"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// TestSessionReusesBuffers checks that a connection echoing messages of
// the same size in fragments, reassembled and echoed in place, allocates
// nothing once its buffers have grown.
func TestSessionReusesBuffers(t *testing.T) {
	s := NewSession(SessionConfig{})
	in := fragments(wire.OpText, []byte(string(make([]byte, 100<<10))), 16<<10)
	for range 3 {
		s.Feed(in)
	}
	if n := testing.AllocsPerRun(20, func() {
		if _, _, err := s.Feed(in); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per 100 KiB message", n)
	}
}

// BenchmarkSessionInflateNearLimit feeds a compressed message of 16 KB
// that inflates to just under 16 MiB of zeros (a near-limit bomb),
// echoes it compressed at level 1 (as wsfuzz serve does) and reports,
// besides the time, the memory allocated per inflated byte
// ("alloc/inflated"): the inflated message is checked and compressed again
// in stages, never held whole.
func BenchmarkSessionInflateNearLimit(b *testing.B) {
	const size = 16<<20 - 1024
	c := deflate.NewCompressor(deflate.Params{}, deflate.BestCompression)
	z, err := c.Compress(nil, make([]byte, size))
	if err != nil {
		b.Fatal(err)
	}
	frame := clientFrame(wire.OpBinary, true, wire.Rsv1, z)
	_, codec := Deflate(deflate.Preferences{Level: deflate.BestSpeed})([]string{"permessage-deflate"})
	s := NewSession(SessionConfig{Compression: codec})
	b.SetBytes(size)
	b.ReportAllocs()
	start := allocated()
	for b.Loop() {
		if _, _, err := s.Feed(frame); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportAllocPerByte(b, start, size, "alloc/inflated")
}

// BenchmarkSessionFragmented16MiB feeds a 16 MiB binary message in 64 KiB
// fragments, in 128 KiB reads, and reports the memory allocated per
// message byte ("alloc/size"): the message buffer doubles up to its final
// size and the echo is written in place.
func BenchmarkSessionFragmented16MiB(b *testing.B) {
	const size = 16 << 20
	in := fragments(wire.OpBinary, make([]byte, size), 64<<10)
	s := NewSession(SessionConfig{})
	b.SetBytes(size)
	b.ReportAllocs()
	start := allocated()
	for b.Loop() {
		for p := in; len(p) > 0; {
			n := min(len(p), largeReadSize)
			if _, _, err := s.Feed(p[:n]); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
	b.StopTimer()
	reportAllocPerByte(b, start, size, "alloc/size")
}

// allocated returns the bytes allocated by the process so far.
func allocated() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// reportAllocPerByte reports the bytes allocated since start per
// iteration, divided by size.
func reportAllocPerByte(b *testing.B, start uint64, size int, unit string) {
	b.ReportMetric(float64(allocated()-start)/float64(b.N)/float64(size), unit)
}
