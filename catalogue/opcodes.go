package catalogue

import "fmt"

// opcodeCases are section 4: frames with the reserved data opcodes 3-7
// (4.1.*) and control opcodes 11-15 (4.2.*). The server must fail the
// connection with 1002 when the frame arrives; an echo of a message sent
// before it is right, and a server that fails before echoing is
// NON-STRICT.
func opcodeCases() []*Case {
	const hello = "Hello, world!"
	var out []*Case
	for sub, base := range []int{3, 11} {
		kind := "data"
		if base == 11 {
			kind = "control"
		}
		for i := range 5 {
			opcode := base + i
			id := fmt.Sprintf("4.%d.%d", sub+1, i+1)
			switch i {
			case 0, 1:
				payload, note := "", "without payload"
				if i == 1 {
					payload, note = "reserved opcode payload", "with a payload"
				}
				out = append(out, &Case{
					ID:            id,
					Description:   fmt.Sprintf("A frame with the reserved %s opcode %d, %s.", kind, opcode, note),
					Expectation:   "The server fails the connection with 1002 (protocol error).",
					Expected:      only(),
					ExpectedClose: serverFails(codeProtocolError),
					steps: func(s *script) {
						s.send(frame{opcode: opcode, payload: payload})
						s.killAfter(1)
					},
				})
			default:
				payload, chop, note := "", 0, ""
				if i > 2 {
					payload = hello
				}
				if i == 4 {
					chop, note = 1, ", written one octet at a time"
				}
				out = append(out, &Case{
					ID:            id,
					Description:   fmt.Sprintf("A short text message, a frame with the reserved %s opcode %d, then a ping%s.", kind, opcode, note),
					Expectation:   "The text message comes back; then the server fails the connection with 1002 (protocol error), and the ping gets no pong.",
					Expected:      okOrNonStrict(events(textMessage(hello)), nil),
					ExpectedClose: serverFails(codeProtocolError),
					steps: func(s *script) {
						s.send(frame{opcode: 1, payload: hello, chop: chop})
						s.send(frame{opcode: opcode, payload: payload, chop: chop})
						s.send(frame{opcode: 9, chop: chop})
						s.killAfter(1)
					},
				})
			}
		}
	}
	return out
}
