package corpus

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestMarshalReportRoundTrip writes a case with every kind of wire-log
// entry, payloads that are text, binary and (in a frame) text that looks
// cut, and reads it back with ParseJSON: every entry and event comes back
// whole, and only the stretch where wire logging was off is missing.
func TestMarshalReportRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 70) + " ..." // reads as cut if written as text
	frame := func(op int, payload string, mask []byte) *Frame {
		return &Frame{Opcode: op, Fin: true, Mask: mask, Payload: []byte(payload), PayloadLength: len(payload), PayloadExact: true}
	}
	sent := []byte{0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1}
	c := &Case{
		ID: "6.4.1", Agent: "a", Description: "d", Expectation: "e", Behavior: "OK", BehaviorClose: "OK",
		Expected:      map[string][][]Event{"OK": {{{Kind: "message", Data: []byte("κόσμε")}, {Kind: "pong", Data: []byte{0xff, 0}}}}, "NON-STRICT": {{}}},
		Received:      []Event{{Kind: "message", Data: []byte{0xce, 0xba}, Binary: true}, {Kind: "timeout", Data: []byte("A")}},
		ExpectedClose: ExpectedClose{CloseCode: []int{1007}, ClosedByWrongEndpointIsFatal: true},
		Closing:       Closing{WasClean: true, RemoteCloseCode: 1007, RemoteCloseReason: "bad", LocalCloseCode: 1000},
		HTTPRequest:   "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		HTTPResponse:  "HTTP/1.1 101 Switching Protocols\r\n\r\n",
		Wire: []Entry{
			{Kind: TxOctets, Octets: []byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), Exact: true},
			{Kind: RxOctets, Octets: []byte("HTTP/1.1 101 Switching Protocols\r\n\r\n"), Exact: true},
			{Kind: TxFrame, Frame: frame(1, "hello", []byte{1, 2, 3, 4})},
			{Kind: TxOctets, Octets: sent, Exact: true},
			{Kind: ContinueAfter, Seconds: 1, Mark: "A"},
			{Kind: ContinueFired, Mark: "A"},
			{Kind: KillAfter, Seconds: 0.5},
			{Kind: Timeout, Seconds: 10},
			{Kind: Logging, Enabled: false},
			{Kind: Logging, Enabled: true},
			{Kind: RxOctets, Octets: append([]byte{0x81, byte(len(long))}, long...), Exact: true},
			{Kind: RxFrame, Frame: frame(1, long, nil)},
			{Kind: TimeoutFired},
			{Kind: KillExpired},
			{Kind: DroppedByPeer},
		},
	}
	data, err := MarshalReportWith(c, ReportExtras{Number: 7, Started: time.Unix(0, 0), TxOctets: map[int]int{11: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(" ...\"]")) {
		t.Errorf("a payload was written so that it reads as cut:\n%s", data)
	}
	got, err := ParseJSON(data, "r.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Skipped) != 1 || !strings.Contains(got.Skipped[0], "wire logging was off") {
		t.Errorf("the report reads back with more missing than the stretch without wire logging: %v", got.Skipped)
	}
	if fmt.Sprint(got.Received) != fmt.Sprint(c.Received) || fmt.Sprint(got.Expected) != fmt.Sprint(c.Expected) {
		t.Errorf("events read back as %v / %v", got.Received, got.Expected)
	}
	if got.Closing != c.Closing || fmt.Sprint(got.ExpectedClose) != fmt.Sprint(c.ExpectedClose) {
		t.Errorf("closing read back as %+v / %+v", got.Closing, got.ExpectedClose)
	}
	if len(got.Wire) != len(c.Wire) {
		t.Fatalf("%d wire-log entries read back, want %d", len(got.Wire), len(c.Wire))
	}
	for i, w := range c.Wire {
		g := got.Wire[i]
		if g.Kind != w.Kind || !bytes.Equal(g.Octets, w.Octets) || g.Seconds != w.Seconds || g.Mark != w.Mark || g.Enabled != w.Enabled {
			t.Errorf("entry %d reads back as %+v, want %+v", i, g, w)
		}
		if w.Frame != nil && (g.Frame == nil || !bytes.Equal(g.Frame.Payload, w.Frame.Payload) || !g.Frame.PayloadExact || !bytes.Equal(g.Frame.Mask, w.Frame.Mask)) {
			t.Errorf("entry %d's frame reads back as %+v, want %+v", i, g.Frame, w.Frame)
		}
	}
}
