package corpus

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Autobahn's Python 2 builds read a payload that is not valid UTF-8 with
// Python 2's lenient UTF-8 codec, which takes an encoded surrogate (ED A0
// 80) for the surrogate code point U+D800, and json.dumps then writes each
// such code point as its own escape: the 6-byte payload ED A0 80 ED B0 80
// of case 6.21.1 becomes "\ud800\udc00". A JSON decoder reads that as the
// pair for U+10000 (4 bytes), and a lone "\ud800" as U+FFFD: both are not
// what went over the wire. A genuine 4-byte character is written as the
// same pair, so only the stated length tells the two apart.
//
// jsonString decodes the JSON string literal raw keeping what the escapes
// say: every escaped surrogate becomes its own 3-byte generalized UTF-8
// sequence, except that with joinPairs a high surrogate followed by a low
// one becomes the 4-byte sequence of the character they encode. Bytes
// outside escapes are kept as they are.
func jsonString(raw []byte, joinPairs bool) (string, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", errors.New("not a JSON string")
	}
	s := raw[1 : len(raw)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '"' {
			return "", errors.New("unescaped quote in a JSON string")
		}
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("JSON string ends in a backslash")
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s, i)
			if !ok {
				return "", errors.New(`bad \u escape in a JSON string`)
			}
			i += 4
			if joinPairs && 0xD800 <= r && r < 0xDC00 && i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if lo, ok := hex4(s, i+2); ok && 0xDC00 <= lo && lo < 0xE000 {
					out = utf8.AppendRune(out, 0x10000+(r-0xD800)<<10+(lo-0xDC00))
					i += 6
					continue
				}
			}
			out = appendCodePoint(out, r)
		default:
			return "", errors.New("bad escape \\" + string(rune(e)) + " in a JSON string")
		}
	}
	return string(out), nil
}

// hex4 reads the four hex digits at s[i:].
func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s[i:i+4]), 16, 16)
	return rune(n), err == nil
}

// appendCodePoint appends r in generalized UTF-8: a surrogate is written
// as the 3-byte sequence the UTF-8 pattern gives it (ED A0 80 for U+D800),
// as Python 2's codec reads it.
func appendCodePoint(b []byte, r rune) []byte {
	if 0xD800 <= r && r < 0xE000 {
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(b, r)
}

// hasSurrogatePair reports whether the JSON string literal raw holds an
// escaped high surrogate followed by an escaped low one, the only place
// where jsonString's two readings differ in length.
func hasSurrogatePair(raw []byte) bool {
	for i := 0; i+12 <= len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] == '\\' {
			i++
			continue
		}
		if raw[i+1] == 'u' && raw[i+6] == '\\' && raw[i+7] == 'u' {
			hi, ok1 := hex4(raw, i+2)
			lo, ok2 := hex4(raw, i+8)
			if ok1 && ok2 && 0xD800 <= hi && hi < 0xDC00 && 0xDC00 <= lo && lo < 0xE000 {
				return true
			}
		}
	}
	return false
}
