package catalogue

import (
	"fmt"
	"strings"
)

// framingCases are section 1: a text (1.1.*) or binary (1.2.*) message
// whose payload length sits on the boundaries of the frame header's
// length encodings (0, 125, 126, 127, 128, 65535, 65536), once chopped
// into writes of 997 octets. The server must echo it.
func framingCases() []*Case {
	lengths := []int{0, 125, 126, 127, 128, 65535, 65536, 65536}
	var out []*Case
	for sub, binary := range []bool{false, true} {
		kind, fill, opcode := "text", "*", 1
		if binary {
			kind, fill, opcode = "binary", "\xfe", 2
		}
		for i, n := range lengths {
			payload := strings.Repeat(fill, n)
			chop, note := 0, ""
			if i == 7 {
				chop, note = 997, ", written in pieces of 997 octets"
			}
			wait := 1.0
			if n > 128 {
				wait = 10
			}
			expect := textMessage(payload)
			if binary {
				expect = binaryMessage(payload)
			}
			out = append(out, &Case{
				ID:            fmt.Sprintf("1.%d.%d", sub+1, i+1),
				Description:   fmt.Sprintf("A %s message with a %d-octet payload in one frame%s.", kind, n, note),
				Expectation:   fmt.Sprintf("The %s message comes back as sent; the client closes with 1000 and the server answers.", kind),
				Expected:      only(expect),
				ExpectedClose: closeNormally(),
				steps: func(s *script) {
					s.send(frame{opcode: opcode, payload: payload, chop: chop})
					s.killAfter(wait)
				},
			})
		}
	}
	return out
}
