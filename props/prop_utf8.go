package props

import (
	"fmt"
	"unicode/utf8"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// UTF8Stream is a streaming UTF-8 validator under test (the method set of
// *wire.UTF8Validator): it sees a text message in pieces of any size.
type UTF8Stream interface {
	// Write validates the next piece and returns false at the first bad
	// byte, and from then on.
	Write(p []byte) bool
	// Done reports whether everything written is complete, valid UTF-8.
	Done() bool
	// Offset returns the bytes accepted so far: after a failed Write, the
	// offset of the first bad byte.
	Offset() int64
}

// NewUTF8Stream returns a validator for a new message.
type NewUTF8Stream func() UTF8Stream

// WireUTF8 returns the validator of package wire.
func WireUTF8() UTF8Stream { return new(wire.UTF8Validator) }

// maxTextLen bounds generated text.
const maxTextLen = 600

// feedText writes the pieces of text and returns the verdict (every Write
// true and Done) and Offset at the end.
func feedText(v UTF8Stream, text []byte, chop Chop) (ok bool, offset int64) {
	ok = true
	for _, piece := range chop.Split(text) {
		ok = v.Write(piece) && ok
	}
	return ok && v.Done(), v.Offset()
}

// UTF8SplitInvariance states that the validator's verdict and bad offset
// do not depend on how the text is cut (by Chops, so characters and
// defects are split across pieces), and that the verdict is
// unicode/utf8.Valid's, for text from UTF8Text: valid text and every kind
// of defect at the start, middle and end.
func UTF8SplitInvariance(newV NewUTF8Stream) gopter.Prop {
	return forAll(func(args Tuple) string {
		c, chop := args[0].(UTF8Case), args[1].(Chop)
		text := c.Bytes()
		okWhole, offWhole := feedText(newV(), text, nil)
		ok, off := feedText(newV(), text, chop)
		switch {
		case okWhole != utf8.Valid(text):
			return fmt.Sprintf("whole: valid=%v, utf8.Valid says %v", okWhole, !okWhole)
		case ok != okWhole:
			return fmt.Sprintf("in pieces: valid=%v, whole: %v", ok, okWhole)
		case !ok && off != offWhole:
			return fmt.Sprintf("in pieces: bad at %d, whole: at %d", off, offWhole)
		}
		return ""
	}, UTF8Text(maxTextLen), Chops())
}

// UTF8FailFast states that the validator stops at the first bad byte
// (RFC 6455 section 8.1: fail fast, mid-frame): the Write that returns
// false is the one whose piece holds the byte ReferenceFirstInvalid names,
// Offset is that byte's offset, and every later Write is false; text that
// ends inside a character passes every Write and then fails Done with
// Offset at its end; valid text passes everything.
func UTF8FailFast(newV NewUTF8Stream) gopter.Prop {
	return forAll(func(args Tuple) string {
		c, chop := args[0].(UTF8Case), args[1].(Chop)
		text := c.Bytes()
		bad := ReferenceFirstInvalid(text)
		v := newV()
		pos, failedAt := 0, -1
		for _, piece := range chop.Split(text) {
			ok := v.Write(piece)
			switch {
			case failedAt >= 0 && ok:
				return fmt.Sprintf("Write true again at %d after failing", pos)
			case failedAt < 0 && !ok:
				failedAt = pos
				if bad < pos || bad >= pos+len(piece) {
					return fmt.Sprintf("failed on the piece at %d..%d, want the one holding byte %d", pos, pos+len(piece), bad)
				}
			case failedAt < 0 && ok && bad >= pos && bad < pos+len(piece):
				return fmt.Sprintf("accepted the piece at %d..%d holding bad byte %d", pos, pos+len(piece), bad)
			}
			pos += len(piece)
		}
		switch {
		case bad == len(text) && v.Done():
			return "text ending inside a character is Done"
		case bad < 0 && !v.Done():
			return "valid text is not Done"
		case bad >= 0 && int(v.Offset()) != bad:
			return fmt.Sprintf("Offset %d, want %d", v.Offset(), bad)
		case bad < 0 && int(v.Offset()) != len(text):
			return fmt.Sprintf("Offset %d after valid text of %d bytes", v.Offset(), len(text))
		}
		return ""
	}, UTF8Text(maxTextLen), Chops())
}
