package wire

import "golang.org/x/sys/cpu"

// hasAVX2 selects the vector loop; the word loop serves CPUs without it.
var hasAVX2 = cpu.X86.HasAVX2

// maskAVX2 XORs n bytes of src, n a multiple of 32, with the repeated key
// and stores them to dst.
//
//go:noescape
func maskAVX2(dst, src *byte, n int, key uint64)

// maskVector masks the longest prefix of src that is a multiple of 32
// bytes with vector instructions and returns its length (0 when the CPU
// lacks AVX2 or src is short).
func maskVector(dst, src []byte, key uint64) int {
	if !hasAVX2 || len(src) < 64 {
		return 0
	}
	n := len(src) &^ 31
	_ = dst[n-1]
	maskAVX2(&dst[0], &src[0], n, key)
	return n
}
