package corpus

import (
	"path"
	"strconv"
	"strings"
)

// Rank orders Autobahn verdict pairs for importing failing cases first:
// 0 for a failure in either verdict (FAILED, WRONG CODE, UNCLEAN, FAILED BY
// CLIENT, NO_CLOSE, anything unknown), 1 for UNIMPLEMENTED, 2 for
// NON-STRICT, 3 for INFORMATIONAL, 4 when both verdicts are OK (an empty
// close verdict counts as OK).
func Rank(behavior, behaviorClose string) int {
	r := min(rankOne(behavior), rankOne(behaviorClose))
	if behaviorClose == "" {
		r = rankOne(behavior)
	}
	return r
}

func rankOne(v string) int {
	switch v {
	case "OK":
		return 4
	case "INFORMATIONAL":
		return 3
	case "NON-STRICT":
		return 2
	case "UNIMPLEMENTED":
		return 1
	}
	return 0
}

// Failing reports whether Autobahn did not pass the case: a verdict other
// than OK, NON-STRICT or INFORMATIONAL in either the case's behaviour or
// its closing behaviour. UNIMPLEMENTED (an extension the server does not
// offer) counts as failing: Autobahn's summary shows it as a failure.
func (c *Case) Failing() bool { return Rank(c.Behavior, c.BehaviorClose) < 2 }

// CompareIDs orders case ids numerically part by part ("2.9" < "2.10").
func CompareIDs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil && na != nb:
			if na < nb {
				return -1
			}
			return 1
		case (ea != nil || eb != nil) && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}

// MatchID reports whether a case id matches one of the patterns, each an
// exact id or a pattern with "*" for any run of characters ("6.4.*",
// "7.*", "*"), as in Autobahn's "cases" option. No patterns match all.
func MatchID(id string, patterns []string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == id {
			return true
		}
		if strings.Contains(p, "*") {
			if ok, err := path.Match(p, id); err == nil && ok {
				return true
			}
		}
	}
	return false
}
