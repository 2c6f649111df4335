package props

import (
	"bytes"
	"fmt"

	"github.com/leanovate/gopter"
)

// MaskFunc masks b in place with key, starting at key offset pos, and
// returns the key offset after the last byte (the signature of
// wire.MaskBytes).
type MaskFunc func(key [4]byte, pos int, b []byte) int

// maskDefinition is RFC 6455 section 5.3 word for word: octet i of the
// transformed data is octet i of the original XOR octet (i MOD 4) of the
// key, where i counts from the key offset pos.
func maskDefinition(key [4]byte, pos int, b []byte) []byte {
	out := make([]byte, len(b))
	for i := range b {
		out[i] = b[i] ^ key[(pos+i)%4]
	}
	return out
}

// maxMaskLen bounds masked payloads: past the 16-bit length boundary.
const maxMaskLen = 70000

// maxPiecesLen bounds the payloads masked in pieces: many times the word
// and block sizes of a fast loop, and short enough that masking one byte
// at a time stays cheap.
const maxPiecesLen = 4096

// MaskInvolution states that masking twice with the same key and offset
// restores any payload (from Payload, lengths around the word and block
// sizes of fast loops), and that both calls return the same offset.
func MaskInvolution(mask MaskFunc) gopter.Prop {
	return forAll(func(args Tuple) string {
		payload, key, pos := args[0].([]byte), args[1].([4]byte), args[2].(int)
		b := bytes.Clone(payload)
		p1 := mask(key, pos, b)
		p2 := mask(key, pos, b)
		if !bytes.Equal(b, payload) {
			return fmt.Sprintf("masked twice: %s, want %s", showBytes(b), showBytes(payload))
		}
		if p1 != p2 {
			return fmt.Sprintf("offsets %d then %d", p1, p2)
		}
		return ""
	}, Payload(maxMaskLen), MaskKey(), MaskOffset())
}

// MaskMatchesDefinition states that masking equals the byte-wise
// definition of RFC 6455 section 5.3 at any key offset, and returns the
// offset after the last byte, (pos + len) mod 4.
func MaskMatchesDefinition(mask MaskFunc) gopter.Prop {
	return forAll(func(args Tuple) string {
		payload, key, pos := args[0].([]byte), args[1].([4]byte), args[2].(int)
		b := bytes.Clone(payload)
		next := mask(key, pos, b)
		if want := maskDefinition(key, pos, payload); !bytes.Equal(b, want) {
			return fmt.Sprintf("masked %s, want %s", showBytes(b), showBytes(want))
		}
		if want := (pos + len(payload)) % 4; next != want {
			return fmt.Sprintf("next offset %d, want %d", next, want)
		}
		return ""
	}, Payload(maxMaskLen), MaskKey(), MaskOffset())
}

// MaskOffsetComposition states that masking a payload in pieces (cut as
// by Chops), each at the offset the previous piece returned, equals
// masking it whole: what lets a reader unmask a frame as its bytes arrive.
func MaskOffsetComposition(mask MaskFunc) gopter.Prop {
	return forAll(func(args Tuple) string {
		payload, key, pos, chop := args[0].([]byte), args[1].([4]byte), args[2].(int), args[3].(Chop)
		whole := bytes.Clone(payload)
		wantNext := mask(key, pos, whole)
		pieces := bytes.Clone(payload)
		next := pos
		for _, piece := range chop.Split(pieces) {
			next = mask(key, next, piece)
		}
		if !bytes.Equal(pieces, whole) {
			return fmt.Sprintf("in pieces %s, whole %s", showBytes(pieces), showBytes(whole))
		}
		if next != wantNext {
			return fmt.Sprintf("offset after the pieces %d, after the whole %d", next, wantNext)
		}
		return ""
	}, Payload(maxPiecesLen), MaskKey(), MaskOffset(), Chops())
}

// showBytes formats a byte slice in hex, cut after 32 bytes.
func showBytes(b []byte) string {
	if len(b) <= 32 {
		return fmt.Sprintf("[% X]", b)
	}
	return fmt.Sprintf("[% X ...](%d bytes)", b[:32], len(b))
}
