package corpus

import (
	"regexp"
	"strings"
)

// ParseHTML reads an Autobahn HTML case page (<agent>_case_<id>.html).
// Autobahn's template writes every part in a fixed element: the title in
// <p class="case ...">, description, expectation, outcome and closing
// verdict in <p class="case_text_block ...">, the handshake in two
// <pre class="http_dump">, the closing details as table rows, and each
// wire-log line in its own <pre class="wirelog_...">, whose class also
// tells a synchronous write ("wirelog_tx_octets_sync"). The template does
// not escape what it writes, so neither does the reader: "&" in a payload
// is "&" on the page.
//
// What the page loses against the JSON is as for ParseText, except that
// TX octet entries keep their sync flag. ParseHTML completes the case as
// ParseJSON does.
func ParseHTML(data []byte, source string) (*Case, error) {
	return fromPage(htmlPage(string(data)), source)
}

var (
	htmlTitleRE    = regexp.MustCompile(`(?s)<p class="case [^"]*">(.*?)</p>`)
	htmlBlockRE    = regexp.MustCompile(`(?s)<p class="case_text_block ([a-z_]+)">(.*?)</p>`)
	htmlPickleRE   = regexp.MustCompile(`(?s)<span class="case_pickle">(.*?)</span>`)
	htmlDumpRE     = regexp.MustCompile(`(?s)<pre class="http_dump">(.*?)</pre>`)
	htmlRowRE      = regexp.MustCompile(`<tr class="stats_row"><td>([A-Za-z]+)</td><td class="left">(.*?)</td><td class="left">`)
	htmlWireRE     = regexp.MustCompile(`(?s)<pre class="(wirelog_[a-z_]+)">(.*?)</pre>`)
	htmlTagRE      = regexp.MustCompile(`<[^>]*>`)
	htmlStatsRE    = regexp.MustCompile(`(?s)<h3>Octets (Received|Transmitted) by Chop Size</h3>\s*<table>(.*?)</table>`)
	htmlStatRowRE  = regexp.MustCompile(`<tr class="stats_(row|total)">(.*?)</tr>`)
	htmlCellRE     = regexp.MustCompile(`<td>([^<]*)</td>`)
	htmlHeadingEnd = regexp.MustCompile(`(?s)^\s*<b>[^<]*</b>(\s*<br/?>)*`)
)

// isCasePage reports whether an HTML file is a case page (not the report's
// index.html), for skipping other pages in a directory.
func isCasePage(data []byte) bool {
	s := string(data)
	return strings.Contains(s, `<p class="case `) && strings.Contains(s, `id="wirelog"`)
}

func htmlPage(s string) *page {
	p := &page{}
	if m := htmlTitleRE.FindStringSubmatch(s); m != nil {
		p.title = strings.Join(strings.Fields(stripTags(m[1])), " ")
	}
	for _, m := range htmlBlockRE.FindAllStringSubmatch(s, -1) {
		body := htmlHeadingEnd.ReplaceAllString(m[2], "")
		switch m[1] {
		case "case_desc":
			p.description = strings.TrimSpace(body)
		case "case_expect":
			p.expectation = strings.TrimSpace(body)
		case "case_closing_beh":
			p.closeBehavior = strings.TrimSpace(stripTags(body))
		case "case_outcome":
			res, _, _ := strings.Cut(body, "<br")
			p.result = strings.TrimSpace(stripTags(res))
			pk := htmlPickleRE.FindAllStringSubmatch(body, 2)
			if len(pk) > 0 {
				p.expected = strings.TrimSpace(pk[0][1])
			}
			if len(pk) > 1 {
				p.observed = strings.TrimSpace(pk[1][1])
			}
		}
	}
	dumps := htmlDumpRE.FindAllStringSubmatch(s, 2)
	if len(dumps) > 0 {
		p.request = httpLines(dumps[0][1])
	}
	if len(dumps) > 1 {
		p.response = httpLines(dumps[1][1])
	}
	for _, m := range htmlRowRE.FindAllStringSubmatch(s, -1) {
		p.closing = append(p.closing, [2]string{m[1], m[2]})
	}
	for _, m := range htmlStatsRE.FindAllStringSubmatch(s, 2) {
		var rows []statsRow
		var total statsRow
		for _, r := range htmlStatRowRE.FindAllStringSubmatch(m[2], -1) {
			var cells []string
			for _, cm := range htmlCellRE.FindAllStringSubmatch(r[2], -1) {
				cells = append(cells, cm[1])
			}
			if r[1] == "total" && len(cells) > 0 {
				total = statsRow{cells: cells[1:]}
			} else {
				rows = append(rows, statsRow{cells: cells})
			}
		}
		if m[1] == "Received" {
			p.rxStats = tableStats(rows, total)
		} else {
			p.txStats = tableStats(rows, total)
		}
	}
	if i := strings.Index(s, `id="wirelog"`); i >= 0 {
		p.wireLogStarted = true
		for _, m := range htmlWireRE.FindAllStringSubmatch(s[i:], -1) {
			p.wire = append(p.wire, wireLine{text: m[2], class: m[1]})
		}
	}
	return p
}

func stripTags(s string) string { return htmlTagRE.ReplaceAllString(s, "") }

func httpLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimRight(l, " \t"); l != "" {
			out = append(out, l)
		}
	}
	return out
}
