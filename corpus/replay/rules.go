package replay

import (
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Some of Autobahn's case classes change the verdict after the common
// rules, in their own onConnectionLost:
//
//   - the close cases 7.1.1-7.1.5, 7.3.*, 7.5.1, 7.7.* and 7.9.* turn a
//     WRONG CODE closing behaviour into a FAILED behaviour;
//   - 7.1.6 and 7.13.* are informational whatever happens: both verdicts
//     become INFORMATIONAL.
//
// (10.1.1 also checks how many frames the fuzzing client itself sent, which
// depends on the client only.)
func applyCaseRules(id string, v *Verdict) {
	switch {
	case id == "7.1.6" || strings.HasPrefix(id, "7.13."):
		if id == "7.1.6" {
			switch v.Behavior {
			case OK:
				v.Result = "Text message was processed before close."
			case NonStrict:
				v.Result = "Close was processed before text message could be returned."
			}
		} else {
			v.Result = "Actual events are undefined by the spec."
		}
		v.Behavior, v.BehaviorClose = Informational, Informational
	case wrongCodeFails(id):
		if v.BehaviorClose == WrongCode {
			v.Behavior = Failed
			v.Result = v.ResultClose
		}
	}
}

func wrongCodeFails(id string) bool {
	switch id {
	case "7.1.1", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.5.1":
		return true
	}
	for _, p := range []string{"7.3.", "7.7.", "7.9."} {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// expectedClose returns the case's expectedClose. The JSON report carries
// it; the HTML and text reports do not, so for them it comes from the
// catalogue of the suite's cases 1-10 (CatalogueClose), which a report
// of any version of the suite shares.
//
// The catalogue has the rules of the current suite; where the report's
// suite version judged by an older one (see rulechange.go), the older one
// is used, so that the verdict is the one that suite would give.
func expectedClose(c *corpus.Case) corpus.ExpectedClose {
	if len(c.ExpectedClose.CloseCode) > 0 {
		return c.ExpectedClose
	}
	if ec, ok := CatalogueClose(c.ID); ok {
		if beforeWrongEndpointRule(c) {
			ec.ClosedByWrongEndpointIsFatal = false
		}
		return ec
	}
	return c.ExpectedClose
}

// CatalogueClose returns the expectedClose Autobahn|Testsuite defines for
// case id (cases 1-10), and whether it knows the case.
func CatalogueClose(id string) (corpus.ExpectedClose, bool) {
	parts := strings.Split(id, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return corpus.ExpectedClose{}, false
	}
	normal := corpus.ExpectedClose{CloseCode: []int{1000}, ClosedByMe: true, RequireClean: true}
	protocolError := corpus.ExpectedClose{CloseCode: []int{1002}}
	switch {
	case id == "2.5" || parts[0] == "3" || parts[0] == "4":
		if !knownID(id) {
			return corpus.ExpectedClose{}, false
		}
		return protocolError, true
	case parts[0] == "5":
		switch id {
		case "5.1", "5.2", "5.9", "5.10", "5.11", "5.12", "5.13", "5.14", "5.15", "5.16", "5.17", "5.18":
			return protocolError, true
		}
	case parts[0] == "6":
		if invalidUTF8Cases[id] {
			return corpus.ExpectedClose{CloseCode: []int{1007}, ClosedByWrongEndpointIsFatal: true}, true
		}
	case parts[0] == "7":
		if ec, ok := closeCases[id]; ok {
			return ec, true
		}
		if len(parts) == 3 && parts[1] == "7" {
			if code, ok := validCloseCodes[parts[2]]; ok {
				return corpus.ExpectedClose{CloseCode: []int{1000, code}, ClosedByMe: true, RequireClean: true}, true
			}
			return corpus.ExpectedClose{}, false
		}
		if len(parts) == 3 && parts[1] == "9" {
			return corpus.ExpectedClose{CloseCode: []int{1002}, ClosedByMe: true}, true
		}
	}
	if !knownID(id) {
		return corpus.ExpectedClose{}, false
	}
	return normal, true
}

// knownID reports whether id names a case of categories 1-10 (roughly: the
// catalogue does not check the last number's upper bound).
func knownID(id string) bool {
	switch strings.SplitN(id, ".", 2)[0] {
	case "1", "2", "3", "4", "5", "6", "7", "9", "10":
		return true
	}
	return false
}

// invalidUTF8Cases are the 6.* cases that send invalid UTF-8: the server
// must fail the connection with 1007, and a connection closed by the client
// means the server never noticed.
var invalidUTF8Cases = setOf(`
	6.3.1 6.3.2 6.4.1 6.4.2 6.4.3 6.4.4
	6.6.1 6.6.3 6.6.4 6.6.6 6.6.8 6.6.10 6.8.1 6.8.2
	6.10.1 6.10.2 6.10.3 6.11.5
	6.12.1 6.12.2 6.12.3 6.12.4 6.12.5 6.12.6 6.12.7 6.12.8
	6.13.1 6.13.2 6.13.3 6.13.4 6.13.5
	6.14.1 6.14.2 6.14.3 6.14.4 6.14.5 6.14.6 6.14.7 6.14.8 6.14.9 6.14.10
	6.15.1 6.16.1 6.16.2 6.16.3
	6.17.1 6.17.2 6.17.3 6.17.4 6.17.5
	6.18.1 6.18.2 6.18.3 6.18.4 6.18.5
	6.19.1 6.19.2 6.19.3 6.19.4 6.19.5
	6.20.1 6.20.2 6.20.3 6.20.4 6.20.5 6.20.6 6.20.7
	6.21.1 6.21.2 6.21.3 6.21.4 6.21.5 6.21.6 6.21.7 6.21.8`)

// closeCases are the 7.* cases whose expectedClose is not the normal one.
var closeCases = map[string]corpus.ExpectedClose{
	"7.3.2":  {CloseCode: []int{1002}, ClosedByMe: true},
	"7.3.6":  {CloseCode: []int{1002}, ClosedByMe: true},
	"7.5.1":  {CloseCode: []int{1002, 1007}, ClosedByMe: true},
	"7.13.1": {CloseCode: []int{1000, 5000, 1002}, ClosedByMe: true},
	"7.13.2": {CloseCode: []int{1000, 65535, 1002}, ClosedByMe: true},
}

// validCloseCodes are the codes 7.7.N sends; the server may echo them.
var validCloseCodes = map[string]int{
	"1": 1000, "2": 1001, "3": 1002, "4": 1003, "5": 1007, "6": 1008, "7": 1009,
	"8": 1010, "9": 1011, "10": 3000, "11": 3999, "12": 4000, "13": 4999,
}

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}
