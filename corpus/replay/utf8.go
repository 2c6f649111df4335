package replay

import "unicode/utf8"

// utf8Stream validates UTF-8 incrementally the way Autobahn's client does
// (Hoehrmann's DFA in autobahn.websocket.utf8validator): each chunk is
// reported valid unless it contains an octet no valid sequence can have at
// that place, and a rejection sticks until reset. It is written here rather
// than shared with the server under test, so that the judge does not
// inherit the server's mistakes.
type utf8Stream struct {
	pending  []byte // a valid but unfinished sequence at the end of the input
	rejected bool
}

func (v *utf8Stream) reset() { *v = utf8Stream{} }

// validate feeds p and returns whether the input so far is valid UTF-8 and
// whether it ends on a code point boundary. Like Autobahn's validator, an
// empty chunk is reported valid even after a rejection.
func (v *utf8Stream) validate(p []byte) (valid, ends bool) {
	if len(p) == 0 {
		return true, !v.rejected && len(v.pending) == 0
	}
	if v.rejected {
		return false, false
	}
	b := p
	if len(v.pending) > 0 {
		b = append(v.pending, p...)
		v.pending = nil
	}
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if !utf8.FullRune(b[i:]) {
				v.pending = append([]byte(nil), b[i:]...)
				return true, false
			}
			v.rejected = true
			return false, false
		}
		i += size
	}
	return true, true
}
