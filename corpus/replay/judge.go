package replay

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Autobahn's verdicts, as its reports spell them.
const (
	OK              = "OK"
	NonStrict       = "NON-STRICT"
	Informational   = "INFORMATIONAL"
	Failed          = "FAILED"
	WrongCode       = "WRONG CODE"
	Unclean         = "UNCLEAN"
	FailedByClient  = "FAILED BY CLIENT"
	Unimplemented   = "UNIMPLEMENTED"
	resultMatch     = "Actual events match at least one expected."
	resultDiffer    = "Actual events differ from any expected."
	resultCloseOK   = "Connection was properly closed"
	resultNeverOpen = "The WebSocket opening handshake was never completed!"
)

// Verdict is the outcome of judging one run of a case.
type Verdict struct {
	// Behavior and BehaviorClose are Autobahn's two verdicts: on the
	// events received and on the closing behaviour. Result and ResultClose
	// are Autobahn's explanations of them.
	Behavior, BehaviorClose string
	Result, ResultClose     string
	// Strict lists what strict mode finds wrong beyond Autobahn's rules;
	// empty when nothing.
	Strict []string
	// Diverged is copied from Observed: the run left the recorded script,
	// so the verdict is not one Autobahn would necessarily give.
	Diverged string
	// RuleChange, when set, says that the case falls under a rule the
	// report's Autobahn version judged by and later versions changed
	// (see rulechange.go); Behavior and BehaviorClose are then the
	// verdicts by the report's rule, Today those by the later one.
	RuleChange string
	Today      [2]string
	// Diff explains the verdict: expected and observed events, close codes,
	// who closed and who dropped TCP.
	Diff []string
}

// Pass reports whether the verdict is a pass. Under Autobahn's rules a case
// passes when its behaviour is OK, NON-STRICT or INFORMATIONAL and its
// closing behaviour OK or INFORMATIONAL. In strict mode NON-STRICT fails, and
// so does every finding in Strict. A diverged run never passes. When a
// rule changed (RuleChange), the verdicts by the later rule (Today) count.
func (v Verdict) Pass(strict bool) bool {
	if v.Diverged != "" {
		return false
	}
	if v.RuleChange != "" {
		v.Behavior, v.BehaviorClose = v.Today[0], v.Today[1]
	}
	switch v.Behavior {
	case OK, Informational:
	case NonStrict:
		if strict {
			return false
		}
	default:
		return false
	}
	if v.BehaviorClose != OK && v.BehaviorClose != Informational {
		return false
	}
	return !strict || len(v.Strict) == 0
}

// Judge applies Autobahn's rules to what was observed in one run of case c:
// the events must equal one of the case's expected sequences, and the
// connection must end as its expectedClose says (closed first by the right
// side, cleanly when required, with an allowed close code or none, and with
// the server dropping TCP). The case-specific rules of the suite's case
// classes are applied too (see rules.go). Judge also collects the strict
// findings and an explanation; it never modifies c or o.
func Judge(c *corpus.Case, o *Observed) Verdict {
	v := Decide(c, o)
	v.Diff = Explain(c, o, v)
	return v
}

