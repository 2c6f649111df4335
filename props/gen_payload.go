package props

import (
	"math/rand"

	"github.com/leanovate/gopter"
)

// payloadLengths are the lengths at which masking and framing code changes
// path: empty, shorter than a key, around the 8-byte word and 32-byte block
// of a fast masking loop, and around the 7-bit and 16-bit header forms.
var payloadLengths = []int{
	0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 39, 40, 41, 63, 64, 65,
	124, 125, 126, 127, 128, 65535, 65536, 65537,
}

// Payload generates payloads of at most maxLen bytes: 60% have one of the
// lengths where code changes path (0..5, 7..9, 15..17, 31..33, 39..41,
// 63..65, 124..128, 65535..65537), 30% a random length up to 300, 10% up to
// maxLen; lengths above maxLen are cut to it. The bytes are random. A
// payload shrinks by losing bytes, then by zeroing them.
func Payload(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randPayload(p.Rng, maxLen), shrinker(bytesCands))
	}
}

func randPayloadLen(r *rand.Rand, maxLen int) int {
	var n int
	switch x := r.Intn(10); {
	case x < 6:
		n = payloadLengths[r.Intn(len(payloadLengths))]
		if n > 1000 && r.Intn(4) != 0 {
			// The 16-bit boundary is costly to drive through a session;
			// draw it a quarter as often as the short boundaries.
			n = payloadLengths[r.Intn(len(payloadLengths)-3)]
		}
	case x < 9:
		n = r.Intn(301)
	default:
		n = r.Intn(maxLen + 1)
	}
	return min(n, maxLen)
}

func randPayload(r *rand.Rand, maxLen int) []byte {
	b := make([]byte, randPayloadLen(r, maxLen))
	r.Read(b)
	return b
}

// MaskOffset generates the key offset at which masking starts: 0..3, and
// 4..11 a third of the time, since an implementation must reduce offsets
// modulo 4 itself. It shrinks towards 0.
func MaskOffset() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		n := p.Rng.Intn(4)
		if p.Rng.Intn(3) == 0 {
			n = 4 + p.Rng.Intn(8)
		}
		return gopter.NewGenResult(n, shrinker(func(v int) cands[int] { return intCands(v) }))
	}
}
