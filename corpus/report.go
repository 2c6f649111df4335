package corpus

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// MarshalReport writes c as an Autobahn|Testsuite per-case JSON report,
// the form ParseJSON reads: the verdicts, the expected and received
// events, the expected close and the closing behaviour, the opening
// handshake, and the wire log's octet entries (TO and RO, whole, never
// cut) with their sync flags. Payloads are written as "0x"-hex, which
// Autobahn uses for binary data and every reader takes. Entries of other
// kinds are not written: a report made this way holds the octets, which is
// what import and replay need.
func MarshalReport(c *Case) ([]byte, error) {
	type expectedClose struct {
		CloseCode                    []int `json:"closeCode"`
		ClosedByMe                   bool  `json:"closedByMe"`
		RequireClean                 bool  `json:"requireClean"`
		ClosedByWrongEndpointIsFatal bool  `json:"closedByWrongEndpointIsFatal"`
	}
	events := func(evs []Event) [][]any {
		out := [][]any{}
		for _, e := range evs {
			if e.Kind == "timeout" {
				out = append(out, []any{e.Kind, string(e.Data)})
				continue
			}
			out = append(out, []any{e.Kind, "0x" + hex.EncodeToString(e.Data), e.Binary})
		}
		return out
	}
	// Autobahn's JSON gives each verdict one event sequence.
	expected := map[string][][]any{}
	for k, seqs := range c.Expected {
		if len(seqs) > 0 {
			expected[k] = events(seqs[0])
		}
	}
	var wirelog [][]any
	for _, e := range c.Wire {
		switch e.Kind {
		case TxOctets:
			wirelog = append(wirelog, []any{string(e.Kind), []any{len(e.Octets), hex.EncodeToString(e.Octets)}, e.Sync})
		case RxOctets:
			wirelog = append(wirelog, []any{string(e.Kind), []any{len(e.Octets), hex.EncodeToString(e.Octets)}})
		}
	}
	ec := expectedClose(c.ExpectedClose)
	if ec.CloseCode == nil {
		ec.CloseCode = []int{}
	}
	cl := c.Closing
	report := map[string]any{
		"id": c.ID, "agent": c.Agent, "description": c.Description, "expectation": c.Expectation,
		"behavior": c.Behavior, "behaviorClose": c.BehaviorClose, "result": c.Result, "resultClose": c.ResultClose,
		"duration": c.DurationMS, "expected": expected, "received": events(c.Received), "expectedClose": ec,
		"closedByMe": cl.ClosedByMe, "failedByMe": cl.FailedByMe, "droppedByMe": cl.DroppedByMe, "wasClean": cl.WasClean,
		"wasNotCleanReason": cl.WasNotCleanReason, "localCloseCode": nullIfZero(cl.LocalCloseCode),
		"remoteCloseCode": nullIfZero(cl.RemoteCloseCode), "isServer": false,
		"httpRequest": c.HTTPRequest, "httpResponse": c.HTTPResponse, "wirelog": wirelog,
	}
	b, err := json.MarshalIndent(report, "", "   ")
	if err != nil {
		return nil, fmt.Errorf("case %s: %v", c.ID, err)
	}
	return b, nil
}

func nullIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
