package catalogue

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// utf8Cases are section 6: text messages whose payload is valid or
// invalid UTF-8, whole or in fragments of every size, and the fail-fast
// cases 6.4.*, which pause between the valid start of a message and its
// invalid rest. A valid message must come back; on invalid UTF-8 the
// server must fail the connection with 1007, and 6.4.* ask it to do so as
// soon as the first bad octet arrives (later is NON-STRICT).
func utf8Cases() []*Case {
	const (
		greeting = "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!"
		kosme    = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5" // κόσμε
		surrogat = "\xed\xa0\x80"                                 // U+D800, not allowed in UTF-8
		beyond   = "\xf4\x90\x80\x80"                             // U+110000, beyond Unicode
		edited   = "edited"
	)
	echoed := "The message comes back as sent; then a clean close with 1000."
	valid := func(id, desc, payload string, fragmentSize int) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: echoed,
			Expected:      only(textMessage(payload)),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.message(payload, false, fragmentSize)
				s.closeAfter(1)
			},
		}
	}
	invalid := kosme + surrogat + edited
	out := []*Case{
		valid("6.1.1", "A text message with an empty payload.", "", 0),
		{
			ID: "6.1.2", Description: "A text message in three empty fragments.", Expectation: echoed,
			Expected: only(textMessage("")), ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, more: true})
				s.send(frame{opcode: 0, more: true})
				s.send(frame{opcode: 0})
				s.closeAfter(1)
			},
		},
		{
			ID: "6.1.3", Description: "A text message in three fragments, the first and the last empty.", Expectation: echoed,
			Expected: only(textMessage("middle frame payload")), ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, more: true})
				s.send(frame{opcode: 0, payload: "middle frame payload", more: true})
				s.send(frame{opcode: 0})
				s.closeAfter(1)
			},
		},
		valid("6.2.1", "A valid UTF-8 text message with multi-octet code points, in one frame.", greeting, 0),
		{
			ID: "6.2.2", Description: "The text of 6.2.1 in two fragments, split between code points.", Expectation: echoed,
			Expected: only(textMessage(greeting)), ExpectedClose: closeNormally(),
			steps: func(s *script) {
				cut := len("Hello-\u00b5@\u00df\u00f6\u00e4")
				s.send(frame{opcode: 1, payload: greeting[:cut], more: true})
				s.send(frame{opcode: 0, payload: greeting[cut:]})
				s.closeAfter(1)
			},
		},
		valid("6.2.3", "The text of 6.2.1 in one-octet fragments, most of which end inside a code point.", greeting, 1),
		valid("6.2.4", "A valid UTF-8 text of two- and three-octet code points in one-octet fragments.", kosme, 1),
	}
	failUTF8 := func(id, desc string, steps func(s *script)) *Case {
		return &Case{
			ID: id, Description: desc,
			Expectation:   "The server fails the connection with 1007 (invalid payload): the text is not valid UTF-8.",
			Expected:      only(),
			ExpectedClose: serverFailsUTF8(),
			steps:         steps,
		}
	}
	out = append(out,
		failUTF8("6.3.1", "A text message in one frame, invalid at its 12th octet (a UTF-16 surrogate).", func(s *script) {
			s.message(invalid, false, 0)
			s.killAfter(1)
		}),
		failUTF8("6.3.2", "The invalid text of 6.3.1 in one-octet fragments.", func(s *script) {
			s.message(invalid, false, 1)
			s.killAfter(1)
		}),
	)
	// 6.4.*: a valid part, 1 s, the part that makes the text invalid, 1 s,
	// the rest; in three frames (6.4.1, 6.4.2) or three pieces of one frame
	// (6.4.3, 6.4.4); the second part is the whole bad code point (6.4.1,
	// 6.4.3) or only its first, already impossible, octet (6.4.2, 6.4.4).
	failFast := kosme + beyond + edited
	parts := [][3]string{
		{kosme, beyond, edited},
		{failFast[:12], failFast[12:13], failFast[13:]},
	}
	for i, p := range parts {
		what := "the whole code point beyond U+10FFFF"
		if i == 1 {
			what = "only the first octet past the valid start, which no valid text can have there"
		}
		out = append(out, &Case{
			ID:            fmt.Sprintf("6.4.%d", i+1),
			Description:   fmt.Sprintf("A text message in three frames with 1 s between them: valid UTF-8, then %s, then the rest.", what),
			Expectation:   "The first wait times out; the server fails the connection with 1007 as soon as the second frame arrives, before the second wait ends (after it is NON-STRICT).",
			Expected:      okOrNonStrict(events(timeout("A")), events(timeout("A"), timeout("B"))),
			ExpectedClose: serverFailsUTF8(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: p[0], more: true})
				s.continueLater(1, "A", func() {
					s.send(frame{opcode: 0, payload: p[1], more: true})
					s.continueLater(1, "B", func() {
						s.send(frame{opcode: 0, payload: p[2]})
						s.killAfter(1)
					})
				})
			},
		})
	}
	for i, p := range parts {
		out = append(out, &Case{
			ID:            fmt.Sprintf("6.4.%d", i+3),
			Description:   fmt.Sprintf("As 6.4.%d, but the three parts are pieces of one frame's payload, written 1 s apart.", i+1),
			Expectation:   "The first wait times out; the server fails the connection with 1007 as soon as the second piece arrives, before the second wait ends (after it is NON-STRICT).",
			Expected:      okOrNonStrict(events(timeout("A")), events(timeout("A"), timeout("B"))),
			ExpectedClose: serverFailsUTF8(),
			steps: func(s *script) {
				s.beginFrame(len(failFast))
				s.frameData(p[0])
				s.continueLater(1, "A", func() {
					s.frameData(p[1])
					s.continueLater(1, "B", func() {
						s.frameData(p[2])
						s.endMessage()
						s.killAfter(1)
					})
				})
			},
		})
	}
	for g, group := range utf8Groups() {
		for j, seq := range group.sequences {
			id := fmt.Sprintf("6.%d.%d", g+5, j+1)
			payload := seq
			if utf8.ValidString(seq) {
				out = append(out, &Case{
					ID:            id,
					Description:   fmt.Sprintf("%s: a text message, valid UTF-8, in one frame: %x.", group.name, seq),
					Expectation:   echoed,
					Expected:      only(textMessage(payload)),
					ExpectedClose: closeNormally(),
					steps: func(s *script) {
						s.message(payload, false, 0)
						s.killAfter(0.5)
					},
				})
				continue
			}
			out = append(out, failUTF8(id, fmt.Sprintf("%s: a text message, not valid UTF-8, in one frame: %x.", group.name, seq), func(s *script) {
				s.message(payload, false, 0)
				s.killAfter(0.5)
			}))
		}
	}
	return out
}

