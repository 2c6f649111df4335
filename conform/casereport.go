package conform

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// caseReport is one case's report in the format of Autobahn's
// fuzzingclient (reports/servers/<agent>_case_<id>.json), fields in the
// order Autobahn writes them.
type caseReport struct {
	Agent                          string                       `json:"agent"`
	Behavior                       string                       `json:"behavior"`
	BehaviorClose                  string                       `json:"behaviorClose"`
	Case                           int                          `json:"case"`
	ClosedByMe                     bool                         `json:"closedByMe"`
	CreateStats                    bool                         `json:"createStats"`
	CreateWirelog                  bool                         `json:"createWirelog"`
	Description                    string                       `json:"description"`
	DroppedByMe                    bool                         `json:"droppedByMe"`
	Duration                       int64                        `json:"duration"`
	Expectation                    string                       `json:"expectation"`
	Expected                       map[string][]json.RawMessage `json:"expected"`
	ExpectedClose                  expectedCloseJSON            `json:"expectedClose"`
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
	Started                        string                       `json:"started"`
	TrafficStats                   *struct{}                    `json:"trafficStats"`
	TxFrameStats                   map[string]int               `json:"txFrameStats"`
	TxOctetStats                   map[string]int               `json:"txOctetStats"`
	WasClean                       bool                         `json:"wasClean"`
	WasCloseHandshakeTimeout       bool                         `json:"wasCloseHandshakeTimeout"`
	WasNotCleanReason              *string                      `json:"wasNotCleanReason"`
	WasOpenHandshakeTimeout        bool                         `json:"wasOpenHandshakeTimeout"`
	WasServerConnectionDropTimeout bool                         `json:"wasServerConnectionDropTimeout"`
	Wirelog                        []json.RawMessage            `json:"wirelog"`
}

type expectedCloseJSON struct {
	CloseCode                    []int `json:"closeCode"`
	ClosedByMe                   bool  `json:"closedByMe"`
	ClosedByWrongEndpointIsFatal bool  `json:"closedByWrongEndpointIsFatal,omitempty"`
	RequireClean                 bool  `json:"requireClean"`
}

// ReportFile is the name of a case's report, as Autobahn names it: the
// agent in lower case with everything but letters and digits made "_",
// then "_case_" and the id with "_" for ".".
func ReportFile(agent, id string) string {
	clean := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, strings.ToLower(agent))
	return clean + "_case_" + strings.ReplaceAll(id, ".", "_") + ".json"
}

// caseReportOf builds the report of one result.
func caseReportOf(agent string, r *Result) (*caseReport, error) {
	c := r.Plan.Case
	v := r.Verdict
	rep := &caseReport{
		Agent: agent, Behavior: v.Behavior, BehaviorClose: v.BehaviorClose, Case: r.Ordinal,
		CreateStats: true, CreateWirelog: true,
		Description: c.Description, Expectation: c.Expectation, ID: c.ID,
		Result: v.Result, ResultClose: v.ResultClose,
		Expected: map[string][]json.RawMessage{}, Received: []json.RawMessage{},
		ExpectedClose: expectedCloseJSON{CloseCode: orEmpty(c.ExpectedClose.CloseCode), ClosedByMe: c.ExpectedClose.ClosedByMe,
			RequireClean: c.ExpectedClose.RequireClean, ClosedByWrongEndpointIsFatal: c.ExpectedClose.ClosedByWrongEndpointIsFatal},
		HTTPRequest:  c.HTTPRequest,
		ReportTime:   r.Case.SelfJudged(),
		RxFrameStats: map[string]int{}, RxOctetStats: map[string]int{}, TxFrameStats: map[string]int{}, TxOctetStats: map[string]int{},
		Wirelog: []json.RawMessage{},
	}
	rep.ReportCompressionRatio = r.Case.Offer != ""
	for k, seqs := range c.Expected {
		for _, seq := range seqs {
			for _, e := range seq {
				raw, err := eventJSON(e)
				if err != nil {
					return nil, err
				}
				rep.Expected[k] = append(rep.Expected[k], raw)
			}
			if rep.Expected[k] == nil {
				rep.Expected[k] = []json.RawMessage{}
			}
		}
	}
	o := r.Observed
	if o == nil {
		reason := v.Result
		rep.WasNotCleanReason = &reason
		rep.Started = formatStarted(time.Now())
		return rep, nil
	}
	if o.Request != "" {
		rep.HTTPRequest = o.Request
	}
	rep.HTTPResponse = o.Response
	rep.Started = formatStarted(o.Started)
	rep.Duration = o.Duration.Round(time.Millisecond).Milliseconds()
	for _, e := range o.Events {
		raw, err := eventJSON(e)
		if err != nil {
			return nil, err
		}
		rep.Received = append(rep.Received, raw)
	}
	cl := o.Closing
	rep.ClosedByMe, rep.FailedByMe, rep.DroppedByMe, rep.WasClean = cl.ClosedByMe, cl.FailedByMe, cl.DroppedByMe, cl.WasClean
	rep.WasCloseHandshakeTimeout, rep.WasOpenHandshakeTimeout = cl.WasCloseHandshakeTimeout, cl.WasOpenHandshakeTimeout
	rep.WasServerConnectionDropTimeout = cl.WasServerConnectionDropTimeout
	if cl.WasNotCleanReason != "" {
		reason := cl.WasNotCleanReason
		rep.WasNotCleanReason = &reason
	}
	if o.CloseCodeSent {
		code := cl.LocalCloseCode
		rep.LocalCloseCode = &code
	}
	if cl.RemoteCloseCode != 0 {
		code := cl.RemoteCloseCode
		rep.RemoteCloseCode = &code
	}
	if cl.RemoteCloseReason != "" {
		reason := cl.RemoteCloseReason
		rep.RemoteCloseReason = &reason
	}
	statsJSON(rep.TxOctetStats, o.Stats.TxOctets)
	statsJSON(rep.RxOctetStats, o.Stats.RxOctets)
	statsJSON(rep.TxFrameStats, o.Stats.TxFrames)
	statsJSON(rep.RxFrameStats, o.Stats.RxFrames)
	for _, e := range o.Wire {
		raw, err := entryJSON(e)
		if err != nil {
			return nil, fmt.Errorf("case %s: %v", c.ID, err)
		}
		rep.Wirelog = append(rep.Wirelog, raw)
	}
	return rep, nil
}

