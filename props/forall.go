package props

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
)

// Tuple holds the arguments of a property over several generators.
type Tuple []any

// String formats the arguments briefly: byte slices in hex, cut after 32
// bytes. gopter formats every generated value, even when the property
// holds, so a long payload printed in decimal would cost more than the
// check itself.
func (t Tuple) String() string {
	parts := make([]string, len(t))
	for i, v := range t {
		switch v := v.(type) {
		case []byte:
			parts[i] = showBytes(v)
		case [][]byte:
			parts[i] = showMessages(v)
		default:
			parts[i] = fmt.Sprintf("%+v", v)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// combine generates a Tuple from gens and shrinks it as one value: in
// each round every argument's candidates are tried, and shrinking starts
// over after each success, until no argument can shrink. (prop.ForAll over
// several generators shrinks each argument once, in order, with the others
// fixed at their original values, so a counterexample that needs two
// arguments small together, such as a short payload and a short read size,
// would keep a large first argument.)
func combine(gens ...gopter.Gen) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		vals := make(Tuple, len(gens))
		shrinkers := make([]gopter.Shrinker, len(gens))
		sieves := make([]func(any) bool, len(gens))
		for i, g := range gens {
			res := g(p)
			v, ok := res.Retrieve()
			if !ok {
				return gopter.NewEmptyResult(reflect.TypeOf(Tuple{}))
			}
			vals[i], shrinkers[i], sieves[i] = v, res.Shrinker, res.Sieve
		}
		all := gopter.CombineShrinker(shrinkers...)
		res := gopter.NewGenResult(vals, func(v any) gopter.Shrink {
			return all([]any(v.(Tuple))).Map(func(xs []any) Tuple { return Tuple(xs) })
		})
		res.Sieve = func(v any) bool {
			for i, x := range v.(Tuple) {
				if sieves[i] != nil && !sieves[i](x) {
					return false
				}
			}
			return true
		}
		return res
	}
}

// forAll is prop.ForAll over the Tuple of gens, shrunk as one value.
func forAll(check func(args Tuple) string, gens ...gopter.Gen) gopter.Prop {
	return prop.ForAll(check, combine(gens...))
}
