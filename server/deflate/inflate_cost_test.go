package deflate

import (
	"bytes"
	"io"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// inflateCostCases are messages of the sizes an abusive client sends: a
// near-limit bomb (16 MiB of zeros from 16 KB), text and incompressible
// data of 1 MiB.
var inflateCostCases = []struct {
	name string
	msg  func() []byte // the compressed message, without the sync tail
	size int
}{
	{"bomb-16MiB", func() []byte { return bomb(16<<20 - 1024) }, 16<<20 - 1024},
	{"text-1MiB", func() []byte { return compressedWith(textLike(3, 1<<20)) }, 1 << 20},
	{"random-1MiB", func() []byte { return compressedWith(random(3, 1<<20)) }, 1 << 20},
}

// compressedWith compresses msg for one message without context takeover.
func compressedWith(msg []byte) []byte {
	c := NewCompressor(Params{ServerNoContextTakeover: true}, DefaultLevel)
	z, err := c.Compress(nil, msg)
	if err != nil {
		panic(err)
	}
	return z
}

// BenchmarkInflateCost compares the CPU time and memory of inflating one
// message with this package against klauspost/compress's flate reader:
// the whole message into one buffer (Decompressor.Inflate, "wsfuzz";
// the reader read into a buffer of the final size, "klauspost"), and in
// pieces that are not kept (InflateFunc, "wsfuzz-pieces"; the reader read
// 32 KiB at a time, "klauspost-pieces"). ns/op and B/op are per message,
// MB/s per inflated byte.
func BenchmarkInflateCost(b *testing.B) {
	for _, tc := range inflateCostCases {
		z := tc.msg()
		b.Run(tc.name+"/wsfuzz", func(b *testing.B) {
			d := NewDecompressor(Params{ClientNoContextTakeover: true})
			b.SetBytes(int64(tc.size))
			b.ReportAllocs()
			for b.Loop() {
				out, err := d.Inflate(nil, z, 16<<20)
				if err != nil || len(out) != tc.size {
					b.Fatal(len(out), err)
				}
			}
		})
		b.Run(tc.name+"/wsfuzz-pieces", func(b *testing.B) {
			d := NewDecompressor(Params{ClientNoContextTakeover: true})
			b.SetBytes(int64(tc.size))
			b.ReportAllocs()
			var sum byte
			for b.Loop() {
				n, err := d.InflateFunc(z, 16<<20, func(p []byte) error { sum += p[len(p)-1]; return nil })
				if err != nil || n != int64(tc.size) {
					b.Fatal(n, err)
				}
			}
		})
		b.Run(tc.name+"/klauspost-pieces", func(b *testing.B) {
			in := append(append([]byte(nil), z...), syncTail[:]...)
			b.SetBytes(int64(tc.size))
			b.ReportAllocs()
			r := kflate.NewReader(bytes.NewReader(in))
			buf := make([]byte, 32<<10)
			for b.Loop() {
				r.(kflate.Resetter).Reset(bytes.NewReader(in), nil)
				n := 0
				for {
					k, err := r.Read(buf)
					n += k
					if err != nil {
						break
					}
				}
				if n != tc.size {
					b.Fatal(n)
				}
			}
		})
		b.Run(tc.name+"/klauspost", func(b *testing.B) {
			in := append(append([]byte(nil), z...), syncTail[:]...)
			b.SetBytes(int64(tc.size))
			b.ReportAllocs()
			r := kflate.NewReader(bytes.NewReader(in))
			for b.Loop() {
				r.(kflate.Resetter).Reset(bytes.NewReader(in), nil)
				out := bytes.NewBuffer(make([]byte, 0, tc.size))
				if _, err := io.Copy(out, r); err != nil && err != io.ErrUnexpectedEOF || out.Len() != tc.size {
					b.Fatal(out.Len(), err)
				}
			}
		})
	}
}
