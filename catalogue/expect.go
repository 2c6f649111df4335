package catalogue

import "github.com/wsfuzz/wsfuzz/corpus"

// The expected events and closing handshakes the cases share.

// The verdicts an event sequence can earn.
const (
	ok        = "OK"
	nonStrict = "NON-STRICT"
)

// Close codes the cases send and expect.
const (
	codeNormal         = 1000
	codeProtocolError  = 1002
	codeInvalidPayload = 1007
)

func textMessage(s string) corpus.Event { return corpus.Event{Kind: "message", Data: []byte(s)} }

func binaryMessage(s string) corpus.Event {
	return corpus.Event{Kind: "message", Data: []byte(s), Binary: true}
}

func pong(s string) corpus.Event { return corpus.Event{Kind: "pong", Data: []byte(s)} }

func timeout(tag string) corpus.Event { return corpus.Event{Kind: "timeout", Data: []byte(tag)} }

// only expects exactly events for OK.
func only(events ...corpus.Event) map[string][]corpus.Event {
	if events == nil {
		events = []corpus.Event{}
	}
	return map[string][]corpus.Event{ok: events}
}

// okOrNonStrict expects strict for OK and lax for NON-STRICT.
func okOrNonStrict(strict, lax []corpus.Event) map[string][]corpus.Event {
	if strict == nil {
		strict = []corpus.Event{}
	}
	if lax == nil {
		lax = []corpus.Event{}
	}
	return map[string][]corpus.Event{ok: strict, nonStrict: lax}
}

// closeNormally: the client closes with 1000 and the server answers with
// 1000; the closing handshake must complete.
func closeNormally() corpus.ExpectedClose {
	return corpus.ExpectedClose{CloseCode: []int{codeNormal}, ClosedByMe: true, RequireClean: true}
}

// serverFails: the server must fail the connection with code (or drop
// TCP); cleanliness is not required.
func serverFails(code int) corpus.ExpectedClose {
	return corpus.ExpectedClose{CloseCode: []int{code}}
}

// serverFailsUTF8: the server must fail the connection with 1007, and a
// connection the client closes means the server never saw the bad UTF-8.
func serverFailsUTF8() corpus.ExpectedClose {
	return corpus.ExpectedClose{CloseCode: []int{codeInvalidPayload}, ClosedByWrongEndpointIsFatal: true}
}
