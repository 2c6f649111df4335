package props

import "github.com/leanovate/gopter"

// This file holds the shrinking machinery shared by the generators. gopter
// shrinks a failing value by asking its shrinker for candidates, keeping the
// first one that still fails and starting over from it. Candidates are
// therefore listed from the boldest simplification (drop everything) to the
// smallest one (clear one bit), and produced lazily: a 64 KiB payload has
// far more candidates than a shrink ever looks at.

// cands yields candidates one at a time until ok is false.
type cands[T any] func() (v T, ok bool)

// none yields nothing.
func none[T any]() cands[T] { return func() (v T, ok bool) { return v, false } }

// list yields xs in order.
func list[T any](xs ...T) cands[T] {
	i := 0
	return func() (v T, ok bool) {
		if i == len(xs) {
			return v, false
		}
		i++
		return xs[i-1], true
	}
}

// concat yields the candidates of each c in turn.
func concat[T any](cs ...cands[T]) cands[T] {
	return func() (v T, ok bool) {
		for len(cs) > 0 {
			if v, ok = cs[0](); ok {
				return v, true
			}
			cs = cs[1:]
		}
		return v, false
	}
}

// lazy defers building a candidate list until it is first asked for.
func lazy[T any](f func() cands[T]) cands[T] {
	var c cands[T]
	return func() (T, bool) {
		if c == nil {
			c = f()
		}
		return c()
	}
}

// mapc yields f of each candidate of c.
func mapc[A, B any](c cands[A], f func(A) B) cands[B] {
	return func() (v B, ok bool) {
		a, ok := c()
		if !ok {
			return v, false
		}
		return f(a), true
	}
}

// keep yields the candidates of c for which ok holds.
func keep[T any](c cands[T], ok func(T) bool) cands[T] {
	return func() (v T, found bool) {
		for {
			if v, found = c(); !found || ok(v) {
				return v, found
			}
		}
	}
}

// shrink adapts c to gopter.
func (c cands[T]) shrink() gopter.Shrink {
	return func() (any, bool) { return c() }
}

// shrinker adapts a candidate function to a gopter.Shrinker.
func shrinker[T any](f func(T) cands[T]) gopter.Shrinker {
	return func(v any) gopter.Shrink { return f(v.(T)).shrink() }
}

// maxChunkSteps bounds how finely a long slice is cut when shrinking: chunks
// shorter than len/maxChunkSteps are not tried on slices longer than
// 2*maxChunkSteps, so a shrink never copies a long slice thousands of times.
const maxChunkSteps = 64

// maxElemShrinks bounds the elements of a slice whose value is simplified.
const maxElemShrinks = 48

// maxElemShrinkLen is the longest slice whose elements are simplified:
// a longer one must first lose length, which is both the bolder shrink and
// the cheaper one to check.
const maxElemShrinkLen = 512

// sliceCands yields, for a non-empty xs: the empty slice, xs with chunks
// removed (halves, quarters, ... down to single elements for short slices),
// then xs with one of its first elements replaced by each candidate of elem.
func sliceCands[T any](xs []T, elem func(T) cands[T]) cands[[]T] {
	if len(xs) == 0 {
		return none[[]T]()
	}
	k, off := len(xs)/2, 0
	removals := func() (v []T, ok bool) {
		for k > 0 {
			if len(xs) > 2*maxChunkSteps && k < len(xs)/maxChunkSteps {
				k = 0
				break
			}
			if off+k > len(xs) {
				off, k = 0, k/2
				continue
			}
			v = make([]T, 0, len(xs)-k)
			v = append(append(v, xs[:off]...), xs[off+k:]...)
			off += k
			return v, true
		}
		return v, false
	}
	i := 0
	var cur cands[T]
	elems := func() (v []T, ok bool) {
		if elem == nil || len(xs) > maxElemShrinkLen {
			return v, false
		}
		for i < len(xs) && i < maxElemShrinks {
			if cur == nil {
				cur = elem(xs[i])
			}
			if e, ok := cur(); ok {
				v = append([]T(nil), xs...)
				v[i] = e
				return v, true
			}
			cur = nil
			i++
		}
		return v, false
	}
	return concat(list([]T{}), removals, elems)
}

// byteCands simplifies one byte: to zero, then with one of its set bits
// cleared, highest first. Clearing bits keeps the rest of a header byte
// (opcode, length code) while removing a flag.
func byteCands(b byte) cands[byte] {
	if b == 0 {
		return none[byte]()
	}
	xs := []byte{0}
	for bit := 7; bit >= 0; bit-- {
		if c := b &^ (1 << bit); c != b && c != 0 {
			xs = append(xs, c)
		}
	}
	return list(xs...)
}

// bytesCands shrinks a byte slice: shorter, then simpler bytes.
func bytesCands(b []byte) cands[[]byte] { return sliceCands(b, byteCands) }

// int64Cands shrinks v towards zero through the anchors below it (in
// ascending order, so the smallest failing anchor wins), then v/2 and v-1.
func int64Cands(v int64, anchors []int64) cands[int64] {
	if v <= 0 {
		return none[int64]()
	}
	var xs []int64
	seen := map[int64]bool{v: true}
	add := func(x int64) {
		if x >= 0 && x < v && !seen[x] {
			seen[x] = true
			xs = append(xs, x)
		}
	}
	add(0)
	for _, a := range anchors {
		add(a)
	}
	add(v / 2)
	add(v - 1)
	return list(xs...)
}

// intCands is int64Cands for ints.
func intCands(v int, anchors ...int) cands[int] {
	as := make([]int64, len(anchors))
	for i, a := range anchors {
		as[i] = int64(a)
	}
	return mapc(int64Cands(int64(v), as), func(x int64) int { return int(x) })
}