// Decide is Judge without the explanation (Diff stays empty), for callers
// that judge often and explain only what fails: the fuzz harness's oracle
// judges every input. Explain adds the explanation afterwards.
func Decide(c *corpus.Case, o *Observed) Verdict {
	v := Verdict{
		Behavior:      Failed,
		BehaviorClose: Failed,
		Result:        resultDiffer,
		ResultClose:   "TCP connection was dropped without close handshake",
		Diverged:      o.Diverged,
	}
	ec := expectedClose(c)
	if selfJudged(c, o) {
		// The case's own code judged the events (Plan.Echo): Autobahn
		// has no expected events to compare, the case set its verdict.
		v.Behavior, v.Result = o.Self.Behavior, o.Self.Result
	}
	for _, k := range verdictOrder(c.Expected) {
		if matchesAny(c.Expected[k], o) {
			v.Behavior = k
			v.Result = resultMatch
			break
		}
	}
	byEvents := v.Behavior
	cl := o.Closing
	if o.Open {
		switch {
		case ec.ClosedByMe != cl.ClosedByMe:
			v.BehaviorClose = Failed
			v.ResultClose = "The connection was failed by the wrong endpoint"
		case ec.RequireClean && !cl.WasClean:
			v.BehaviorClose = Unclean
			v.ResultClose = "The spec requires the connection to be failed cleanly here"
		case cl.RemoteCloseCode != 0 && !slices.Contains(ec.CloseCode, cl.RemoteCloseCode):
			v.BehaviorClose = WrongCode
			v.ResultClose = "The close code should have been " + joinCodes(ec.CloseCode, ",") + " or empty"
		case cl.DroppedByMe:
			v.BehaviorClose = FailedByClient
			v.ResultClose = "It is preferred that the server close the TCP connection"
		default:
			v.BehaviorClose = OK
			v.ResultClose = resultCloseOK
		}
		if ec.ClosedByWrongEndpointIsFatal && ec.ClosedByMe != cl.ClosedByMe {
			v.Behavior = Failed
		}
	} else {
		v.BehaviorClose = Failed
		v.ResultClose = resultNeverOpen
	}
	applyCaseRules(c.ID, &v)
	applyRuleChanges(c, ec, o, byEvents, &v)
	v.Strict = strictFindings(ec, o, v)
	return v
}

// Explain describes Decide's verdict v on c and o in a few lines, as
// Judge's Verdict.Diff.
func Explain(c *corpus.Case, o *Observed, v Verdict) []string {
	return explain(c, expectedClose(c), o, v)
}

// selfJudged reports whether a run's behaviour verdict is the one the case
// gave itself: the case has no expected events and ran a self-judging
// script.
func selfJudged(c *corpus.Case, o *Observed) bool {
	return len(c.Expected) == 0 && o.Self != nil
}

// matchesAny reports whether the observed events equal one of seqs.
func matchesAny(seqs [][]corpus.Event, o *Observed) bool {
	for _, s := range seqs {
		if sameEvents(s, o.Events) {
			return true
		}
	}
	return false
}

// matchesAll reports whether events equal an expected sequence of every
// verdict: the condition on which Autobahn's client starts the closing
// handshake itself (Case.finishWhenDone).
func matchesAll(expected map[string][][]corpus.Event, events []corpus.Event) bool {
	o := &Observed{Events: events}
	for _, seqs := range expected {
		if !matchesAny(seqs, o) {
			return false
		}
	}
	return true
}

