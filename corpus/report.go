package corpus

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// MarshalReport writes c as an Autobahn|Testsuite per-case JSON report,
// the form ParseJSON reads: the verdicts, the expected and received
// events, the expected close and the closing behaviour, the opening
// handshake, and the whole wire log, every entry kind in Autobahn's shape
// (see ParseJSON) with all its data, never cut. Payloads are text when
// they are valid UTF-8, else "0x" and hex, as Autobahn writes them.
func MarshalReport(c *Case) ([]byte, error) { return MarshalReportWith(c, ReportExtras{}) }

// ReportExtras are the fields of a report that a Case does not hold, for
// a producer that knows them (a run of the catalogue does).
type ReportExtras struct {
	// Number is the case's number in its run, from 1 ("case").
	Number int
	// Started is when the case's connection opened ("started").
	Started time.Time
	// ReportTime and ReportCompressionRatio are Autobahn's switches for
	// showing the case's duration and compression ratio.
	ReportTime, ReportCompressionRatio bool
	// TxOctets and RxOctets count writes and reads by size, TxFrames and
	// RxFrames frames by opcode (Autobahn's statistics).
	TxOctets, RxOctets, TxFrames, RxFrames map[int]int
}

// reportOut is a per-case report as written, its fields in the order Autobahn writes
// them.
type reportOut struct {
	Agent                          string                       `json:"agent"`
	Behavior                       string                       `json:"behavior"`
	BehaviorClose                  string                       `json:"behaviorClose"`
	Case                           int                          `json:"case"`
	ClosedByMe                     bool                         `json:"closedByMe"`
	CreateStats                    bool                         `json:"createStats"`
	CreateWirelog                  bool                         `json:"createWirelog"`
	Description                    string                       `json:"description"`
	DroppedByMe                    bool                         `json:"droppedByMe"`
	Duration                       int                          `json:"duration"`
	Expectation                    string                       `json:"expectation"`
	Expected                       map[string][]json.RawMessage `json:"expected"`
	ExpectedClose                  reportExpectedClose          `json:"expectedClose"`
	FailedByMe                     bool                         `json:"failedByMe"`
	HTTPRequest                    string                       `json:"httpRequest"`
	HTTPResponse                   string                       `json:"httpResponse"`
	ID                             string                       `json:"id"`
	IsServer                       bool                         `json:"isServer"`
	LocalCloseCode                 *int                         `json:"localCloseCode"`
	LocalCloseReason               *string                      `json:"localCloseReason"`
	Received                       []json.RawMessage            `json:"received"`
	RemoteCloseCode                *int                         `json:"remoteCloseCode"`
	RemoteCloseReason              *string                      `json:"remoteCloseReason"`
	ReportCompressionRatio         bool                         `json:"reportCompressionRatio"`
	ReportTime                     bool                         `json:"reportTime"`
	Result                         string                       `json:"result"`
	ResultClose                    string                       `json:"resultClose"`
	RxFrameStats                   map[string]int               `json:"rxFrameStats"`
	RxOctetStats                   map[string]int               `json:"rxOctetStats"`
	Started                        string                       `json:"started,omitempty"`
	TxFrameStats                   map[string]int               `json:"txFrameStats"`
	TxOctetStats                   map[string]int               `json:"txOctetStats"`
	WasClean                       bool                         `json:"wasClean"`
	WasCloseHandshakeTimeout       bool                         `json:"wasCloseHandshakeTimeout"`
	WasNotCleanReason              *string                      `json:"wasNotCleanReason"`
	WasOpenHandshakeTimeout        bool                         `json:"wasOpenHandshakeTimeout"`
	WasServerConnectionDropTimeout bool                         `json:"wasServerConnectionDropTimeout"`
	Wirelog                        []json.RawMessage            `json:"wirelog"`
}

type reportExpectedClose struct {
	CloseCode                    []int `json:"closeCode"`
	ClosedByMe                   bool  `json:"closedByMe"`
	ClosedByWrongEndpointIsFatal bool  `json:"closedByWrongEndpointIsFatal"`
	RequireClean                 bool  `json:"requireClean"`
}

