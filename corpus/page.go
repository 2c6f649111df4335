package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// page is a case page, HTML or its plain-text rendering, cut into the
// parts Autobahn's report template writes. Both readers fill one and
// fromPage turns it into a Case, so the two forms read alike.
type page struct {
	title          string // "<agent> - Case <id> : <Pass|Fail|...> - <n> ms @ <time>"
	description    string
	expectation    string
	result         string // the first line of "Case Outcome"
	expected       string // the Python rendering of the expected events
	observed       string
	closeBehavior  string      // "Connection was properly closed (OK)"
	request        []string    // the opening handshake request, line by line
	response       []string    // and the response
	closing        [][2]string // the "Closing Behavior" table: key, value
	wire           []wireLine
	wireLogStarted bool
	// rxStats and txStats are the "Octets Received/Transmitted by Chop
	// Size" tables, nil when absent or unreadable.
	rxStats, txStats octetStats
}

// wireLine is one line of the wire log; class is the CSS class of the HTML
// line ("wirelog_tx_octets_sync"), "" in the text form.
type wireLine struct {
	text, class string
}

// titleRE matches the title line of a case page. The agent may itself
// contain " - ", so the case id anchors the match.
var titleRE = regexp.MustCompile(`^(.*?) - Case ([0-9][0-9A-Za-z._-]*) : (.+?) - (\d+) ms @ (.*)$`)

// verdictOfLabel maps the label of a page's title to Autobahn's verdict.
// The page shows "Fail" for every verdict that is not a pass, non-strict
// or informational; an index.json, when read with the page, says which.
func verdictOfLabel(label string) string {
	switch strings.TrimSpace(label) {
	case "Pass":
		return "OK"
	case "Non-Strict":
		return "NON-STRICT"
	case "Informational", "Info":
		return "INFORMATIONAL"
	case "No Close":
		return "NO_CLOSE"
	case "Unimplemented":
		return "UNIMPLEMENTED"
	}
	return "FAILED"
}

// head returns a case with what the page's title and closing verdict
// say: id, agent, verdicts, duration and the closing result; false when
// the page has no case title.
func (p *page) head() (*Case, bool) {
	m := titleRE.FindStringSubmatch(strings.TrimSpace(p.title))
	if m == nil {
		return nil, false
	}
	c := &Case{ID: m[2], Agent: m[1], Behavior: verdictOfLabel(m[3])}
	c.DurationMS, _ = strconv.Atoi(m[4])
	if i := strings.LastIndex(p.closeBehavior, " ("); i >= 0 && strings.HasSuffix(p.closeBehavior, ")") {
		c.ResultClose = p.closeBehavior[:i]
		c.BehaviorClose = p.closeBehavior[i+2 : len(p.closeBehavior)-1]
	} else {
		c.ResultClose = p.closeBehavior
	}
	return c, true
}

// fromPage builds a Case from a page.
func fromPage(p *page, source string) (*Case, error) {
	c, ok := p.head()
	if !ok {
		return nil, &ParseError{File: source, Entry: -1, Msg: "not an Autobahn case page: no \"<agent> - Case <id> : <verdict> - <n> ms @ <time>\" title"}
	}
	if !p.wireLogStarted {
		return nil, &ParseError{File: source, Entry: -1, Msg: "not an Autobahn case page: no wire log"}
	}
	c.Source = source
	c.Description = p.description
	c.Expectation = p.expectation
	c.Result = p.result
	c.HTTPRequest = joinHTTP(p.request)
	c.HTTPResponse = joinHTTP(p.response)
	c.SuiteVersion = suiteVersion(c.HTTPRequest, c.HTTPResponse)
	plainIsBytes := pyDialect(c.SuiteVersion, p.expected, p.observed)
	if p.expected != "" {
		exp, err := parseExpected(p.expected, plainIsBytes)
		switch {
		case err == nil:
			c.Expected = exp
		case strings.HasSuffix(p.expected, pageCut):
			c.ExpectedCut = true
		default:
			return nil, &ParseError{File: source, Entry: -1, Msg: "Expected: " + err.Error()}
		}
	}
	if p.observed != "" {
		if obs, err := parsePyEvents(p.observed, plainIsBytes); err == nil {
			c.Received = obs
		}
	}
	for _, kv := range p.closing {
		setClosing(c, kv[0], kv[1])
	}
	wire, err := parseWireLines(p.wire)
	if err != nil {
		err.File = source
		return nil, err
	}
	c.Wire = wire
	c.txStats, c.rxStats = p.txStats, p.rxStats
	complete(c)
	return c, nil
}

