package oracle

import (
	"fmt"
	"strings"
)

// This file reads the grammar of a Sec-WebSocket-Extensions value (RFC 6455
// section 9.1, with the token, quoted-string and list rules of RFC 7230
// sections 3.2.6 and 7), without judging what the names mean.

// element is one element of an extension list: a name and its parameters
// in the order sent.
type element struct {
	name   string
	params []elementParam
}

// elementParam is one extension parameter; value is unquoted.
type elementParam struct {
	name     string
	value    string
	hasValue bool
}

// listElements splits a header value at the commas that are outside
// quoted strings and drops the elements that are empty or all spaces and
// tabs (RFC 7230 section 7). A quoted string starts at any '"' and ends at
// the next '"' that no backslash escapes; one left open runs to the end of
// the value.
func listElements(v string) []string {
	var items []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			items = appendElement(items, v[start:i])
			start = i + 1
		}
	}
	return appendElement(items, v[start:])
}

func appendElement(items []string, item string) []string {
	if strings.Trim(item, " \t") == "" {
		return items
	}
	return append(items, item)
}

// elementReader walks one element.
type elementReader struct {
	s   string
	pos int
}

// parseElement reads one element; the error says at which octet of it the
// grammar breaks, and e holds what was read until then.
func parseElement(item string) (e element, err error) {
	r := elementReader{s: item}
	r.skipSpace()
	if e.name = r.token(); e.name == "" {
		return e, r.errorf("expected an extension name")
	}
	for {
		r.skipSpace()
		if r.done() {
			return e, nil
		}
		if !r.consume(';') {
			return e, r.errorf("expected ';' after %q", e.name)
		}
		r.skipSpace()
		p := elementParam{name: r.token()}
		if p.name == "" {
			return e, r.errorf("expected a parameter name")
		}
		r.skipSpace()
		if r.consume('=') {
			r.skipSpace()
			if p.value, err = r.value(); err != nil {
				return e, err
			}
			p.hasValue = true
		}
		e.params = append(e.params, p)
	}
}

func (r *elementReader) done() bool { return r.pos == len(r.s) }

func (r *elementReader) errorf(format string, args ...any) error {
	return fmt.Errorf("extension element %q, octet %d: %s", r.s, r.pos, fmt.Sprintf(format, args...))
}

// skipSpace skips optional whitespace: spaces and tabs only.
func (r *elementReader) skipSpace() {
	for !r.done() && (r.s[r.pos] == ' ' || r.s[r.pos] == '\t') {
		r.pos++
	}
}

func (r *elementReader) consume(c byte) bool {
	if !r.done() && r.s[r.pos] == c {
		r.pos++
		return true
	}
	return false
}

// token reads the longest run of tchar, possibly empty.
func (r *elementReader) token() string {
	start := r.pos
	for !r.done() && isTokenChar(r.s[r.pos]) {
		r.pos++
	}
	return r.s[start:r.pos]
}

// value reads a token or a quoted string whose content, once unquoted, is
// a token.
func (r *elementReader) value() (string, error) {
	if !r.consume('"') {
		if v := r.token(); v != "" {
			return v, nil
		}
		return "", r.errorf("expected a parameter value")
	}
	var b strings.Builder
	for !r.done() {
		c := r.s[r.pos]
		r.pos++
		switch {
		case c == '"':
			v := b.String()
			if !isToken(v) {
				return "", r.errorf("quoted value %q is not a token", v)
			}
			return v, nil
		case c == '\\':
			// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
			if r.done() || !(r.s[r.pos] == '\t' || r.s[r.pos] >= ' ' && r.s[r.pos] != 0x7F) {
				return "", r.errorf("bad quoted-pair")
			}
			b.WriteByte(r.s[r.pos])
			r.pos++
		case c == '\t' || c >= ' ' && c != 0x7F:
			// qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
			b.WriteByte(c)
		default:
			return "", r.errorf("control octet %#02x in a quoted string", c)
		}
	}
	return "", r.errorf("quoted string not closed")
}

// isTokenChar reports whether c is a tchar of RFC 7230 section 3.2.6: a
// letter, a digit, or one of !#$%&'*+-.^_`|~.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return s != ""
}
