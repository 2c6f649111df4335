package replay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// The suite's rules of judging changed between its versions, and a report
// records the verdicts of its own version. Judge gives the verdict the
// report's version would give, so that it can be compared with the one the
// report recorded; where a later version judges the same run otherwise, it
// says so in Verdict.RuleChange and gives the later verdicts in
// Verdict.Today, by which Verdict.Pass decides. The changes known:
//
//   - Close codes 1012-1014 (7.9.*). Until 0.7.4 cases 7.9.6-7.9.8 sent
//     1012, 1013 and 1014 as invalid close codes and expected the server to
//     fail the connection with 1002; 0.7.5 dropped 1012 and 1013 (7.9.6 sent
//     1014 from then on) and 0.8.1 dropped 1014. The codes are registered
//     with IANA (Service Restart, Try Again Later, Bad Gateway), so a
//     server may accept them, answering with 1000 or the code itself as for
//     the valid codes of 7.7.*, or refuse them with 1002 as RFC 6455 alone
//     would have it.
//   - Closed by the wrong endpoint (the invalid UTF-8 cases of 6.*). Until
//     0.5.6 a case whose connection the fuzzing client closed first, because
//     the server never noticed the invalid UTF-8, kept an OK behaviour when
//     its events matched; 0.5.7 made that behaviour FAILED
//     (closedByWrongEndpointIsFatal). A JSON report carries the flag in its
//     expectedClose; for case pages, which do not, the version decides.

// registeredCodes are the close codes 1012-1014 by IANA name.
var registeredCodes = map[int]string{1012: "Service Restart", 1013: "Try Again Later", 1014: "Bad Gateway"}

// applyRuleChanges sets v.RuleChange and v.Today when a later version of
// the suite judges the run otherwise; byEvents is the behaviour the events
// alone earned.
func applyRuleChanges(c *corpus.Case, ec corpus.ExpectedClose, o *Observed, byEvents string, v *Verdict) {
	if !o.Open {
		return
	}
	var today [2]string
	var why string
	switch {
	case strings.HasPrefix(c.ID, "7.9.") && registeredCodes[sentCloseCode(c)] != "" && !slices.Contains(ec.CloseCode, sentCloseCode(c)):
		code := sentCloseCode(c)
		today = registeredCodeVerdict(code, o, byEvents, v)
		why = fmt.Sprintf("%s takes close code %d for invalid and expects the server to fail the connection with 1002; "+
			"%d is registered with IANA (%s), and later versions of the suite no longer test it as invalid (1012 and 1013 since 0.7.5, 1014 since 0.8.1): "+
			"a server may accept it (answer 1000 or %d) or refuse it (1002), and by that rule the case is %s/%s",
			suiteName(c), code, code, registeredCodes[code], code, today[0], today[1])
	case beforeWrongEndpointRule(c) && invalidUTF8Cases[c.ID] && ec.ClosedByMe != o.Closing.ClosedByMe && v.Behavior != Failed:
		today = [2]string{Failed, v.BehaviorClose}
		why = fmt.Sprintf("%s keeps the behaviour of an invalid UTF-8 case whose connection the client closed first (the server never noticed) as the events earn it; "+
			"0.5.7 and later fail it: by their rule the case is %s/%s", suiteName(c), today[0], today[1])
	default:
		return
	}
	if today != [2]string{v.Behavior, v.BehaviorClose} {
		v.RuleChange, v.Today = why, today
	}
}

// registeredCodeVerdict judges a run of a 7.9.* case that sent one of the
// registered codes as a later suite would: the server may accept the code
// (answer with 1000 or the code itself) or refuse it (1002); another code
// is WRONG CODE and fails the case. The code counts as it was on the wire:
// Autobahn's own client does not know 1014 and fails the connection on
// it, which says nothing of the server. What the old verdict held against
// the run besides the code (a server that did not drop TCP, say) stands.
func registeredCodeVerdict(code int, o *Observed, byEvents string, v *Verdict) [2]string {
	clientRefused := o.ServerCloseHasCode && o.ServerCloseCode != o.Closing.RemoteCloseCode
	if v.BehaviorClose != WrongCode && !clientRefused {
		return [2]string{v.Behavior, v.BehaviorClose}
	}
	switch o.ServerCloseCode {
	case 1000, 1002, code:
		return [2]string{byEvents, OK}
	}
	return [2]string{Failed, WrongCode}
}

// sentCloseCode returns the code of the first close frame the case sent
// (0 when it is not known).
func sentCloseCode(c *corpus.Case) int {
	for _, e := range c.Wire {
		if e.Kind == corpus.TxFrame && e.Frame != nil && e.Frame.Opcode == 8 && len(e.Frame.Payload) >= 2 {
			return int(e.Frame.Payload[0])<<8 | int(e.Frame.Payload[1])
		}
	}
	return c.Closing.LocalCloseCode
}

// beforeWrongEndpointRule reports whether the report is of a suite older
// than 0.5.7 and carries no expectedClose of its own.
func beforeWrongEndpointRule(c *corpus.Case) bool {
	return len(c.ExpectedClose.CloseCode) == 0 && c.SuiteVersion != "" && corpus.CompareVersions(c.SuiteVersion, "0.5.7") < 0
}

// suiteName names the suite that wrote the report.
func suiteName(c *corpus.Case) string {
	if c.SuiteVersion != "" {
		return "Autobahn|Testsuite " + c.SuiteVersion
	}
	return "The suite version that wrote this report"
}
