package fuzz

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/wsfuzz/wsfuzz/oracle"
)

// handshakeLimit is the size of the largest request header section the
// server reads (server.MaxHandshakeSize), restated as the contract.
const handshakeLimit = 8 << 10

// handshakeVerdict is what the handshake model expects of a request.
type handshakeVerdict struct {
	// status is 0 while more bytes are needed, else 101, 400, 426 or 431.
	status int
	// size is how many bytes the request takes: its header section.
	size int
	// key is the client's Sec-WebSocket-Key of a valid upgrade.
	key string
	// offers are the elements of every Sec-WebSocket-Extensions field of
	// a valid upgrade, in order.
	offers []oracle.PMDOffer
}

// expectHandshake is the model of the strict opening handshake: it reads
// raw byte by byte with its own rules, from RFC 6455 section 4.2.1 and the
// message syntax of RFC 7230, and decides the server's answer. It shares no
// code with the server's parser (nor uses net/http's).
//
// The header section ends at the first empty line; one that does not end
// within 8 KiB is refused with 431, and until then more bytes are needed.
// A request is refused with 400 when its header section breaks RFC 7230:
//
//   - a line not ended by CR LF (a CR or LF alone anywhere);
//   - a request line other than method SP target SP HTTP/d.d, with a
//     token for method and a target that is a path ("/" first) or an
//     http or https URI, of URI characters and %XX escapes only;
//   - a header line that starts with a space or tab (obs-fold, which a
//     server may refuse), lacks a colon, or whose name is not a token
//     (whitespace before the colon included);
//   - a field value with an octet other than visible ASCII, obs-text
//     (0x80 and up), space or tab once the spaces and tabs around it are
//     dropped (nothing else is whitespace: U+00A0 stays part of a value);
//   - no Host or more than one, or a Host of other than URI characters;
//   - a Content-Length that is not digits;
//
// and then, in this order, for what RFC 6455 section 4.2.1 asks: a method
// other than GET, a version other than HTTP/1.1, an empty Host, no
// "websocket" in Upgrade or no "upgrade" in Connection (comma-separated,
// case-insensitive), a body (a non-zero Content-Length or any
// Transfer-Encoding): 400; not exactly one Sec-WebSocket-Version that is
// 13: 426; not exactly one Sec-WebSocket-Key that is the base64 of 16
// bytes in its canonical form (24 characters, "==" last, the unused bits
// zero): 400. Everything else is upgraded with 101.
func expectHandshake(raw []byte) handshakeVerdict {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 || end+4 > handshakeLimit {
		if len(raw) < handshakeLimit {
			return handshakeVerdict{}
		}
		return handshakeVerdict{status: http.StatusRequestHeaderFieldsTooLarge, size: len(raw)}
	}
	v := handshakeVerdict{status: http.StatusBadRequest, size: end + 4}
	lines, ok := crlfLines(raw[:end+2])
	if !ok {
		return v
	}
	method, target, version, ok := requestLineParts(lines[0])
	if !ok || !validTarget(target) || !validVersion(version) {
		return v
	}
	fields, ok := headerFields(lines[1:])
	if !ok {
		return v
	}
	hosts := fields.values("host")
	if len(hosts) != 1 || !uriChars(hosts[0], true) {
		return v
	}
	body := len(fields.values("transfer-encoding")) > 0
	for _, cl := range fields.values("content-length") {
		if !allDigits(cl) {
			return v
		}
		body = body || strings.Trim(cl, "0") != ""
	}
	if method != "GET" || version != "HTTP/1.1" || hosts[0] == "" ||
		!fields.listHas("upgrade", "websocket") || !fields.listHas("connection", "upgrade") || body {
		return v
	}
	if versions := fields.values("sec-websocket-version"); len(versions) != 1 || versions[0] != "13" {
		v.status = http.StatusUpgradeRequired
		return v
	}
	keys := fields.values("sec-websocket-key")
	if len(keys) != 1 || !canonicalBase64Of16(keys[0]) {
		return v
	}
	v.status, v.key = http.StatusSwitchingProtocols, keys[0]
	for _, offer := range fields.values("sec-websocket-extensions") {
		v.offers = append(v.offers, oracle.ParsePMDOffers(offer)...)
	}
	return v
}

