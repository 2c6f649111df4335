package probe

import (
	"regexp"
	"strings"

	"github.com/wsfuzz/wsfuzz/oracle"
)

// sizes matches the numbers in a verdict that vary from one input to the
// next without changing what went wrong: offsets, piece numbers, byte
// counts, the addresses and goroutine numbers of a panic, and which
// undefined close code a server sent. The expected and observed close
// codes stay: a 1002 where 1007 was due is another finding than a 1002
// where 1000 was.
var sizes = regexp.MustCompile(`(offset|piece|pieces|of|allocated|limit|is|goroutine|out of range \[:?|with length|capacity) -?[0-9]+|0x[0-9a-f]+|[0-9]+ (bytes|pieces)|close code [0-9]+ may not`)

var number = regexp.MustCompile(`-?[0-9]+|0x[0-9a-f]+`)

// Signature is the class of a failing verdict: its kind and the lines
// that say what went wrong (the violation, the expected and observed
// close, what strict mode holds against the server), with the numbers
// that vary from input to input left out. The messages exchanged are left
// out too: two inputs whose echo differs the same way are one finding.
func Signature(v oracle.Verdict) string {
	lines := strings.Split(v.String(), "\n")
	keep := []string{lines[0]}
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "expected "), strings.HasPrefix(l, "observed "), strings.HasPrefix(l, "goroutine "):
			continue
		case v.Kind == oracle.Panicked && !strings.HasPrefix(l, "panic:"):
			continue
		}
		keep = append(keep, sizes.ReplaceAllStringFunc(l, func(s string) string { return number.ReplaceAllString(s, "N") }))
	}
	return strings.Join(keep, " | ")
}