// MarshalReportWith is MarshalReport with the fields a Case does not hold.
func MarshalReportWith(c *Case, x ReportExtras) ([]byte, error) {
	cl := c.Closing
	r := reportOut{
		Agent: c.Agent, Behavior: c.Behavior, BehaviorClose: c.BehaviorClose, Case: x.Number,
		ClosedByMe: cl.ClosedByMe, CreateStats: true, CreateWirelog: true,
		Description: c.Description, DroppedByMe: cl.DroppedByMe, Duration: c.DurationMS, Expectation: c.Expectation,
		Expected: map[string][]json.RawMessage{},
		ExpectedClose: reportExpectedClose{CloseCode: c.ExpectedClose.CloseCode, ClosedByMe: c.ExpectedClose.ClosedByMe,
			ClosedByWrongEndpointIsFatal: c.ExpectedClose.ClosedByWrongEndpointIsFatal, RequireClean: c.ExpectedClose.RequireClean},
		FailedByMe: cl.FailedByMe, HTTPRequest: c.HTTPRequest, HTTPResponse: c.HTTPResponse, ID: c.ID, IsServer: c.FuzzerIsServer,
		LocalCloseCode: nullIfZero(cl.LocalCloseCode), LocalCloseReason: nullIfEmpty(cl.LocalCloseReason),
		RemoteCloseCode: nullIfZero(cl.RemoteCloseCode), RemoteCloseReason: nullIfEmpty(cl.RemoteCloseReason),
		ReportCompressionRatio: x.ReportCompressionRatio, ReportTime: x.ReportTime,
		Result: c.Result, ResultClose: c.ResultClose,
		RxFrameStats: statsByKey(x.RxFrames), RxOctetStats: statsByKey(x.RxOctets),
		TxFrameStats: statsByKey(x.TxFrames), TxOctetStats: statsByKey(x.TxOctets),
		WasClean: cl.WasClean, WasCloseHandshakeTimeout: cl.WasCloseHandshakeTimeout,
		WasNotCleanReason: nullIfEmpty(cl.WasNotCleanReason), WasOpenHandshakeTimeout: cl.WasOpenHandshakeTimeout,
		WasServerConnectionDropTimeout: cl.WasServerConnectionDropTimeout,
		Received:                       []json.RawMessage{}, Wirelog: []json.RawMessage{},
	}
	if r.ExpectedClose.CloseCode == nil {
		r.ExpectedClose.CloseCode = []int{}
	}
	if !x.Started.IsZero() {
		r.Started = x.Started.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	// Autobahn's JSON gives each verdict one event sequence.
	for k, seqs := range c.Expected {
		r.Expected[k] = []json.RawMessage{}
		if len(seqs) > 0 {
			for _, e := range seqs[0] {
				r.Expected[k] = append(r.Expected[k], reportEvent(e))
			}
		}
	}
	for _, e := range c.Received {
		r.Received = append(r.Received, reportEvent(e))
	}
	for _, e := range c.Wire {
		raw, err := reportEntry(e)
		if err != nil {
			return nil, fmt.Errorf("case %s: %v", c.ID, err)
		}
		if raw != nil {
			r.Wirelog = append(r.Wirelog, raw)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "   ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("case %s: %v", c.ID, err)
	}
	return b.Bytes(), nil
}

// reportEvent renders an event as Autobahn does: ["message", payload,
// binary], ["pong", payload], ["timeout", tag]. The payload is text when
// it is valid UTF-8, else "0x" and hex. An event states no length, so two
// payloads read back other than written, as in Autobahn's own reports:
// text longer than cutThreshold octets ending in cutMark reads as cut
// (Event.Truncated), and text that is "0x" and the hex of octets that are
// not UTF-8 reads as those octets.
func reportEvent(e Event) json.RawMessage {
	payload := string(e.Data)
	if !utf8.Valid(e.Data) {
		payload = "0x" + hex.EncodeToString(e.Data)
	}
	switch e.Kind {
	case "message":
		return mustCompact([]any{e.Kind, payload, e.Binary})
	case "timeout":
		return mustCompact([]any{e.Kind, string(e.Data)})
	}
	return mustCompact([]any{e.Kind, payload})
}

// framePayload renders a frame's payload whole, the way the readers read
// it back: text when it is valid UTF-8, else "0x" and hex. Text longer
// than cutThreshold octets that ends in cutMark would read as cut, so it
// is written as hex: the frame's stated length tells the reader it is hex.
func framePayload(p []byte) string {
	if utf8.Valid(p) && !(len(p) > cutThreshold && bytes.HasSuffix(p, []byte(cutMark))) {
		return string(p)
	}
	return "0x" + hex.EncodeToString(p)
}

// reportEntry renders one wire-log entry in the shape ParseJSON reads, with
// all its data; nil for the end-of-log entries, which a report implies
// from droppedByMe.
func reportEntry(e Entry) (json.RawMessage, error) {
	tag := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch e.Kind {
	case TxOctets:
		return mustCompact([]any{e.Kind, []any{len(e.Octets), hex.EncodeToString(e.Octets)}, e.Sync}), nil
	case RxOctets:
		return mustCompact([]any{e.Kind, []any{len(e.Octets), hex.EncodeToString(e.Octets)}}), nil
	case TxFrame, RxFrame:
		f := e.Frame
		if f == nil {
			return nil, fmt.Errorf("a %s entry without its frame", e.Kind)
		}
		var mask any
		if f.Mask != nil {
			mask = hex.EncodeToString(f.Mask)
		}
		data := []any{len(f.Payload), framePayload(f.Payload)}
		if e.Kind == RxFrame {
			return mustCompact([]any{e.Kind, data, f.Opcode, f.Fin, f.Rsv, f.Mask != nil, mask}), nil
		}
		var repeat, chop any
		if f.RepeatLength > 0 {
			repeat = f.RepeatLength
		}
		if f.ChopSize > 0 {
			chop = f.ChopSize
		}
		return mustCompact([]any{e.Kind, data, f.Opcode, f.Fin, f.Rsv, mask, repeat, chop, f.Sync}), nil
	case ContinueAfter:
		return compactJSON([]any{e.Kind, e.Seconds, tag(e.Mark)})
	case ContinueFired:
		return mustCompact([]any{e.Kind, tag(e.Mark)}), nil
	case KillAfter, Timeout:
		return compactJSON([]any{e.Kind, e.Seconds})
	case KillExpired, TimeoutFired:
		return mustCompact([]any{e.Kind}), nil
	case Logging:
		return mustCompact([]any{e.Kind, e.Enabled}), nil
	case DroppedByPeer, DroppedByMe:
		return nil, nil
	}
	return nil, fmt.Errorf("no JSON form for wire-log entry kind %q", e.Kind)
}

// compactJSON marshals a list on one line, without HTML escapes. It fails
// only on a number JSON cannot hold (a NaN or infinite delay).
func compactJSON(v []any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// mustCompact is compactJSON of a list of strings, integers, booleans and
// nils, which cannot fail.
func mustCompact(v []any) json.RawMessage {
	raw, _ := compactJSON(v)
	return raw
}

func statsByKey(m map[int]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

func nullIfZero(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
