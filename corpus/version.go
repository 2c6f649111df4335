package corpus

import (
	"regexp"
	"strconv"
	"strings"
)

// The Autobahn|Testsuite that wrote a report names itself in the opening
// handshake: in the User-Agent of its fuzzing client (reports/servers) or
// the Server header of its fuzzing server (reports/clients), as
// "AutobahnTestSuite/0.8.0-0.10.9" (suite version, then the autobahn
// library's) or, before 0.5, "AutobahnWebSocketsTestSuite/0.4.10". The
// Python 3 port of the suite sends neither header.
var suiteVersionRE = regexp.MustCompile(`(?im)^(?:User-Agent|Server):\s*Autobahn(?:WebSockets)?TestSuite/([0-9]+(?:\.[0-9]+)*)`)

// suiteVersion returns the suite version a handshake names, "" when none.
func suiteVersion(request, response string) string {
	for _, h := range []string{request, response} {
		if m := suiteVersionRE.FindStringSubmatch(h); m != nil {
			return m[1]
		}
	}
	return ""
}

// CompareVersions orders dotted version numbers part by part ("0.8.0" <
// "0.10.1" < "25.10.1"); a missing part counts as 0. Parts that are not
// numbers compare as text.
func CompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		switch {
		case ex == nil && ey == nil:
			if nx != ny {
				if nx < ny {
					return -1
				}
				return 1
			}
		case x != y:
			return strings.Compare(x, y)
		}
	}
	return 0
}
