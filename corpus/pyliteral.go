package corpus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The HTML and text case pages show the expected and observed events as
// Python writes them: {'OK': [('pong', u'ping payload')]} and
// [('message', u'', True)]. This file reads that much Python: dicts,
// lists, tuples, str/unicode/bytes literals, True, False, None, integers.
//
// What a quoted literal without prefix holds depends on the Python that
// wrote it. Every release of the suite ran on Python 2, where 'x' is a
// byte string: its \xNN escapes are bytes ('\xef\xbf\xbe' is the 3-byte
// UTF-8 of U+FFFE, as 0.5.x pages show text messages). The suite's Python
// 3 port writes 'x' for text, where \xNN is the code point U+00NN, and
// b'x' for bytes. pyDialect tells them apart.

// pyDialect says whether unprefixed string literals on a case page are
// byte strings (Python 2): when the page names a suite version (only the
// Python 2 releases send one) or shows a literal with the u prefix, and
// it shows none with the b prefix.
func pyDialect(suiteVersion string, literals ...string) (plainIsBytes bool) {
	unicodePrefix, bytesPrefix := false, false
	for _, s := range literals {
		unicodePrefix = unicodePrefix || hasPyPrefix(s, 'u')
		bytesPrefix = bytesPrefix || hasPyPrefix(s, 'b')
	}
	return !bytesPrefix && (unicodePrefix || suiteVersion != "")
}

// hasPyPrefix reports whether s has a string literal with the given prefix
// letter where a value starts (after "(", "[", "{", ",", ":" or a space).
func hasPyPrefix(s string, prefix byte) bool {
	for i := 1; i+1 < len(s); i++ {
		if (s[i] == prefix || s[i] == prefix-'a'+'A') && (s[i+1] == '\'' || s[i+1] == '"') && strings.IndexByte("([{,: ", s[i-1]) >= 0 {
			return true
		}
	}
	return false
}

// parseExpected reads the "Expected:" value of a case page.
func parseExpected(s string, plainIsBytes bool) (map[string][][]Event, error) {
	v, err := parsePy(s, plainIsBytes)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("expected events are not a dict")
	}
	out := make(map[string][][]Event, len(m))
	for verdict, seq := range m {
		evs, err := pyEvents(seq)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", verdict, err)
		}
		out[verdict] = append(out[verdict], evs)
	}
	return out, nil
}

// parsePyEvents reads the "Observed:" value of a case page.
func parsePyEvents(s string, plainIsBytes bool) ([]Event, error) {
	v, err := parsePy(s, plainIsBytes)
	if err != nil {
		return nil, err
	}
	return pyEvents(v)
}

func pyEvents(v any) ([]Event, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("events are not a list")
	}
	out := make([]Event, 0, len(list))
	for i, item := range list {
		t, ok := item.([]any)
		if !ok || len(t) == 0 {
			return nil, fmt.Errorf("event %d is not a tuple", i)
		}
		kind, ok := t[0].(string)
		if !ok {
			return nil, fmt.Errorf("event %d has no kind", i)
		}
		ev := Event{Kind: kind}
		if len(t) > 1 {
			if s, ok := t[1].(string); ok {
				if kind == "timeout" {
					ev.Data = []byte(s)
				} else {
					p := decodeLoggedPayload(s, -1)
					ev.Data, ev.Truncated = p.data, p.cut
				}
			}
		}
		if len(t) > 2 {
			ev.Binary, _ = t[2].(bool)
		}
		out = append(out, ev)
	}
	return out, nil
}

// parsePy parses one Python literal filling all of s; plainIsBytes says
// how to read unprefixed string literals (see pyDialect).
func parsePy(s string, plainIsBytes bool) (any, error) {
	p := &pyParser{s: s, plainIsBytes: plainIsBytes}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("trailing text at offset %d", p.i)
	}
	return v, nil
}

type pyParser struct {
	s            string
	i            int
	plainIsBytes bool
}

const maxPyDepth = 64

func (p *pyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, errors.New("nested too deeply")
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, errors.New("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '[':
		return p.seq(']', depth)
	case c == '(':
		return p.seq(')', depth)
	case c == '\'' || c == '"':
		return p.str(p.plainIsBytes)
	case (c == 'u' || c == 'b' || c == 'U' || c == 'B') && p.i+1 < len(p.s) && (p.s[p.i+1] == '\'' || p.s[p.i+1] == '"'):
		p.i++
		return p.str(c == 'b' || c == 'B')
	case c == '-' || ('0' <= c && c <= '9'):
		j := p.i + 1
		for j < len(p.s) && '0' <= p.s[j] && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil {
			return nil, err
		}
		p.i = j
		return n, nil
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
}

func (p *pyParser) dict(depth int) (any, error) {
	p.i++ // {
	m := map[string]any{}
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return m, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		ks, ok := k.(string)
		if !ok {
			return nil, errors.New("dict key is not a string")
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, fmt.Errorf("want ':' at offset %d", p.i)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[ks] = v
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

func (p *pyParser) seq(end byte, depth int) (any, error) {
	p.i++ // [ or (
	out := []any{}
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, errors.New("unexpected end in a list")
		}
		if p.s[p.i] == end {
			p.i++
			return out, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

// str reads a quoted string with Python's escapes. \xNN in a str literal
// is a code point, written here as UTF-8 as Python would encode it; in a
// bytes literal it is the byte. An escaped surrogate (u'\ud800', what
// Python 2's lenient codec read from an encoded surrogate) is written as
// its 3-byte generalized UTF-8, the octets that were on the wire.
func (p *pyParser) str(bytesLit bool) (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if p.i+n > len(p.s) {
					return "", errors.New("short escape")
				}
				r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
				if err != nil {
					return "", err
				}
				p.i += n
				if bytesLit && e == 'x' {
					b.WriteByte(byte(r))
					continue
				}
				if r > utf8.MaxRune {
					r = utf8.RuneError
				}
				b.Write(appendCodePoint(nil, rune(r)))
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", errors.New("unterminated string")
}
