package oracle

import (
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// Verdict kinds: Autobahn's three for a server that behaved (OK,
// NON-STRICT, FAILED, and INFORMATIONAL where the input was not a fair
// question), and the crashes Autobahn cannot see.
const (
	OK            = replay.OK
	NonStrict     = replay.NonStrict
	Failed        = replay.Failed
	Informational = replay.Informational
	// Panicked: the server's code panicked.
	Panicked = "PANIC"
	// Hung: the server neither reacted nor closed within the deadline.
	Hung = "HANG"
	// Memory: the server allocated far more than the input justifies.
	Memory = "MEMORY"
)

// Verdict is the judgement of one exchange.
type Verdict struct {
	// Kind is one of the verdict kinds above.
	Kind string
	// Autobahn is corpus/replay's verdict on the events and the close
	// (zero for crashes and for frames no client may accept).
	Autobahn replay.Verdict
	// Explanation says why, in a few lines: expected and observed events,
	// close codes, who closed.
	Explanation []string
}

// Pass reports whether the verdict is a pass: OK or INFORMATIONAL, and
// NON-STRICT unless strict; under strict, also nothing strict mode holds
// against the server.
func (v Verdict) Pass(strict bool) bool {
	switch v.Kind {
	case OK, Informational:
		return !strict || len(v.Autobahn.Strict) == 0
	case NonStrict:
		return !strict
	}
	return false
}

// String renders the verdict: its kind, then the explanation, one line
// each, then what strict mode found.
func (v Verdict) String() string {
	var b strings.Builder
	b.WriteString(v.Kind)
	if v.Autobahn.Behavior != "" {
		b.WriteString(" (Autobahn: behavior " + v.Autobahn.Behavior + ", close " + v.Autobahn.BehaviorClose + ")")
	}
	for _, l := range v.Explanation {
		b.WriteString("\n  " + l)
	}
	for _, s := range v.Autobahn.Strict {
		b.WriteString("\n  strict: " + s)
	}
	return b.String()
}

// kindOf folds Autobahn's two verdicts into one kind: the behaviour when
// the close passed, FAILED otherwise.
func kindOf(v replay.Verdict) string {
	if v.Diverged != "" {
		return Failed
	}
	switch v.BehaviorClose {
	case replay.OK, replay.Informational:
	default:
		return Failed
	}
	switch v.Behavior {
	case OK, NonStrict, Informational:
		return v.Behavior
	}
	return Failed
}
