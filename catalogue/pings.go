package catalogue

import (
	"fmt"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// pingCases are section 2: pings with payloads of several kinds and
// lengths, unsolicited pongs, a ping over the control frame limit, and
// pings written one octet at a time.
func pingCases() []*Case {
	ping := func(id, desc, payload string, chop int, wait float64) *Case {
		return &Case{
			ID: id, Description: desc,
			Expectation:   "A pong with the ping's payload comes back; the client closes with 1000 and the server answers.",
			Expected:      only(pong(payload)),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 9, payload: payload, chop: chop})
				s.closeAfter(wait)
			},
		}
	}
	tenPings := func(id, note string, chop int) *Case {
		var pongs []string
		for i := range 10 {
			pongs = append(pongs, fmt.Sprintf("payload-%d", i))
		}
		return &Case{
			ID:            id,
			Description:   "Ten pings, each with its own payload, one after the other" + note + ".",
			Expectation:   "A pong for each ping, in order, each with its ping's payload (RFC 6455 allows answering only the last; this case asks for all); then a clean close with 1000.",
			Expected:      only(eventsOf(pong, pongs)...),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				for _, p := range pongs {
					s.send(frame{opcode: 9, payload: p, chop: chop})
				}
				s.closeAfter(3)
			},
		}
	}
	unsolicited := func(id, desc, payload string) *Case {
		return &Case{
			ID: id, Description: desc,
			Expectation:   "Nothing comes back for the pong; the closing handshake completes with 1000.",
			Expected:      only(),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 10, payload: payload})
				s.closeWith(codeNormal)
				s.closeAfter(1)
			},
		}
	}
	return []*Case{
		ping("2.1", "A ping without payload.", "", 0, 1),
		ping("2.2", "A ping with a short text payload.", "Hello, world!", 0, 1),
		ping("2.3", "A ping with a short payload that is not UTF-8.", "\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 0, 1),
		ping("2.4", "A ping with 125 octets of payload, the most a control frame may carry.", strings.Repeat("\xfe", 125), 0, 1),
		{
			ID:            "2.5",
			Description:   "A ping with 126 octets of payload, one more than a control frame may carry.",
			Expectation:   "The server fails the connection at once with 1002 (protocol error).",
			Expected:      only(),
			ExpectedClose: serverFails(codeProtocolError),
			steps: func(s *script) {
				s.send(frame{opcode: 9, payload: strings.Repeat("\xfe", 126)})
				s.killAfter(1)
			},
		},
		ping("2.6", "A ping with 125 octets of payload, written one octet at a time.", strings.Repeat("\xfe", 125), 1, 2),
		unsolicited("2.7", "A pong nobody asked for, without payload, then a close.", ""),
		unsolicited("2.8", "A pong nobody asked for, with a payload, then a close.", "unsolicited pong payload"),
		{
			ID:            "2.9",
			Description:   "A pong nobody asked for, then a ping with a payload.",
			Expectation:   "Nothing for the pong, a pong with the ping's payload for the ping; then a clean close with 1000.",
			Expected:      only(pong("ping payload")),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 10, payload: "unsolicited pong payload"})
				s.send(frame{opcode: 9, payload: "ping payload"})
				s.closeAfter(1)
			},
		},
		tenPings("2.10", "", 0),
		tenPings("2.11", ", written one octet at a time", 1),
	}
}

// eventsOf makes one event of each payload.
func eventsOf(event func(string) corpus.Event, payloads []string) []corpus.Event {
	out := make([]corpus.Event, len(payloads))
	for i, p := range payloads {
		out[i] = event(p)
	}
	return out
}
