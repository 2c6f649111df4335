package catalogue

import "strings"

// autoFragmentCases are section 10: a 64 KiB text message that the client
// splits into frames of 1300 octets on its own (Autobahn's
// autoFragmentSize), 51 frames in all. The server must echo the message.
func autoFragmentCases() []*Case {
	payload := strings.Repeat("*", 65536)
	return []*Case{{
		ID:            "10.1.1",
		Description:   "A 64 KiB text message, split by the client into frames of 1300 octets (50 full frames and one of 536).",
		Expectation:   "The message comes back as sent; then a clean close with 1000.",
		Expected:      only(textMessage(payload)),
		ExpectedClose: closeNormally(),
		steps: func(s *script) {
			s.message(payload, false, 1300)
			s.killAfter(10)
		},
	}}
}