// utf8Group is one subsection of 6.5-6.23: octet sequences from Markus
// Kuhn's UTF-8 decoder stress test, grouped as Autobahn groups them.
// Whether a sequence is valid is what Go's unicode/utf8 says, which agrees
// with RFC 3629 (and with Autobahn's validator) on every one of them.
type utf8Group struct {
	name      string
	sequences []string
}

func utf8Groups() []utf8Group {
	const kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
	var prefixes []string
	for i := 1; i <= len(kosme); i++ {
		prefixes = append(prefixes, kosme[:i])
	}
	continuations := []string{"\x80", "\xbf"}
	for n := 2; n <= 6; n++ {
		continuations = append(continuations, strings.Repeat("\x80\xbf", 3)[:n])
	}
	var all []byte
	for b := 0x80; b < 0xbf; b++ {
		all = append(all, byte(b))
	}
	continuations = append(continuations, string(all))
	var lonely []string
	for _, r := range [][2]int{{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}} {
		s := ""
		for b := r[0]; b < r[1]; b++ {
			s += string([]byte{byte(b), ' '})
		}
		lonely = append(lonely, s)
	}
	truncated := []string{
		"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80", "\xfc\x80\x80\x80\x80",
		"\xdf", "\xef\xbf", "\xf7\xbf\xbf", "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf",
	}
	nonCharacters := []string{"\xef\xbf\xbe", "\xef\xbf\xbf"}
	for _, lead := range []byte{0xf0, 0xf1, 0xf2, 0xf3, 0xf4} {
		for _, second := range []byte{0x8f, 0x9f, 0xaf, 0xbf} {
			if lead == 0xf4 && second != 0x8f {
				continue // beyond U+10FFFF
			}
			for _, last := range []byte{0xbe, 0xbf} {
				if lead == 0xf0 && second == 0x8f {
					continue // overlong
				}
				nonCharacters = append(nonCharacters, string([]byte{lead, second, 0xbf, last}))
			}
		}
	}
	return []utf8Group{
		{"Valid UTF-8 of one to four octets per code point", []string{"hello\x24world", "hello\xc2\xa2world", "hello\xe2\x82\xacworld", "hello\xf0\xa4\xad\xa2world", kosme}},
		{"Every prefix of a valid text", prefixes},
		{"The first code point of each length", []string{"\x00", "\xc2\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80"}},
		{"The first sequence of five and six octets (beyond Unicode)", []string{"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80"}},
		{"The last code point of each length", []string{"\x7f", "\xdf\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"}},
		{"The last sequence of four, five and six octets (beyond Unicode)", []string{"\xf7\xbf\xbf\xbf", "\xfb\xbf\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf\xbf"}},
		{"Other boundaries", []string{"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80"}},
		{"Continuation octets without a lead", continuations},
		{"Lead octets each followed by a space", lonely},
		{"Sequences missing their last continuation octet", truncated},
		{"All of the above, back to back", []string{strings.Join(truncated, "")}},
		{"Octets that never occur", []string{"\xfe", "\xff", "\xfe\xfe\xff\xff"}},
		{"Overlong encodings of '/'", []string{"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf8\x80\x80\x80\xaf", "\xfc\x80\x80\x80\x80\xaf"}},
		{"The longest overlong encodings", []string{"\xc1\xbf", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xf8\x87\xbf\xbf\xbf", "\xfc\x83\xbf\xbf\xbf\xbf"}},
		{"Overlong encodings of NUL", []string{"\xc0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf8\x80\x80\x80\x80", "\xfc\x80\x80\x80\x80\x80"}},
		{"Single UTF-16 surrogates", []string{"\xed\xa0\x80", "\xed\xad\xbf", "\xed\xae\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbe\x80", "\xed\xbf\xbf"}},
		{"Paired UTF-16 surrogates", []string{
			"\xed\xa0\x80\xed\xb0\x80", "\xed\xa0\x80\xed\xbf\xbf", "\xed\xad\xbf\xed\xb0\x80", "\xed\xad\xbf\xed\xbf\xbf",
			"\xed\xae\x80\xed\xb0\x80", "\xed\xae\x80\xed\xbf\xbf", "\xed\xaf\xbf\xed\xb0\x80", "\xed\xaf\xbf\xed\xbf\xbf"}},
		{"Non-characters (valid UTF-8)", nonCharacters},
		{"The Specials block (valid UTF-8)", []string{"\xef\xbf\xb9", "\xef\xbf\xba", "\xef\xbf\xbb", "\xef\xbf\xbc", "\xef\xbf\xbd", "\xef\xbf\xbe", "\xef\xbf\xbf"}},
	}
}
