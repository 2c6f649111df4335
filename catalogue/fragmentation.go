package catalogue

// fragmentationCases are section 5: fragmented control frames,
// continuation frames with nothing to continue, text messages in
// fragments with and without pings between them, and the same octets in
// one write, in a write per frame or one octet at a time.
func fragmentationCases() []*Case {
	const (
		failNow    = "The server fails the connection with 1002 (protocol error): there is no message to continue."
		echoed     = "The message comes back whole; then a clean close with 1000."
		pongEchoed = "A pong for the ping, then the whole message; then a clean close with 1000."
	)
	failing := func(id, desc, expectation string, frames ...frame) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: expectation,
			Expected:      only(),
			ExpectedClose: serverFails(codeProtocolError),
			steps: func(s *script) {
				for _, f := range frames {
					s.send(f)
				}
				s.killAfter(1)
			},
		}
	}
	// orphan is a continuation frame (final or not) followed by a text
	// message, both with the given chop and sync.
	orphan := func(id, desc string, more bool, chop int, sync bool) *Case {
		return failing(id, desc, failNow,
			frame{opcode: 0, payload: "non-continuation payload", more: more, chop: chop, sync: sync},
			frame{opcode: 1, payload: "Hello, world!", chop: chop, sync: sync})
	}
	twoFragments := func(id, desc string, chop int, sync bool) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: echoed,
			Expected:      only(textMessage("fragment1fragment2")),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: "fragment1", more: true, chop: chop, sync: sync})
				s.send(frame{opcode: 0, payload: "fragment2", chop: chop, sync: sync})
				s.closeAfter(1)
			},
		}
	}
	pingBetween := func(id, desc string, chop int, sync bool) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: pongEchoed,
			Expected:      only(pong("ping payload"), textMessage("fragment1fragment2")),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: "fragment1", more: true, chop: chop, sync: sync})
				s.send(frame{opcode: 9, payload: "ping payload", chop: chop, sync: sync})
				s.send(frame{opcode: 0, payload: "fragment2", chop: chop, sync: sync})
				s.closeAfter(1)
			},
		}
	}
	twice := func(id, desc string, firstMore bool) *Case {
		var frames []frame
		for range 2 {
			frames = append(frames,
				frame{opcode: 0, payload: "fragment1", more: firstMore},
				frame{opcode: 1, payload: "fragment2", more: true},
				frame{opcode: 0, payload: "fragment3"})
		}
		return failing(id, desc, failNow, frames...)
	}
	slowMessage := func(id, desc string, sync bool) *Case {
		fragments := []string{"fragment1", "fragment2", "fragment3", "fragment4", "fragment5"}
		pings := []string{"pongme 1!", "pongme 2!"}
		return &Case{
			ID: id, Description: desc,
			Expectation:   "A pong for the first ping before the message ends, a pong for the second, then the whole message; then a clean close with 1000.",
			Expected:      only(pong(pings[0]), pong(pings[1]), textMessage("fragment1fragment2fragment3fragment4fragment5")),
			ExpectedClose: closeNormally(),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: fragments[0], more: true, sync: sync})
				s.send(frame{opcode: 0, payload: fragments[1], more: true, sync: sync})
				s.send(frame{opcode: 9, payload: pings[0], sync: sync})
				s.continueLater(1, "", func() {
					s.send(frame{opcode: 0, payload: fragments[2], more: true, sync: sync})
					s.send(frame{opcode: 0, payload: fragments[3], more: true, sync: sync})
					s.send(frame{opcode: 9, payload: pings[1], sync: sync})
					s.send(frame{opcode: 0, payload: fragments[4], sync: sync})
					s.closeAfter(1)
				})
			},
		}
	}
	return []*Case{
		failing("5.1", "A ping in two fragments.", "The server fails the connection with 1002 (protocol error): control frames must not be fragmented.",
			frame{opcode: 9, payload: "fragment1", more: true}, frame{opcode: 0, payload: "fragment2"}),
		failing("5.2", "A pong in two fragments.", "The server fails the connection with 1002 (protocol error): control frames must not be fragmented.",
			frame{opcode: 10, payload: "fragment1", more: true}, frame{opcode: 0, payload: "fragment2"}),
		twoFragments("5.3", "A text message in two fragments.", 0, false),
		twoFragments("5.4", "A text message in two fragments, each written and flushed on its own.", 0, true),
		twoFragments("5.5", "A text message in two fragments, written one octet at a time.", 1, false),
		pingBetween("5.6", "A text message in two fragments with a ping between them.", 0, false),
		pingBetween("5.7", "As 5.6, each frame written and flushed on its own.", 0, true),
		pingBetween("5.8", "As 5.6, written one octet at a time.", 1, false),
		orphan("5.9", "A final continuation frame with nothing to continue, then a text message, in one write.", false, 0, false),
		orphan("5.10", "As 5.9, each frame written and flushed on its own.", false, 0, true),
		orphan("5.11", "As 5.9, written one octet at a time.", false, 1, false),
		orphan("5.12", "A non-final continuation frame with nothing to continue, then a text message, in one write.", true, 0, false),
		orphan("5.13", "As 5.12, each frame written and flushed on its own.", true, 0, true),
		orphan("5.14", "As 5.12, written one octet at a time.", true, 1, false),
		{
			ID:            "5.15",
			Description:   "A text message in two fragments, then a non-final continuation frame with nothing to continue, then a text frame.",
			Expectation:   "The first message comes back; then the server fails the connection with 1002 (protocol error).",
			Expected:      okOrNonStrict(events(textMessage("fragment1fragment2")), nil),
			ExpectedClose: serverFails(codeProtocolError),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: "fragment1", more: true})
				s.send(frame{opcode: 0, payload: "fragment2"})
				s.send(frame{opcode: 0, payload: "fragment3", more: true})
				s.send(frame{opcode: 1, payload: "fragment4"})
				s.killAfter(1)
			},
		},
		twice("5.16", "Twice: a non-final continuation frame with nothing to continue, then a text message in two fragments.", true),
		twice("5.17", "Twice: a final continuation frame with nothing to continue, then a text message in two fragments.", false),
		failing("5.18", "A text message in two fragments whose second frame has the text opcode instead of continuation.", "The server fails the connection with 1002 (protocol error): the frames after the first of a message must be continuations.",
			frame{opcode: 1, payload: "fragment1", more: true}, frame{opcode: 1, payload: "fragment2"}),
		slowMessage("5.19", "A text message in five fragments: two fragments and a ping, a pause of 1 s, two more fragments, a ping and the last fragment.", false),
		slowMessage("5.20", "As 5.19, each frame written and flushed on its own.", true),
	}
}