// marshal renders the report as indented JSON, without HTML escapes.
func (rep *caseReport) marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "   ")
	if err := enc.Encode(rep); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func formatStarted(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func statsJSON(dst map[string]int, src map[int]int) {
	for k, v := range src {
		dst[strconv.Itoa(k)] = v
	}
}

func orEmpty(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// eventJSON renders an event as Autobahn does (["message", payload,
// binary], ["pong", payload], ["timeout", tag]), with the payload whole:
// as text when it is valid UTF-8 that cannot be mistaken for anything else,
// as "0x" and hex otherwise.
func eventJSON(e corpus.Event) (json.RawMessage, error) {
	var parts []any
	switch e.Kind {
	case "message":
		parts = []any{e.Kind, payloadText(e.Data), e.Binary}
	case "timeout":
		parts = []any{e.Kind, string(e.Data)}
	default:
		parts = []any{e.Kind, payloadText(e.Data)}
	}
	return marshalCompact(parts)
}

// payloadText renders a payload the way the report readers read it back
// whole: as text when it is valid UTF-8, else as "0x" and hex. Text longer
// than 60 octets that ends in " ..." would read as cut, so it is written
// as hex: a frame's stated length then tells the reader it is hex. (An
// event states no length, so its rendering is as ambiguous as Autobahn's
// own for such text, and for text that reads as "0x" and hex of octets
// that are not UTF-8.)
func payloadText(p []byte) string {
	if utf8.Valid(p) && !(len(p) > 60 && bytes.HasSuffix(p, []byte(" ..."))) {
		return string(p)
	}
	return "0x" + hex.EncodeToString(p)
}

// entryJSON renders one wire-log entry in the shape of Autobahn's JSON
// (see corpus.ParseJSON), with all its octets.
func entryJSON(e corpus.Entry) (json.RawMessage, error) {
	var parts []any
	tag := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch e.Kind {
	case corpus.TxOctets:
		parts = []any{e.Kind, []any{len(e.Octets), hex.EncodeToString(e.Octets)}, e.Sync}
	case corpus.RxOctets:
		parts = []any{e.Kind, []any{len(e.Octets), hex.EncodeToString(e.Octets)}}
	case corpus.TxFrame, corpus.RxFrame:
		f := e.Frame
		if f == nil {
			return nil, fmt.Errorf("a %s entry without its frame", e.Kind)
		}
		var mask any
		if f.Mask != nil {
			mask = hex.EncodeToString(f.Mask)
		}
		if e.Kind == corpus.RxFrame {
			parts = []any{e.Kind, []any{len(f.Payload), payloadText(f.Payload)}, f.Opcode, f.Fin, f.Rsv, f.Mask != nil, mask}
			break
		}
		var repeat, chop any
		if f.RepeatLength > 0 {
			repeat = f.RepeatLength
		}
		if f.ChopSize > 0 {
			chop = f.ChopSize
		}
		parts = []any{e.Kind, []any{len(f.Payload), payloadText(f.Payload)}, f.Opcode, f.Fin, f.Rsv, mask, repeat, chop, f.Sync}
	case corpus.ContinueAfter:
		parts = []any{e.Kind, e.Seconds, tag(e.Mark)}
	case corpus.ContinueFired:
		parts = []any{e.Kind, tag(e.Mark)}
	case corpus.KillAfter, corpus.Timeout:
		parts = []any{e.Kind, e.Seconds}
	case corpus.KillExpired, corpus.TimeoutFired:
		parts = []any{e.Kind}
	case corpus.Logging:
		parts = []any{e.Kind, e.Enabled}
	default:
		return nil, fmt.Errorf("no JSON form for wire-log entry kind %q", e.Kind)
	}
	return marshalCompact(parts)
}

func marshalCompact(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// sortedIDs returns the ids of results in id order.
func sortedIDs(results []*Result) []string {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.Case.ID
	}
	sort.Slice(ids, func(i, j int) bool { return corpus.CompareIDs(ids[i], ids[j]) < 0 })
	return ids
}
