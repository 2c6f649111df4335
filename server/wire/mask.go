package wire

import "encoding/binary"

// MaskBytes XORs b in place with the masking key, starting at key offset
// pos (RFC 6455 section 5.3), and returns the key offset after the last
// byte, so that a payload masked in pieces at running offsets equals the
// payload masked whole. Masking twice with the same key and offset restores
// the input.
func MaskBytes(key [4]byte, pos int, b []byte) int {
	return MaskCopy(b, b, key, pos)
}

// MaskCopy writes src XOR the masking key (starting at key offset pos) to
// dst and returns the key offset after the last byte. dst must be at least
// as long as src; dst and src may be the same slice but must not otherwise
// overlap. Unmasking while copying reads and writes each byte once, which is
// what makes the session's payload path run at memory speed.
func MaskCopy(dst, src []byte, key [4]byte, pos int) int {
	n := len(src)
	if n == 0 {
		return pos & 3
	}
	dst = dst[:n]
	i := 0
	if n >= 8 {
		// The key rotated so that its first byte is the one for src[0],
		// repeated to fill a word; unaligned little-endian loads let the
		// compiler emit one 8-byte load, XOR and store per word.
		p := pos & 3
		k32 := uint32(key[p]) | uint32(key[(p+1)&3])<<8 | uint32(key[(p+2)&3])<<16 | uint32(key[(p+3)&3])<<24
		k := uint64(k32) | uint64(k32)<<32
		i = maskVector(dst, src, k)
		for ; i+32 <= n; i += 32 {
			s := src[i : i+32 : i+32]
			d := dst[i : i+32 : i+32]
			w0 := binary.LittleEndian.Uint64(s[0:])
			w1 := binary.LittleEndian.Uint64(s[8:])
			w2 := binary.LittleEndian.Uint64(s[16:])
			w3 := binary.LittleEndian.Uint64(s[24:])
			binary.LittleEndian.PutUint64(d[0:], w0^k)
			binary.LittleEndian.PutUint64(d[8:], w1^k)
			binary.LittleEndian.PutUint64(d[16:], w2^k)
			binary.LittleEndian.PutUint64(d[24:], w3^k)
		}
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(src[i:])^k)
		}
	}
	for ; i < n; i++ {
		dst[i] = src[i] ^ key[(pos+i)&3]
	}
	return (pos + n) & 3
}

// MaskBytesSlow is the byte-wise definition of masking from RFC 6455
// section 5.3: octet i of the payload is XORed with octet (i mod 4) of the
// key. It is the oracle the fast path is tested against.
func MaskBytesSlow(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}
