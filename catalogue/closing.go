package catalogue

import (
	"fmt"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// closingCases are section 7: the closing handshake started by the
// client, with frames after its close frame (7.1.*), close payloads of
// every length (7.3.*), a close reason that is not UTF-8 (7.5.1), every
// close code a client may send (7.7.*), codes no endpoint may send
// (7.9.*) and codes the RFC leaves undefined (7.13.*, informational).
func closingCases() []*Case {
	// wrongEnd: the client closes first, and the server must answer with
	// one of codes or drop TCP; a clean close is not required.
	wrongEnd := func(codes ...int) corpus.ExpectedClose {
		return corpus.ExpectedClose{CloseCode: codes, ClosedByMe: true}
	}
	closed := "The server answers the close with 1000 and drops TCP; what was sent after the close is ignored."
	afterClose := func(id, desc string, steps func(s *script)) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: closed,
			Expected: only(), ExpectedClose: closeNormally(), SuppressClose: true,
			steps: func(s *script) {
				steps(s)
				s.killAfter(1)
			},
		}
	}
	payload := func(id, desc, expectation string, ec corpus.ExpectedClose, code int, noCode bool, reason string) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: expectation,
			Expected: only(), ExpectedClose: ec, SuppressClose: true,
			steps: func(s *script) {
				s.closeFrame(code, noCode, reason)
				s.killAfter(1)
			},
		}
	}
	const (
		cleanClose  = "The server answers with 1000 (or the close frame's code) and the closing handshake completes."
		failOrDrop  = "The server fails the connection with 1002 (protocol error) or drops TCP."
		invalidUTF8 = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"
	)
	out := []*Case{
		{
			ID: "7.1.1", Description: "A text message; the client closes once it came back.",
			Expectation:   "The message comes back, then a clean close with 1000.",
			Expected:      only(textMessage("Hello World!")),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: "Hello World!"})
				s.killAfter(1)
			},
		},
		afterClose("7.1.2", "A close with 1000, then a second close frame.", func(s *script) {
			s.closeWith(codeNormal)
			s.send(frame{opcode: 8})
		}),
		afterClose("7.1.3", "A close with 1000, then a ping.", func(s *script) {
			s.closeWith(codeNormal)
			s.send(frame{opcode: 9})
		}),
		afterClose("7.1.4", "A close with 1000, then a text message.", func(s *script) {
			s.closeWith(codeNormal)
			s.send(frame{opcode: 1, payload: "Hello World!"})
		}),
		afterClose("7.1.5", "The first fragment of a text message, a close with 1000, then the last fragment.", func(s *script) {
			s.send(frame{opcode: 1, payload: "fragment1", more: true})
			s.closeWith(codeNormal)
			s.send(frame{opcode: 0, payload: "fragment2"})
		}),
		{
			ID:            "7.1.6",
			Description:   "A 256 KiB text message, a short text message, a close with 1000 and a ping, back to back.",
			Expectation:   "Informational: whether the messages come back before the close depends on how the server schedules its writes.",
			Expected:      okOrNonStrict(events(textMessage("Hello World!")), nil),
			ExpectedClose: closeNormally(),
			SuppressClose: true,
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: "BAsd7&jh23", repeat: 256 << 10})
				s.send(frame{opcode: 1, payload: "Hello World!"})
				s.closeWith(codeNormal)
				s.send(frame{opcode: 9})
				s.killAfter(1)
			},
		},
		payload("7.3.1", "A close frame with an empty payload (no code, no reason).", cleanClose, closeNormally(), 0, true, ""),
		payload("7.3.2", "A close frame with a one-octet payload, too short for a code.", failOrDrop, wrongEnd(codeProtocolError), 0, true, "a"),
		payload("7.3.3", "A close frame with the code 1000 and no reason.", cleanClose, closeNormally(), codeNormal, false, ""),
		payload("7.3.4", "A close frame with the code 1000 and a reason.", cleanClose, closeNormally(), codeNormal, false, "Hello World!"),
		payload("7.3.5", "A close frame with the code 1000 and a reason of 123 octets, the longest that fits.", cleanClose, closeNormally(), codeNormal, false, strings.Repeat("*", 123)),
		payload("7.3.6", "A close frame with the code 1000 and a reason of 124 octets: a 126-octet payload, over the control frame limit.", failOrDrop, wrongEnd(codeProtocolError), codeNormal, false, strings.Repeat("*", 124)),
		payload("7.5.1", "A close frame with the code 1000 and a reason that is not valid UTF-8.", "The server fails the connection with 1002 or 1007, or drops TCP.", wrongEnd(codeProtocolError, codeInvalidPayload), codeNormal, false, invalidUTF8),
	}
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		out = append(out, &Case{
			ID:            fmt.Sprintf("7.7.%d", i+1),
			Description:   fmt.Sprintf("A close frame with the valid code %d.", code),
			Expectation:   fmt.Sprintf("The server answers with 1000 or %d and the closing handshake completes.", code),
			Expected:      only(),
			ExpectedClose: corpus.ExpectedClose{CloseCode: []int{codeNormal, code}, ClosedByMe: true, RequireClean: true},
			steps: func(s *script) {
				s.closeWith(code)
				s.killAfter(1)
			},
		})
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		out = append(out, &Case{
			ID:            fmt.Sprintf("7.9.%d", i+1),
			Description:   fmt.Sprintf("A close frame with the code %d, which no endpoint may send.", code),
			Expectation:   failOrDrop,
			Expected:      only(),
			ExpectedClose: wrongEnd(codeProtocolError),
			steps: func(s *script) {
				s.closeWith(code)
				s.killAfter(1)
			},
		})
	}
	for i, code := range []int{5000, 65535} {
		out = append(out, &Case{
			ID:            fmt.Sprintf("7.13.%d", i+1),
			Description:   fmt.Sprintf("A close frame with the code %d, outside every range RFC 6455 defines.", code),
			Expectation:   "Informational: RFC 6455 does not say what the server must do.",
			Expected:      only(),
			ExpectedClose: wrongEnd(codeNormal, code, codeProtocolError),
			SuppressClose: true,
			steps: func(s *script) {
				s.closeWith(code)
				s.killAfter(1)
			},
		})
	}
	return out
}
