package deflate

import (
	"errors"
	"fmt"
	"strings"
)

// Offer is one extension offer from a Sec-WebSocket-Extensions header:
// an extension name and its parameters, in the order sent. The grammar is
// RFC 6455 section 9.1 with the list and quoting rules of RFC 7230:
//
//	extension-list = 1#extension            ; comma separated, empty items allowed
//	extension      = token *( ";" param )   ; spaces and tabs around separators
//	param          = token [ "=" ( token / quoted-string ) ]
//
// A quoted value must still be a token once unquoted (RFC 6455 section 9.1),
// so `bits="10"` and `bits=10` are the same parameter.
type Offer struct {
	// Name is the extension token, exactly as sent. Tokens are compared
	// case-sensitively: "permessage-deflate" is the registered name.
	Name string
	// Params are the extension parameters in order, duplicates included.
	Params []Param
	// Err is non-nil when this offer is malformed. Name and Params then hold
	// what could be read before the problem.
	Err error
}

// Param is one extension parameter.
type Param struct {
	Name string
	// Value is the unquoted value; it is meaningful only when HasValue.
	Value    string
	HasValue bool
}

// String formats the offer as it would appear in a header, quoting no value
// (every valid value is a token).
func (o Offer) String() string {
	var b strings.Builder
	b.WriteString(o.Name)
	for _, p := range o.Params {
		b.WriteString("; ")
		b.WriteString(p.Name)
		if p.HasValue {
			b.WriteByte('=')
			b.WriteString(p.Value)
		}
	}
	return b.String()
}

// SyntaxError reports a malformed offer: which header line (index into the
// values given to ParseOffers), at which octet of that line, and why.
type SyntaxError struct {
	Line   int
	Offset int
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("deflate: Sec-WebSocket-Extensions line %d, octet %d: %s", e.Line, e.Offset, e.Reason)
}

// ParseOffers returns every extension offer of every header line, in order.
// headerValues are the values of all Sec-WebSocket-Extensions header fields
// of the request, in the order received: several fields mean the same as one
// field with the values joined by commas (RFC 7230 section 3.2.2).
//
// Empty list items (", ,") are skipped as RFC 7230 section 7 requires. An
// item that breaks the grammar becomes an Offer with Err set and parsing goes
// on with the next item; the returned error is then the first such problem,
// joined with the others. Because a quoted string may contain commas, an
// unterminated quote swallows the rest of its line.
func ParseOffers(headerValues []string) ([]Offer, error) {
	var offers []Offer
	var errs []error
	for line, v := range headerValues {
		for start := 0; start <= len(v); {
			end := itemEnd(v, start)
			if item := v[start:end]; strings.TrimLeft(item, " \t") != "" {
				o := parseOffer(item)
				if se, ok := o.Err.(*SyntaxError); ok {
					se.Line = line
					se.Offset += start
					errs = append(errs, se)
				}
				offers = append(offers, o)
			}
			start = end + 1
		}
	}
	return offers, errors.Join(errs...)
}

// itemEnd returns the index of the comma that ends the list item starting at
// start, skipping commas inside quoted strings, or len(v).
func itemEnd(v string, start int) int {
	inQuote := false
	for i := start; i < len(v); i++ {
		switch c := v[i]; {
		case inQuote && c == '\\':
			i++ // the escaped octet, whatever it is
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			return i
		}
	}
	return len(v)
}

// offerParser reads one list item.
type offerParser struct {
	s   string
	pos int
}

func parseOffer(item string) Offer {
	p := offerParser{s: item}
	var o Offer
	p.skipOWS()
	name, ok := p.token()
	if !ok {
		o.Err = p.fail("expected an extension name")
		return o
	}
	o.Name = name
	for {
		p.skipOWS()
		if p.pos == len(p.s) {
			return o
		}
		if p.s[p.pos] != ';' {
			o.Err = p.fail("expected ';' or ','")
			return o
		}
		p.pos++
		p.skipOWS()
		pname, ok := p.token()
		if !ok {
			o.Err = p.fail("expected a parameter name")
			return o
		}
		param := Param{Name: pname}
		p.skipOWS()
		if p.pos < len(p.s) && p.s[p.pos] == '=' {
			p.pos++
			p.skipOWS()
			value, err := p.value()
			if err != nil {
				o.Err = err
				return o
			}
			param.Value, param.HasValue = value, true
		}
		o.Params = append(o.Params, param)
	}
}

func (p *offerParser) fail(reason string) *SyntaxError {
	return &SyntaxError{Offset: p.pos, Reason: reason}
}

func (p *offerParser) skipOWS() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *offerParser) token() (string, bool) {
	start := p.pos
	for p.pos < len(p.s) && isTchar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos], p.pos > start
}

// value reads a token or a quoted-string whose unquoted content is a token.
func (p *offerParser) value() (string, error) {
	if p.pos == len(p.s) || p.s[p.pos] != '"' {
		v, ok := p.token()
		if !ok {
			return "", p.fail("expected a parameter value")
		}
		return v, nil
	}
	open := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			v := b.String()
			if !isToken(v) {
				return "", &SyntaxError{Offset: open, Reason: "quoted value is not a token once unquoted"}
			}
			return v, nil
		case c == '\\':
			if p.pos+1 == len(p.s) || !isQuotedPairChar(p.s[p.pos+1]) {
				return "", p.fail("bad quoted-pair")
			}
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		case isQdtext(c):
			b.WriteByte(c)
			p.pos++
		default:
			return "", p.fail("invalid octet in quoted string")
		}
	}
	return "", &SyntaxError{Offset: open, Reason: "unterminated quoted string"}
}

// isTchar reports whether c may appear in an RFC 7230 token.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// isQdtext: HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text.
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || c >= 0x80
}

// isQuotedPairChar: HTAB / SP / VCHAR / obs-text.
func isQuotedPairChar(c byte) bool {
	return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80
}
