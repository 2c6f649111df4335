package replay

import (
	"encoding/hex"
	"unicode/utf8"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Autobahn stores payloads in its reports the way its asciiLogData renders
// them: at most 64 octets, followed by " ..." when the payload is longer
// than 60, as text when those octets are valid UTF-8 and as "0x" and hex
// otherwise. Its verdicts compare whole payloads, but a report keeps only
// this rendering, so a replay compares observed payloads in the same form.
const (
	renderMax      = 64
	renderCut      = renderMax - len(renderEllipsis)
	renderEllipsis = " ..."
)

// Render returns the form in which an Autobahn report shows payload p.
func Render(p []byte) string {
	cut := p
	long := len(p) > renderCut
	if long && len(cut) > renderMax {
		cut = cut[:renderMax]
	}
	if utf8.Valid(cut) {
		if long {
			return string(cut) + renderEllipsis
		}
		return string(cut)
	}
	s := "0x" + hex.EncodeToString(cut)
	if long {
		s += renderEllipsis
	}
	return s
}

// eventKey is the comparable form of an event, as a report shows it. An
// observed event holds the whole payload; an event read from a report holds
// what the report shows of it (the first 64 bytes of a cut payload, marked
// Truncated), and rendering either gives the report's text back.
func eventKey(e corpus.Event) string {
	data := string(e.Data)
	if e.Kind != "timeout" {
		data = Render(e.Data)
	}
	switch e.Kind {
	case "message":
		if e.Binary {
			return "message\x00" + data + "\x00binary"
		}
		return "message\x00" + data + "\x00text"
	default:
		return e.Kind + "\x00" + data
	}
}

// sameEvents reports whether two event sequences are equal as a report
// shows them.
func sameEvents(a, b []corpus.Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if eventKey(a[i]) != eventKey(b[i]) {
			return false
		}
	}
	return true
}
