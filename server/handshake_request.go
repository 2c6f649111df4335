package server

import (
	"bytes"
	"net/http"
	"net/textproto"
	"strings"
)

// upgradeRequest is what the opening handshake needs of a request: the
// request line's method and version, the Host, the header fields (values
// with the optional whitespace around them removed) and whether a body
// follows.
type upgradeRequest struct {
	method       string
	major, minor int
	host         string
	header       http.Header
	hasBody      bool
}

// parseRequestHead reads the header section of a request (request line,
// header fields, and the empty line that ends them) by the rules of RFC
// 7230 that a handshake relies on, and returns why it breaks one, or "".
// It is strict where RFC 7230 lets a server choose:
//
//   - every line ends with CRLF: a CR or LF alone anywhere is refused
//     (section 3.5 allows a recipient to treat a bare CR as invalid);
//   - the request line is method SP request-target SP HTTP-version with
//     single spaces (section 3.1.1), the method a token, the target in
//     origin-form or in absolute-form with the http or https scheme
//     (RFC 6455 section 4.2.1) made of URI characters with valid
//     percent-encodings, the version HTTP/ and two digits;
//   - a header line is field-name ":" OWS field-value OWS (section 3.2):
//     the name a token with nothing between it and the colon (section
//     3.2.4 makes whitespace there a 400), the value visible octets,
//     spaces and tabs only (no NUL or other control octet), and only
//     spaces and tabs trimmed around it;
//   - a line folded onto the previous one (obs-fold, a line starting
//     with a space or tab) is refused with 400, as section 3.2.4 allows;
//   - exactly one Host header field, with a value made of URI characters
//     (section 5.4);
//   - Content-Length values are digits (section 3.3.2); any non-zero one,
//     or any Transfer-Encoding, means a body.
func parseRequestHead(head []byte) (r upgradeRequest, reason string) {
	if i := bareLineEnd(head); i >= 0 {
		return r, "bare CR or LF in the request header section"
	}
	lines := strings.Split(string(bytes.TrimSuffix(head, []byte("\r\n\r\n"))), "\r\n")
	var ok bool
	if r.method, r.major, r.minor, ok = parseRequestLine(lines[0]); !ok {
		return r, "malformed request line"
	}
	r.header = make(http.Header)
	for _, line := range lines[1:] {
		if line[0] == ' ' || line[0] == '\t' {
			return r, "folded header line (obs-fold)"
		}
		name, value, found := strings.Cut(line, ":")
		if !found || !isToken(name) {
			return r, "malformed header field name"
		}
		value = trimOWS(value)
		for i := 0; i < len(value); i++ {
			if c := value[i]; c < ' ' && c != '\t' || c == 0x7F {
				return r, "control octet in a header field value"
			}
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		r.header[key] = append(r.header[key], value)
	}
	hosts := r.header["Host"]
	if len(hosts) > 1 {
		return r, "more than one Host header"
	}
	if len(hosts) == 1 {
		if !isURIChars(hosts[0], "[]") {
			return r, "malformed Host header"
		}
		r.host = hosts[0]
	}
	for _, v := range r.header["Content-Length"] {
		if v == "" || strings.Trim(v, "0123456789") != "" {
			return r, "malformed Content-Length header"
		}
		r.hasBody = r.hasBody || strings.Trim(v, "0") != ""
	}
	r.hasBody = r.hasBody || len(r.header["Transfer-Encoding"]) > 0
	return r, ""
}

// bareLineEnd returns the index of the first CR not followed by LF or LF
// not preceded by CR in b, or -1.
func bareLineEnd(b []byte) int {
	for i, c := range b {
		switch {
		case c == '\r' && (i+1 == len(b) || b[i+1] != '\n'):
			return i
		case c == '\n' && (i == 0 || b[i-1] != '\r'):
			return i
		}
	}
	return -1
}

// parseRequestLine reads "method SP request-target SP HTTP/d.d".
func parseRequestLine(line string) (method string, major, minor int, ok bool) {
	parts := strings.Split(line, " ")
	if len(parts) != 3 || !isToken(parts[0]) || !isRequestTarget(parts[1]) {
		return "", 0, 0, false
	}
	v := parts[2]
	if len(v) != len("HTTP/1.1") || !strings.HasPrefix(v, "HTTP/") || v[6] != '.' || !isDigit(v[5]) || !isDigit(v[7]) {
		return "", 0, 0, false
	}
	return parts[0], int(v[5] - '0'), int(v[7] - '0'), true
}

// isRequestTarget accepts the origin-form ("/" and a path, perhaps a query)
// and the absolute-form with scheme http or https.
func isRequestTarget(t string) bool {
	lower := strings.ToLower(t)
	for _, scheme := range []string{"http://", "https://"} {
		if strings.HasPrefix(lower, scheme) {
			return len(t) > len(scheme) && isURIChars(t[len(scheme):], "[]")
		}
	}
	return strings.HasPrefix(t, "/") && isURIChars(t, "")
}

// isURIChars reports whether s is made of the URI characters of RFC 3986
// that may appear in a path, query or host (unreserved, sub-delims, ":",
// "@", "/", "?"), valid percent-encodings and the octets in extra.
func isURIChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHexDigit(s[i+1]) || !isHexDigit(s[i+2]) {
				return false
			}
			i += 2
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', isDigit(c):
		case strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0:
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// isToken reports whether s is an RFC 7230 token: one or more of the
// letters, digits and !#$%&'*+-.^_`|~.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// trimOWS removes the optional whitespace of RFC 7230 (spaces and tabs,
// nothing else) from both ends of a field value.
func trimOWS(s string) string { return strings.Trim(s, " \t") }
