//go:build !amd64

package wire

// hasAVX2 is false off amd64: the word loop of MaskCopy does all the work.
var hasAVX2 = false

// maskVector has no vector form on this architecture.
func maskVector(dst, src []byte, key uint64) int { return 0 }
