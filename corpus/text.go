package corpus

import (
	"strings"
)

// ParseText reads the plain-text rendering of an Autobahn case page (the
// HTML page with its tags stripped), as kept in ../shared/seeds/. The
// sections are told apart by their headings ("Case Description", "Case
// Outcome", "Opening Handshake", "Closing Behavior", "Wire Log", ...);
// the wire log is read as described at parseWireLines. The title line
// gives agent, case id, verdict and duration; the "Case Closing Behavior"
// line the close verdict; the "Closing Behavior" table the closing
// details and whether the fuzzer was the server. The opening handshake is
// rebuilt from its lines with CRLF line ends.
//
// The text form loses some things the JSON keeps: verdicts other than
// pass, non-strict and informational all read "Fail" (taken as FAILED),
// octet entries have no stated length, and payload text has been through
// line wrapping. ParseText completes the case as ParseJSON does.
func ParseText(data []byte, source string) (*Case, error) {
	p := textPage(string(data))
	return fromPage(p, source)
}

// textHeadings are the section headings of a case page, in order.
var textHeadings = map[string]bool{
	"Case Description":      true,
	"Case Expectation":      true,
	"Case Outcome":          true,
	"Case Closing Behavior": true,
	"Opening Handshake":     true,
	"Closing Behavior":      true,
	"Wire Statistics":       true,
	"Wire Log":              true,
}

// isCaseText reports whether text looks like a case page rendering, for
// skipping other text files in a directory.
func isCaseText(data []byte) bool {
	s := string(data[:min(len(data), 4096)])
	return strings.Contains(s, " - Case ") && strings.Contains(string(data), "\nWire Log")
}

func textPage(s string) *page {
	p := &page{}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	sections := map[string][]string{}
	current := ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if current == "" && p.title == "" && titleRE.MatchString(t) {
			p.title = t
			continue
		}
		if textHeadings[t] && (current != "Wire Log") {
			current = t
			if t == "Wire Log" {
				p.wireLogStarted = true
			}
			continue
		}
		if current != "" {
			sections[current] = append(sections[current], l)
		}
	}
	p.description = paragraph(sections["Case Description"])
	p.expectation = paragraph(sections["Case Expectation"])

	out := nonBlank(sections["Case Outcome"])
	for i := 0; i < len(out); i++ {
		switch strings.TrimSpace(out[i]) {
		case "Expected:":
			if i+1 < len(out) {
				p.expected = strings.TrimSpace(out[i+1])
				i++
			}
		case "Observed:":
			if i+1 < len(out) {
				p.observed = strings.TrimSpace(out[i+1])
				i++
			}
		default:
			if p.result == "" && p.expected == "" {
				p.result = strings.TrimSpace(out[i])
			}
		}
	}
	p.closeBehavior = paragraph(sections["Case Closing Behavior"])

	inResponse := false
	for _, l := range nonBlank(sections["Opening Handshake"]) {
		l = strings.TrimRight(l, " \t")
		if strings.HasPrefix(l, "HTTP/") {
			inResponse = true
		}
		if inResponse {
			p.response = append(p.response, l)
		} else {
			p.request = append(p.request, l)
		}
	}
	for _, l := range nonBlank(sections["Closing Behavior"]) {
		if k, v, ok := splitClosingRow(strings.TrimSpace(l)); ok {
			p.closing = append(p.closing, [2]string{k, v})
		}
	}
	p.rxStats, p.txStats = textStats(sections["Wire Statistics"])
	for i, l := range sections["Wire Log"] {
		if isWireLogNote(sections["Wire Log"][:i], l) {
			continue
		}
		p.wire = append(p.wire, wireLine{text: l})
	}
	return p
}

// wireLogNotes are the remarks the page template writes between the "Wire
// Log" heading and the first entry, such as the one of the 12.* and 13.*
// cases, which switch wire logging off after the handshake.
var wireLogNotes = map[string]bool{
	"Wire log after handshake disabled!": true,
}

// isWireLogNote reports whether line, preceded in the Wire Log section by
// before, is one of the template's remarks rather than an entry.
func isWireLogNote(before []string, line string) bool {
	if !wireLogNotes[strings.TrimSpace(line)] {
		return false
	}
	for _, b := range before {
		if strings.TrimSpace(b) != "" {
			return false
		}
	}
	return true
}

// paragraph joins a section's lines, dropping blank lines at its ends.
func paragraph(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// textStats reads the octet tables of the "Wire Statistics" section, whose
// cells the text rendering runs together ("Chop SizeCountOctets",
// "157105", "Total9353").
func textStats(lines []string) (rx, tx octetStats) {
	var rows []statsRow
	var into *octetStats
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "Octets Received by Chop Size":
			into, rows = &rx, nil
		case t == "Octets Transmitted by Chop Size":
			into, rows = &tx, nil
		case into == nil, t == "", t == "Chop SizeCountOctets":
		case strings.HasPrefix(t, "Total"):
			*into = tableStats(rows, statsRow{digits: strings.TrimPrefix(t, "Total")})
			into = nil
		case strings.Trim(t, "0123456789") == "":
			rows = append(rows, statsRow{digits: t})
		default:
			into = nil
		}
	}
	return rx, tx
}