// verdictOrder returns the verdicts of expected in the order Autobahn
// tries them. Autobahn tries them in the order the case defined them, which
// a report does not keep; every case defines OK first and NON-STRICT second,
// so those come first and any others follow sorted.
func verdictOrder(expected map[string][][]corpus.Event) []string {
	keys := make([]string, 0, len(expected))
	for k := range expected {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch k {
		case OK:
			return 0
		case NonStrict:
			return 1
		}
		return 2
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return keys
}

// strictFindings returns what strict mode holds against a run beyond
// Autobahn's rules: the places where Autobahn accepts less than RFC 6455
// asks of a server.
func strictFindings(ec corpus.ExpectedClose, o *Observed, v Verdict) []string {
	if !o.Open {
		return nil
	}
	var out []string
	cl := o.Closing
	if v.Behavior == NonStrict {
		out = append(out, "behaviour is NON-STRICT: "+v.Result)
	}
	serverFails := !ec.ClosedByMe
	switch {
	case serverFails && !o.CloseReceived && !cl.ClosedByMe:
		out = append(out, "the server dropped TCP without a close frame where it had to fail the connection with "+joinCodes(ec.CloseCode, " or "))
	case o.CloseReceived && cl.RemoteCloseCode == 0 && len(ec.CloseCode) > 0 && (serverFails || o.CloseCodeSent):
		out = append(out, "the server's close frame has no code where "+joinCodes(ec.CloseCode, " or ")+" was expected")
	}
	if !cl.WasClean && v.BehaviorClose != Unclean {
		reason := cl.WasNotCleanReason
		if reason == "" {
			reason = "the closing handshake did not complete"
		}
		out = append(out, "the connection did not close cleanly: "+reason)
	}
	return out
}

// explain describes the verdict in a few lines.
func explain(c *corpus.Case, ec corpus.ExpectedClose, o *Observed, v Verdict) []string {
	var out []string
	if selfJudged(c, o) {
		out = append(out, fmt.Sprintf("the case judged itself: %s %s", o.Self.Behavior, o.Self.Result))
	} else {
		for _, k := range verdictOrder(c.Expected) {
			for _, s := range c.Expected[k] {
				out = append(out, fmt.Sprintf("expected %-13s %s", k+":", formatEvents(s)))
			}
		}
		out = append(out, fmt.Sprintf("observed %-13s %s", "", formatEvents(o.Events)))
	}
	if !o.Open {
		msg := "the opening handshake did not complete"
		if o.HandshakeError != "" {
			msg += ": " + o.HandshakeError
		}
		return append(out, msg)
	}
	cl := o.Closing
	out = append(out, fmt.Sprintf("close expected: first by %s, code %s, clean %s",
		side(ec.ClosedByMe), joinCodes(ec.CloseCode, " or "), map[bool]string{true: "required", false: "not required"}[ec.RequireClean]))
	remote := "no close frame"
	if o.CloseReceived {
		remote = "close frame without code"
		switch {
		case o.ServerCloseHasCode && o.ServerCloseCode != cl.RemoteCloseCode:
			remote = fmt.Sprintf("close code %d (which Autobahn's client takes for invalid: it failed the connection and recorded %d)", o.ServerCloseCode, cl.RemoteCloseCode)
		case cl.RemoteCloseCode != 0:
			remote = "close code " + strconv.Itoa(cl.RemoteCloseCode)
		}
	}
	local := "none"
	if o.CloseCodeSent {
		local = strconv.Itoa(cl.LocalCloseCode)
	}
	clean := "clean"
	if !cl.WasClean {
		clean = "not clean"
		if cl.WasNotCleanReason != "" {
			clean += " (" + cl.WasNotCleanReason + ")"
		}
	}
	first := side(cl.ClosedByMe)
	if !cl.ClosedByMe && !o.CloseReceived {
		first = "nobody (no close frame)"
	}
	out = append(out, fmt.Sprintf("close observed: first by %s, server sent %s, client sent code %s, %s, TCP dropped by %s",
		first, remote, local, clean, map[bool]string{true: "the client", false: "the server"}[cl.DroppedByMe]))
	if o.TimedOut {
		out = append(out, "the server kept the connection open until the replay gave up")
	}
	if o.Diverged != "" {
		out = append(out, "diverged: "+o.Diverged)
	}
	if v.RuleChange != "" {
		out = append(out, "rule changed: "+v.RuleChange)
	}
	return out
}

func side(byClient bool) string {
	if byClient {
		return "client"
	}
	return "server"
}

func joinCodes(codes []int, sep string) string {
	if len(codes) == 0 {
		return "(any)"
	}
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, sep)
}

// formatEvents prints events the way a report lists them.
func formatEvents(events []corpus.Event) string {
	parts := make([]string, len(events))
	for i, e := range events {
		data := string(e.Data)
		if e.Kind != "timeout" {
			data = Render(e.Data)
		}
		switch e.Kind {
		case "message":
			kind := "text"
			if e.Binary {
				kind = "binary"
			}
			parts[i] = fmt.Sprintf("message %s %q", kind, data)
		case "timeout":
			parts[i] = "timeout " + data
		default:
			parts[i] = fmt.Sprintf("%s %q", e.Kind, data)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