// crlfLines splits a header section (each line with its CR LF) into its
// lines, and reports false when a CR or LF appears other than as a pair.
func crlfLines(head []byte) ([]string, bool) {
	var lines []string
	start := 0
	for i := 0; i < len(head); i++ {
		switch head[i] {
		case '\n':
			return nil, false // an LF not preceded by CR: a CR LF is skipped below
		case '\r':
			if i+1 == len(head) || head[i+1] != '\n' {
				return nil, false
			}
			lines = append(lines, string(head[start:i]))
			i++
			start = i + 1
		}
	}
	return lines, true
}

// requestLineParts cuts a request line at its two single spaces.
func requestLineParts(line string) (method, target, version string, ok bool) {
	method, rest, ok1 := strings.Cut(line, " ")
	target, version, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !tokenOnly(method) || strings.Contains(version, " ") {
		return "", "", "", false
	}
	return method, target, version, true
}

// validTarget accepts a path ("/" and more, perhaps with a query) or an
// absolute http or https URI.
func validTarget(t string) bool {
	if strings.HasPrefix(t, "/") {
		return uriChars(t, false)
	}
	i := strings.Index(t, "://")
	if i < 0 {
		return false
	}
	scheme := strings.ToLower(t[:i])
	return (scheme == "http" || scheme == "https") && len(t) > i+3 && uriChars(t[i+3:], true)
}

// validVersion accepts HTTP/ followed by digit, dot, digit.
func validVersion(v string) bool {
	return len(v) == 8 && v[:5] == "HTTP/" && v[6] == '.' && strings.ContainsRune("0123456789", rune(v[5])) && strings.ContainsRune("0123456789", rune(v[7]))
}

// uriChars reports whether s holds only characters of RFC 3986's
// unreserved and sub-delims sets, ":", "@", "/", "?", %XX escapes, and,
// with brackets, "[" and "]".
func uriChars(s string, brackets bool) bool {
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?"
	const hex = "0123456789abcdefABCDEF"
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s) && strings.IndexByte(hex, s[i+1]) >= 0 && strings.IndexByte(hex, s[i+2]) >= 0:
			i += 2
		case strings.IndexByte(allowed, s[i]) >= 0:
		case brackets && (s[i] == '[' || s[i] == ']'):
		default:
			return false
		}
	}
	return true
}

// tokenOnly reports whether s is a non-empty RFC 7230 token.
func tokenOnly(s string) bool {
	const tchar = "!#$%&'*+-.^_`|~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(tchar, s[i]) < 0 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// fieldList holds header fields in order, names lower-cased.
type fieldList [][2]string

// headerFields reads header lines: name ":" value, the value without the
// spaces and tabs around it, of visible ASCII, obs-text, space and tab.
func headerFields(lines []string) (fieldList, bool) {
	var fields fieldList
	for _, line := range lines {
		colon := strings.IndexByte(line, ':')
		if colon < 0 || !tokenOnly(line[:colon]) { // a leading space or tab (obs-fold) is not a token either
			return nil, false
		}
		value := strings.Trim(line[colon+1:], " \t")
		for i := 0; i < len(value); i++ {
			if c := value[i]; c != ' ' && c != '\t' && (c < 0x21 || c == 0x7F) {
				return nil, false
			}
		}
		fields = append(fields, [2]string{strings.ToLower(line[:colon]), value})
	}
	return fields, true
}

// values returns the values of every field named name (lower case).
func (f fieldList) values(name string) []string {
	var vs []string
	for _, kv := range f {
		if kv[0] == name {
			vs = append(vs, kv[1])
		}
	}
	return vs
}

// listHas reports whether a comma-separated element of a field named name
// equals token, ignoring case and the spaces and tabs around it.
func (f fieldList) listHas(name, token string) bool {
	for _, v := range f.values(name) {
		for _, e := range strings.Split(v, ",") {
			if strings.EqualFold(strings.Trim(e, " \t"), token) {
				return true
			}
		}
	}
	return false
}

// canonicalBase64Of16 reports whether key is the canonical standard base64
// of 16 bytes: 22 characters of the alphabet, the last of which leaves its
// 4 unused bits zero, then "==".
func canonicalBase64Of16(key string) bool {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	if len(key) != 24 || key[22:] != "==" {
		return false
	}
	for i := range 22 {
		if strings.IndexByte(alphabet, key[i]) < 0 {
			return false
		}
	}
	return strings.IndexByte(alphabet, key[21])&0xF == 0
}
