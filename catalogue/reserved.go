package catalogue

import "github.com/wsfuzz/wsfuzz/corpus"

// reservedBitCases are section 3: frames with RSV bits set although no
// extension was agreed. The server must fail the connection with 1002, at
// the latest when the bad frame arrives: an echo of a message sent before
// it is right, and a server that fails before echoing is NON-STRICT.
func reservedBitCases() []*Case {
	const hello = "Hello, world!"
	const protocolError = "The server fails the connection with 1002 (protocol error) once the frame with RSV bits arrives."
	afterEcho := "The message before the bad frame comes back; then the server fails the connection with 1002 (protocol error), and the ping after it gets no pong."
	sandwich := func(id, desc string, rsv, chop int, sync bool) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: afterEcho,
			Expected:      okOrNonStrict(events(textMessage(hello)), nil),
			ExpectedClose: serverFails(codeProtocolError),
			steps: func(s *script) {
				s.send(frame{opcode: 1, payload: hello, chop: chop, sync: sync})
				s.send(frame{opcode: 1, payload: hello, rsv: rsv, chop: chop, sync: sync})
				s.send(frame{opcode: 9, chop: chop, sync: sync})
				s.killAfter(1)
			},
		}
	}
	alone := func(id, desc string, f frame) *Case {
		return &Case{
			ID: id, Description: desc, Expectation: protocolError,
			Expected:      only(),
			ExpectedClose: serverFails(codeProtocolError),
			steps: func(s *script) {
				s.send(f)
				s.killAfter(1)
			},
		}
	}
	return []*Case{
		alone("3.1", "A short text message with RSV = 1.", frame{opcode: 1, payload: hello, rsv: 1}),
		sandwich("3.2", "A short text message, the same message with RSV = 2, then a ping.", 2, 0, false),
		sandwich("3.3", "As 3.2 with RSV = 3, each frame written and flushed on its own.", 3, 0, true),
		sandwich("3.4", "As 3.2 with RSV = 4, written one octet at a time.", 4, 1, false),
		alone("3.5", "A short binary message with RSV = 5.", frame{opcode: 2, payload: "\x00\xff\xfe\xfd\xfc\xfb\x00\xff", rsv: 5}),
		alone("3.6", "A binary message with RSV = 6.", frame{opcode: 2, payload: hello, rsv: 6}),
		alone("3.7", "A close frame with RSV = 7.", frame{opcode: 8, rsv: 7}),
	}
}

// events returns its arguments as a sequence.
func events(e ...corpus.Event) []corpus.Event { return e }
