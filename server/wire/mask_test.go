package wire

import (
	"bytes"
	"fmt"
	"testing"
)

// TestMaskMatchesDefinition compares the fast path with the byte-wise
// definition for every key offset and every length up to 100, and at the
// word-loop boundaries.
func TestMaskMatchesDefinition(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	lengths := []int{}
	for n := 0; n <= 100; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 255, 256, 257, 4095, 4096, 65536+7)
	for _, n := range lengths {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(i*7 + 3)
		}
		for pos := range 8 {
			fast, slow := bytes.Clone(src), bytes.Clone(src)
			fp := MaskBytes(key, pos, fast)
			sp := MaskBytesSlow(key, pos, slow)
			if fp != sp || !bytes.Equal(fast, slow) {
				t.Fatalf("len %d pos %d: fast differs from the definition (offset %d vs %d)", n, pos, fp, sp)
			}
			dst := make([]byte, n)
			if cp := MaskCopy(dst, src, key, pos); cp != sp || !bytes.Equal(dst, slow) {
				t.Fatalf("len %d pos %d: MaskCopy differs from the definition", n, pos)
			}
		}
	}
}

func TestMaskInPiecesEqualsWhole(t *testing.T) {
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	msg := bytes.Repeat([]byte("payload!"), 100)
	whole := bytes.Clone(msg)
	MaskBytes(key, 0, whole)
	pieces := bytes.Clone(msg)
	pos := 0
	for _, cut := range [][2]int{{0, 3}, {3, 4}, {4, 41}, {41, 42}, {42, 800}} {
		pos = MaskBytes(key, pos, pieces[cut[0]:cut[1]])
	}
	if !bytes.Equal(whole, pieces) {
		t.Fatal("masking in pieces at running offsets differs from masking whole")
	}
	MaskBytes(key, 0, whole)
	if !bytes.Equal(whole, msg) {
		t.Fatal("masking twice does not restore the payload")
	}
}

// The RFC 6455 section 5.7 example: "Hello" masked with 37 fa 21 3d.
func ExampleMaskBytes() {
	payload := []byte("Hello")
	MaskBytes([4]byte{0x37, 0xfa, 0x21, 0x3d}, 0, payload)
	fmt.Printf("% x\n", payload)
	// Output: 7f 9f 4d 51 58
}

func BenchmarkMask(b *testing.B) {
	for _, size := range []int{16, 4 << 10, 64 << 10} {
		buf := make([]byte, size)
		key := [4]byte{1, 2, 3, 4}
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				MaskBytes(key, 1, buf)
			}
		})
		b.Run(fmt.Sprint("copy-", size), func(b *testing.B) {
			dst := make([]byte, size)
			b.SetBytes(int64(size))
			for b.Loop() {
				copy(dst, buf)
			}
		})
	}
}

// TestMaskWordLoop runs the definition check with the vector loop off, so
// the portable loop stays tested on machines that have the vector one.
func TestMaskWordLoop(t *testing.T) {
	saved := hasAVX2
	hasAVX2 = false
	defer func() { hasAVX2 = saved }()
	TestMaskMatchesDefinition(t)
}
