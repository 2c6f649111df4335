package corpus

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Autobahn's wire log shows at most logLimit bytes of any octet string or
// payload: data longer than cutThreshold bytes is cut to its first logLimit
// bytes and marked with cutMark. Data of 61 to 64 bytes therefore carries
// the mark although it is whole; only the stated length tells.
const (
	logLimit     = 64
	cutThreshold = 60
	cutMark      = " ..."
)

// maxStated bounds the lengths a report may state (1 TiB): larger ones
// are errors rather than numbers to compute with.
const maxStated = 1 << 40

// ParseError is a report that cannot be read, or a wire log that
// contradicts itself. Entry is the index of the offending wire-log entry
// (its number in the HTML and text forms), -1 when the error is not about
// one entry.
type ParseError struct {
	File  string
	Entry int
	Kind  EntryKind
	Msg   string
}

func (e *ParseError) Error() string {
	switch {
	case e.Entry >= 0 && e.Kind != "":
		return fmt.Sprintf("%s: wire log entry %d (%s): %s", e.File, e.Entry, e.Kind, e.Msg)
	case e.Entry >= 0:
		return fmt.Sprintf("%s: wire log entry %d: %s", e.File, e.Entry, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// loggedOctets is a decoded octet entry.
type loggedOctets struct {
	data   []byte
	length int // stated length, -1 when unknown
	exact  bool
}

// decodeLoggedOctets decodes the hex of an octet entry whose stated length
// is n (-1 when the report does not state it).
func decodeLoggedOctets(s string, n int) (loggedOctets, error) {
	body, cut := strings.CutSuffix(s, cutMark)
	if !cut {
		body = strings.TrimSpace(body)
	}
	data, err := decodeHex(body)
	if err != nil {
		return loggedOctets{}, err
	}
	o := loggedOctets{data: data, length: n}
	switch {
	case n > maxStated:
		return o, fmt.Errorf("stated length %d is too large", n)
	case n < 0:
		o.exact = !cut
		if o.exact {
			o.length = len(data)
		}
	case !cut && len(data) != n:
		return o, fmt.Errorf("stated length %d but the hex holds %d octets", n, len(data))
	case len(data) > n:
		return o, fmt.Errorf("stated length %d but %d octets are shown", n, len(data))
	default:
		o.exact = len(data) == n
	}
	return o, nil
}

// loggedPayload is a decoded frame or event payload.
type loggedPayload struct {
	data []byte
	cut  bool // the report marked the payload as cut; data may be a prefix
}

// decodeLoggedPayload decodes a payload as Autobahn logs it: the text
// itself when its first 64 bytes are valid UTF-8, else "0x" and hex, either
// followed by " ..." when the payload is longer than 60 bytes. n is the
// stated length, -1 when unknown. With a stated length the two renderings
// cannot be confused (hex takes 2+2n characters, text n bytes); without
// one, "0x" and hex is taken as hex only when the bytes are not valid
// UTF-8, since Autobahn would have shown valid UTF-8 as text.
func decodeLoggedPayload(s string, n int) loggedPayload {
	body := s
	cut := false
	if n < 0 || n > cutThreshold {
		body, cut = strings.CutSuffix(s, cutMark)
	}
	if rest, ok := strings.CutPrefix(body, "0x"); ok {
		if h, err := decodeHex(rest); err == nil {
			switch {
			case cut:
				return loggedPayload{data: h, cut: true}
			case n >= 0 && len(h) == n:
				return loggedPayload{data: h}
			case n < 0 && !utf8.Valid(h):
				return loggedPayload{data: h}
			}
		}
	}
	return loggedPayload{data: []byte(body), cut: cut}
}

// decodeHex decodes an even-length hex string, naming the first bad digit.
func decodeHex(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd-length hex (%d digits)", len(s))
	}
	out := make([]byte, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := hexVal(s[i])
		lo, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			j := i
			if ok1 {
				j = i + 1
			}
			return nil, fmt.Errorf("invalid hex digit %q at offset %d", s[j], j)
		}
		out[i/2] = hi<<4 | lo
	}
	return out, nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
