package props

import (
	"fmt"
	"math/rand"

	"github.com/leanovate/gopter"
)

// Chop says how a byte stream is cut into reads: the sizes are taken in
// turn, over and over, and the last read gets what is left. A zero is an
// empty read, which an implementation must accept without effect. An empty
// Chop is one read of the whole stream.
type Chop []int

// Split cuts b into reads: at least one, even for an empty b. The pieces
// alias b.
func (c Chop) Split(b []byte) [][]byte {
	if len(c) == 0 || len(b) == 0 {
		return [][]byte{b}
	}
	var out [][]byte
	for i := 0; len(b) > 0; i++ {
		n := c[i%len(c)]
		if i >= len(c) && i%len(c) == 0 && allZero(c) {
			break // a pattern of empty reads only: one round of them is enough
		}
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

func allZero(c Chop) bool {
	for _, n := range c {
		if n != 0 {
			return false
		}
	}
	return true
}

func (c Chop) String() string {
	if len(c) == 0 {
		return "whole"
	}
	return fmt.Sprint([]int(c))
}

// chopSizes are the read sizes that land on header edges: 1 and 2 bytes
// (the fixed part), 4 (with a 16-bit length), 6 and 8 (with a key), 10 and
// 14 (64-bit length, with a key).
var chopSizes = []int{1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15}

// Chops generates read patterns: 15% one read, 15% one byte at a time,
// 25% a few sizes of 0..7 bytes (so empty reads and cuts inside headers
// and multi-byte characters), 20% sizes at header edges (1, 2, 4, 6, 8,
// 10, 14, ...), 15% sizes up to 200 and 10% up to 70000. A pattern shrinks
// to one read, then to fewer and smaller sizes.
func Chops() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randChop(p.Rng), shrinker(chopCands))
	}
}

func randChop(r *rand.Rand) Chop {
	pattern := func(k int, size func() int) Chop {
		c := make(Chop, k)
		for i := range c {
			c[i] = size()
		}
		return c
	}
	switch x := r.Intn(20); {
	case x < 3:
		return nil
	case x < 6:
		return Chop{1}
	case x < 11:
		return pattern(1+r.Intn(4), func() int { return r.Intn(8) })
	case x < 15:
		return pattern(1+r.Intn(6), func() int { return chopSizes[r.Intn(len(chopSizes))] })
	case x < 18:
		return pattern(1+r.Intn(6), func() int { return 1 + r.Intn(200) })
	default:
		return pattern(1+r.Intn(4), func() int { return 1 + r.Intn(70000) })
	}
}

func chopCands(c Chop) cands[Chop] {
	if len(c) == 0 {
		return none[Chop]()
	}
	return concat(
		list(Chop(nil)),
		mapc(sliceCands([]int(c), func(n int) cands[int] { return intCands(n, 1, 2) }), func(xs []int) Chop { return Chop(xs) }),
	)
}