// pageCut ends a block a case page cut short: old suites show at most
// 1,000 characters of the expected and observed events.
const pageCut = " ..."

// joinHTTP rebuilds a handshake from the lines a page shows: Autobahn
// writes it with its final empty line stripped, and HTTP lines end in CRLF.
func joinHTTP(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// setClosing stores one row of the "Closing Behavior" table.
func setClosing(c *Case, key, val string) {
	val = strings.TrimSpace(val)
	b := val == "True"
	n, _ := strconv.Atoi(val)
	s := val
	if val == "None" {
		s = ""
	}
	cl := &c.Closing
	switch key {
	case "isServer":
		c.FuzzerIsServer = b
	case "closedByMe":
		cl.ClosedByMe = b
	case "failedByMe":
		cl.FailedByMe = b
	case "droppedByMe":
		cl.DroppedByMe = b
	case "wasClean":
		cl.WasClean = b
	case "wasNotCleanReason":
		cl.WasNotCleanReason = s
	case "wasServerConnectionDropTimeout":
		cl.WasServerConnectionDropTimeout = b
	case "wasOpenHandshakeTimeout":
		cl.WasOpenHandshakeTimeout = b
	case "wasCloseHandshakeTimeout":
		cl.WasCloseHandshakeTimeout = b
	case "localCloseCode":
		cl.LocalCloseCode = n
	case "localCloseReason":
		cl.LocalCloseReason = s
	case "remoteCloseCode":
		cl.RemoteCloseCode = n
	case "remoteCloseReason":
		cl.RemoteCloseReason = s
	}
}

// closingKeys are the rows of the "Closing Behavior" table with the start
// of each row's description, which the text rendering runs into the value.
var closingKeys = []struct{ key, desc string }{
	{"isServer", "True, iff I (the fuzzer) am a server"},
	{"closedByMe", "True, iff I have initiated closing handshake"},
	{"failedByMe", "True, iff I have failed the WS connection"},
	{"droppedByMe", "True, iff I dropped the TCP connection"},
	{"wasClean", "True, iff full WebSocket"},
	{"wasNotCleanReason", "When wasClean == False"},
	{"wasServerConnectionDropTimeout", "When we are a client, and we expected"},
	{"wasOpenHandshakeTimeout", "When performing the opening handshake"},
	{"wasCloseHandshakeTimeout", "When we initiated a closing handshake"},
	{"localCloseCode", "The close code I sent"},
	{"localCloseReason", "The close reason I sent"},
	{"remoteCloseCode", "The close code the peer sent"},
	{"remoteCloseReason", "The close reason the peer sent"},
}

// splitClosingRow splits a text-rendered table row such as
// "closedByMeTrueTrue, iff I have initiated ..." into key and value.
func splitClosingRow(line string) (key, val string, ok bool) {
	for _, k := range closingKeys {
		rest, found := strings.CutPrefix(line, k.key)
		if !found {
			continue
		}
		i := strings.Index(rest, k.desc)
		if i < 0 {
			continue
		}
		return k.key, rest[:i], true
	}
	return "", "", false
}

// wireErr is a wire-log error at entry n; the caller sets the file.
func wireErr(n int, kind EntryKind, format string, args ...any) *ParseError {
	return &ParseError{Entry: n, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
