//go:build !amd64

package wire

import "unicode/utf8"

// validUTF8 is utf8.Valid on architectures without a vector form.
func validUTF8(p []byte) bool { return utf8.Valid(p) }
