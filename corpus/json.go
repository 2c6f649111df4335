package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseJSON reads one per-case JSON report, the file Autobahn writes next
// to each HTML case page (reports/servers/<agent>_case_<id>.json). source
// names the input in errors and becomes Case.Source.
//
// The wire log is read entry by entry. Each kind has a fixed shape:
//
//	["TO", [len, "hex"], sync]        octets sent (hex cut to 64 bytes + " ..." when len > 60)
//	["RO", [len, "hex"]]              octets received
//	["TF", [len, "payload"], opcode, fin, rsv, "mask"|null, repeat_len|null, chopsize|null, sync]
//	["RF", [len, "payload"], opcode, fin, rsv, masked, "mask"|null]
//	["CT", secs, "tag"|null]  ["CTE", "tag"|null]
//	["KL", secs]  ["KLE"]  ["TI", secs]  ["TIE"]  ["WLM", bool]
//
// Frame payloads are text when they are valid UTF-8 and "0x" followed by hex
// otherwise, cut like octets. Older reports give octets as a bare hex
// string instead of [len, "hex"]; then the length is known only for whole
// entries. A wire log that contradicts itself (a whole entry whose hex is
// not twice its stated length, odd-length hex, an unknown kind) is an
// error naming the entry; so is JSON that is not a case report.
//
// ParseJSON completes the case before returning it (see the package
// documentation on rebuilding): the handshake entries are replaced by
// httpRequest and httpResponse, cut frame octets are rebuilt from their
// frame entries where possible, and Partial and Skipped say what is still
// missing.
func ParseJSON(data []byte, source string) (*Case, error) {
	var r jsonReport
	if err := r.decode(data); err != nil {
		return nil, &ParseError{File: source, Entry: -1, Msg: "not a JSON case report: " + err.Error()}
	}
	if r.ID == "" || r.Wirelog == nil {
		return nil, &ParseError{File: source, Entry: -1, Msg: `not an Autobahn case report (no "id" or no "wirelog")`}
	}
	c := &Case{
		ID:             r.ID,
		Agent:          r.Agent,
		Source:         source,
		Description:    r.Description,
		Expectation:    r.Expectation,
		Behavior:       r.Behavior,
		BehaviorClose:  r.BehaviorClose,
		Result:         r.Result,
		ResultClose:    r.ResultClose,
		DurationMS:     r.Duration,
		HTTPRequest:    r.HTTPRequest,
		HTTPResponse:   r.HTTPResponse,
		FuzzerIsServer: r.IsServer,
		Closing: Closing{
			ClosedByMe:                     r.ClosedByMe,
			FailedByMe:                     r.FailedByMe,
			DroppedByMe:                    r.DroppedByMe,
			WasClean:                       r.WasClean,
			WasNotCleanReason:              r.WasNotCleanReason,
			WasServerConnectionDropTimeout: r.WasServerConnectionDropTimeout,
			WasOpenHandshakeTimeout:        r.WasOpenHandshakeTimeout,
			WasCloseHandshakeTimeout:       r.WasCloseHandshakeTimeout,
			LocalCloseCode:                 r.LocalCloseCode,
			RemoteCloseCode:                r.RemoteCloseCode,
			LocalCloseReason:               r.LocalCloseReason,
			RemoteCloseReason:              r.RemoteCloseReason,
		},
	}
	c.txStats, c.rxStats = r.TxOctetStats, r.RxOctetStats
	if r.ExpectedClose != nil {
		c.ExpectedClose = ExpectedClose{
			CloseCode:                    r.ExpectedClose.CloseCode,
			ClosedByMe:                   r.ExpectedClose.ClosedByMe,
			RequireClean:                 r.ExpectedClose.RequireClean,
			ClosedByWrongEndpointIsFatal: r.ExpectedClose.ClosedByWrongEndpointIsFatal,
		}
	}
	var err error
	if len(r.Expected) > 0 {
		c.Expected = make(map[string][][]Event, len(r.Expected))
		for verdict, raw := range r.Expected {
			seq, err := jsonEvents(raw)
			if err != nil {
				return nil, &ParseError{File: source, Entry: -1, Msg: fmt.Sprintf("expected[%q]: %v", verdict, err)}
			}
			// Autobahn allows one event sequence per verdict in its
			// reports; keep the shape general for other producers.
			c.Expected[verdict] = append(c.Expected[verdict], seq)
		}
	}
	if len(r.Received) > 0 {
		if c.Received, err = jsonEvents(r.Received); err != nil {
			return nil, &ParseError{File: source, Entry: -1, Msg: "received: " + err.Error()}
		}
	}
	for i, raw := range r.Wirelog {
		e, err := jsonEntry(raw)
		if err != nil {
			return nil, &ParseError{File: source, Entry: i, Kind: entryKindOf(raw), Msg: err.Error()}
		}
		c.Wire = append(c.Wire, e)
	}
	if r.DroppedByMe {
		c.Wire = append(c.Wire, Entry{Kind: DroppedByMe})
	} else {
		c.Wire = append(c.Wire, Entry{Kind: DroppedByPeer})
	}
	complete(c)
	return c, nil
}

// jsonReport is the part of a per-case JSON report the reader uses.
type jsonReport struct {
	ID            string `json:"id"`
	Agent         string `json:"agent"`
	Description   string `json:"description"`
	Expectation   string `json:"expectation"`
	Behavior      string `json:"behavior"`
	BehaviorClose string `json:"behaviorClose"`
	Result        string `json:"result"`
	ResultClose   string `json:"resultClose"`
	Duration      int    `json:"duration"`

	Expected      map[string]json.RawMessage `json:"expected"`
	Received      json.RawMessage            `json:"received"`
	ExpectedClose *struct {
		CloseCode                    []int `json:"closeCode"`
		ClosedByMe                   bool  `json:"closedByMe"`
		RequireClean                 bool  `json:"requireClean"`
		ClosedByWrongEndpointIsFatal bool  `json:"closedByWrongEndpointIsFatal"`
	} `json:"expectedClose"`

	ClosedByMe                     bool   `json:"closedByMe"`
	FailedByMe                     bool   `json:"failedByMe"`
	DroppedByMe                    bool   `json:"droppedByMe"`
	WasClean                       bool   `json:"wasClean"`
	WasNotCleanReason              string `json:"wasNotCleanReason"`
	WasServerConnectionDropTimeout bool   `json:"wasServerConnectionDropTimeout"`
	WasOpenHandshakeTimeout        bool   `json:"wasOpenHandshakeTimeout"`
	WasCloseHandshakeTimeout       bool   `json:"wasCloseHandshakeTimeout"`
	LocalCloseCode                 int    `json:"localCloseCode"`
	RemoteCloseCode                int    `json:"remoteCloseCode"`
	LocalCloseReason               string `json:"localCloseReason"`
	RemoteCloseReason              string `json:"remoteCloseReason"`
	IsServer                       bool   `json:"isServer"`
	HTTPRequest                    string `json:"httpRequest"`
	HTTPResponse                   string `json:"httpResponse"`

	TxOctetStats octetStats // txOctetStats: writes by size
	RxOctetStats octetStats // rxOctetStats: reads by size

	Wirelog []json.RawMessage `json:"wirelog"`
}

// decode fills r from a report's bytes in one pass (see jsonscan.go).
// Members the reader does not use are checked for syntax and skipped.
func (r *jsonReport) decode(data []byte) error {
	return jsonMembers(data, func(key string, v []byte) error {
		var err error
		switch key {
		case "id":
			r.ID, err = jsonText(v)
		case "agent":
			r.Agent, err = jsonText(v)
		case "description":
			r.Description, err = jsonText(v)
		case "expectation":
			r.Expectation, err = jsonText(v)
		case "behavior":
			r.Behavior, err = jsonText(v)
		case "behaviorClose":
			r.BehaviorClose, err = jsonText(v)
		case "result":
			r.Result, err = jsonText(v)
		case "resultClose":
			r.ResultClose, err = jsonText(v)
		case "wasNotCleanReason":
			r.WasNotCleanReason, err = jsonText(v)
		case "localCloseReason":
			r.LocalCloseReason, err = jsonText(v)
		case "remoteCloseReason":
			r.RemoteCloseReason, err = jsonText(v)
		case "httpRequest":
			r.HTTPRequest, err = jsonText(v)
		case "httpResponse":
			r.HTTPResponse, err = jsonText(v)
		case "duration":
			r.Duration, err = jsonInt(v)
		case "localCloseCode":
			r.LocalCloseCode, err = jsonInt(v)
		case "remoteCloseCode":
			r.RemoteCloseCode, err = jsonInt(v)
		case "closedByMe":
			r.ClosedByMe, err = jsonBool(v)
		case "failedByMe":
			r.FailedByMe, err = jsonBool(v)
		case "droppedByMe":
			r.DroppedByMe, err = jsonBool(v)
		case "wasClean":
			r.WasClean, err = jsonBool(v)
		case "wasServerConnectionDropTimeout":
			r.WasServerConnectionDropTimeout, err = jsonBool(v)
		case "wasOpenHandshakeTimeout":
			r.WasOpenHandshakeTimeout, err = jsonBool(v)
		case "wasCloseHandshakeTimeout":
			r.WasCloseHandshakeTimeout, err = jsonBool(v)
		case "isServer":
			r.IsServer, err = jsonBool(v)
		case "expected":
			if isJSONNull(v) {
				return nil
			}
			r.Expected = map[string]json.RawMessage{}
			err = jsonMembers(v, func(verdict string, seq []byte) error {
				r.Expected[verdict] = seq
				return nil
			})
		case "received":
			r.Received = v
		case "expectedClose":
			err = json.Unmarshal(v, &r.ExpectedClose)
		case "txOctetStats":
			r.TxOctetStats, err = jsonOctetStats(v)
		case "rxOctetStats":
			r.RxOctetStats, err = jsonOctetStats(v)
		case "wirelog":
			if isJSONNull(v) {
				return nil
			}
			var elems [][]byte
			elems, err = jsonElems(v)
			r.Wirelog = make([]json.RawMessage, len(elems))
			for i, e := range elems {
				r.Wirelog[i] = e
			}
		}
		return err
	})
}

// jsonOctetStats reads counts of writes or reads by size, {"196": 1,
// "8": 1}. It returns nil for null, and for a key that is not a size (the
// counts are then of no use); a count that is not an integer is an error.
func jsonOctetStats(raw []byte) (octetStats, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	if m, ok := plainOctetStats(raw); ok {
		return m, nil
	}
	m, usable := octetStats{}, true
	err := jsonMembers(raw, func(k string, v []byte) error {
		n, err := jsonInt(v)
		size, kerr := strconv.Atoi(k)
		if kerr != nil || size < 0 || n < 0 {
			usable = false
		}
		m[size] = n
		return err
	})
	if !usable || err != nil {
		m = nil
	}
	return m, err
}

// plainOctetStats reads counts written the plain way Autobahn writes
// them, {"196": 1, "8": 1} with decimal keys and counts and nothing else,
// in one pass; ok is false for anything else (then the general reader
// decides). A report carries a few hundred of these counts.
func plainOctetStats(raw []byte) (m octetStats, ok bool) {
	num := func(i int) (int, int, bool) {
		j, n := i, 0
		for j < len(raw) && '0' <= raw[j] && raw[j] <= '9' && j-i < 12 {
			n = n*10 + int(raw[j]-'0')
			j++
		}
		return n, j, j > i && j-i < 12
	}
	i := jsonSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	m = make(octetStats, bytes.Count(raw, []byte{':'}))
	i = jsonSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return m, jsonSpace(raw, i+1) == len(raw)
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return nil, false
		}
		size, j, ok := num(i + 1)
		if !ok || j >= len(raw) || raw[j] != '"' {
			return nil, false
		}
		i = jsonSpace(raw, j+1)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		count, j, ok := num(jsonSpace(raw, i+1))
		if !ok {
			return nil, false
		}
		m[size] = count
		i = jsonSpace(raw, j)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = jsonSpace(raw, i+1)
		case i < len(raw) && raw[i] == '}':
			return m, jsonSpace(raw, i+1) == len(raw)
		default:
			return nil, false
		}
	}
}

// jsonEvents reads an event list: [["message", "payload", binary],
// ["pong", "payload"], ["timeout", "tag"], ...].
func jsonEvents(raw json.RawMessage) ([]Event, error) {
	if isJSONNull(raw) {
		return nil, nil
	}
	list, err := jsonElems(raw)
	if err != nil {
		return nil, err
	}
	events := make([]Event, 0, len(list))
	for i, rawItem := range list {
		item, err := jsonElems(rawItem)
		if err != nil {
			return nil, fmt.Errorf("event %d: %v", i, err)
		}
		if len(item) < 1 {
			return nil, fmt.Errorf("event %d is empty", i)
		}
		var ev Event
		if ev.Kind, err = jsonText(item[0]); err != nil {
			return nil, fmt.Errorf("event %d: kind: %v", i, err)
		}
		if len(item) > 1 && string(bytes.TrimSpace(item[1])) != "null" {
			// Surrogate pairs are joined: a message Autobahn received
			// whole is valid UTF-8 (see jsonString).
			s, err := jsonString(bytes.TrimSpace(item[1]), true)
			if err != nil {
				return nil, fmt.Errorf("event %d: data: %v", i, err)
			}
			if ev.Kind == "timeout" {
				ev.Data = []byte(s)
			} else {
				p := decodeLoggedPayload(s, -1)
				ev.Data, ev.Truncated = p.data, p.cut
			}
		}
		if len(item) > 2 {
			if ev.Binary, err = jsonBool(item[2]); err != nil {
				return nil, fmt.Errorf("event %d: binary flag: %v", i, err)
			}
		}
		events = append(events, ev)
	}
	return events, nil
}

// entryKindOf returns the kind of a raw wire-log entry for error messages,
// or "" when it has none.
func entryKindOf(raw json.RawMessage) EntryKind {
	parts, err := jsonElems(raw)
	if err != nil || len(parts) == 0 || len(parts[0]) == 0 || parts[0][0] != '"' {
		return ""
	}
	k, err := jsonText(parts[0])
	if err != nil {
		return ""
	}
	return EntryKind(k)
}

// jsonEntry reads one wire-log entry.
func jsonEntry(raw json.RawMessage) (Entry, error) {
	parts, err := jsonElems(raw)
	if err != nil || len(parts) == 0 {
		return Entry{}, fmt.Errorf("not a list with a kind: %s", clip(raw))
	}
	if len(parts[0]) == 0 || parts[0][0] != '"' {
		return Entry{}, fmt.Errorf("kind is not a string: %s", clip(parts[0]))
	}
	kind, err := jsonText(parts[0])
	if err != nil {
		return Entry{}, fmt.Errorf("kind is not a string: %s", clip(parts[0]))
	}
	e := Entry{Kind: EntryKind(kind)}
	need := func(n int) error {
		if len(parts) < n {
			return fmt.Errorf("has %d fields, want at least %d", len(parts), n)
		}
		return nil
	}
	switch e.Kind {
	case TxOctets, RxOctets:
		if err := need(2); err != nil {
			return e, err
		}
		n, s, _, err := jsonLogged(parts[1])
		if err != nil {
			return e, err
		}
		o, err := decodeLoggedOctets(s, n)
		if err != nil {
			return e, err
		}
		e.Octets, e.Length, e.Exact = o.data, o.length, o.exact
		if e.Kind == TxOctets && len(parts) > 2 {
			if err := jsonOptional(parts[2], &e.Sync); err != nil {
				return e, fmt.Errorf("sync: %v", err)
			}
		}
	case TxFrame, RxFrame:
		want := 9
		if e.Kind == RxFrame {
			want = 7
		}
		if err := need(want); err != nil {
			return e, err
		}
		n, s, raw, err := jsonLogged(parts[1])
		if err != nil {
			return e, err
		}
		f := &Frame{}
		p := decodeLoggedPayload(s, n)
		if n >= 0 && !p.cut && len(p.data) != n && hasSurrogatePair(raw) {
			// Escaped surrogates that stand for themselves (see
			// jsonString): the stated length says which reading is right.
			if split, err := jsonString(raw, false); err == nil {
				if q := decodeLoggedPayload(split, n); len(q.data) == n {
					p = q
				}
			}
		}
		if n >= 0 && !p.cut && len(p.data) != n {
			return e, fmt.Errorf("stated payload length %d but the payload has %d bytes", n, len(p.data))
		}
		if n >= 0 && len(p.data) > n {
			return e, fmt.Errorf("stated payload length %d but %d bytes are shown", n, len(p.data))
		}
		f.Payload, f.PayloadLength = p.data, n
		if n < 0 {
			f.PayloadLength = len(p.data)
		}
		f.PayloadExact = !p.cut || (n >= 0 && len(p.data) == n)
		if !p.cut && n < 0 {
			f.PayloadExact = true
		}
		if err := jsonOptional(parts[2], &f.Opcode); err != nil {
			return e, fmt.Errorf("opcode: %v", err)
		}
		if err := jsonOptional(parts[3], &f.Fin); err != nil {
			return e, fmt.Errorf("fin: %v", err)
		}
		if err := jsonOptional(parts[4], &f.Rsv); err != nil {
			return e, fmt.Errorf("rsv: %v", err)
		}
		maskAt := 5
		if e.Kind == RxFrame {
			maskAt = 6
		}
		if !isJSONNull(parts[maskAt]) {
			mask, err := jsonText(parts[maskAt])
			if err != nil {
				return e, fmt.Errorf("mask: %v", err)
			}
			m, err := decodeHex(mask)
			if err != nil || len(m) != 4 {
				return e, fmt.Errorf("mask %q is not 4 bytes of hex", mask)
			}
			f.Mask = m
		}
		if e.Kind == TxFrame {
			if err := jsonOptional(parts[6], &f.RepeatLength); err != nil {
				return e, fmt.Errorf("payload_len: %v", err)
			}
			if err := jsonOptional(parts[7], &f.ChopSize); err != nil {
				return e, fmt.Errorf("chopsize: %v", err)
			}
			if err := jsonOptional(parts[8], &f.Sync); err != nil {
				return e, fmt.Errorf("sync: %v", err)
			}
			e.Sync = f.Sync
		}
		if err := checkFrame(f); err != nil {
			return e, err
		}
		e.Frame = f
	case ContinueAfter:
		if err := need(2); err != nil {
			return e, err
		}
		if err := jsonSeconds(parts[1], &e.Seconds); err != nil {
			return e, err
		}
		if len(parts) > 2 {
			if err := jsonTag(parts[2], &e.Mark); err != nil {
				return e, err
			}
		}
	case ContinueFired:
		if len(parts) > 1 {
			if err := jsonTag(parts[1], &e.Mark); err != nil {
				return e, err
			}
		}
	case KillAfter, Timeout:
		if err := need(2); err != nil {
			return e, err
		}
		if err := jsonSeconds(parts[1], &e.Seconds); err != nil {
			return e, err
		}
	case KillExpired, TimeoutFired:
	case Logging:
		if err := need(2); err != nil {
			return e, err
		}
		if e.Enabled, err = jsonBool(parts[1]); err != nil {
			return e, fmt.Errorf("enabled flag: %v", err)
		}
	default:
		return e, fmt.Errorf("unknown entry kind %q", kind)
	}
	return e, nil
}

// checkFrame rejects frame fields no WebSocket frame can have.
func checkFrame(f *Frame) error {
	switch {
	case f.Opcode < 0 || f.Opcode > 15:
		return fmt.Errorf("opcode %d out of range 0-15", f.Opcode)
	case f.Rsv < 0 || f.Rsv > 7:
		return fmt.Errorf("rsv %d out of range 0-7", f.Rsv)
	case f.RepeatLength < 0:
		return fmt.Errorf("negative payload_len %d", f.RepeatLength)
	case f.ChopSize < 0:
		return fmt.Errorf("negative chopsize %d", f.ChopSize)
	case f.PayloadLength > maxStated || f.RepeatLength > maxStated || f.ChopSize > maxStated:
		return fmt.Errorf("a stated length is too large")
	case f.RepeatLength > 0 && f.PayloadLength == 0:
		return fmt.Errorf("payload_len %d given for an empty payload", f.RepeatLength)
	}
	return nil
}

// jsonLogged reads the [len, "data"] pair of an octet or frame entry, or
// the bare "data" string of older reports (length -1). It returns the data
// read by jsonString with surrogate pairs joined, and its JSON literal
// (nil for null data) for a second reading.
func jsonLogged(raw json.RawMessage) (int, string, json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		s, err := jsonString(raw, true)
		if err != nil {
			return 0, "", nil, err
		}
		return -1, s, raw, nil
	}
	pair, err := jsonElems(raw)
	if err != nil || len(pair) != 2 {
		return 0, "", nil, fmt.Errorf("data is neither [length, \"data\"] nor a string: %s", clip(raw))
	}
	n, err := jsonInt(pair[0])
	if err != nil || n < 0 {
		return 0, "", nil, fmt.Errorf("length is not a non-negative integer: %s", clip(pair[0]))
	}
	data := bytes.TrimSpace(pair[1])
	if string(data) == "null" {
		return n, "", nil, nil
	}
	s, err := jsonString(data, true)
	if err != nil {
		return 0, "", nil, fmt.Errorf("data is not a string: %s", clip(pair[1]))
	}
	return n, s, data, nil
}

// jsonOptional decodes an integer or a boolean into v unless raw is null.
func jsonOptional[T int | bool](raw []byte, v *T) error {
	if isJSONNull(raw) {
		return nil
	}
	var err error
	switch p := any(v).(type) {
	case *int:
		*p, err = jsonInt(raw)
	case *bool:
		*p, err = jsonBool(raw)
	}
	return err
}

// jsonSeconds reads a timer's delay in seconds.
func jsonSeconds(raw json.RawMessage, v *float64) error {
	f, err := jsonFloat(raw)
	if err != nil {
		return fmt.Errorf("seconds: %v", err)
	}
	*v = f
	if *v < 0 || math.IsInf(*v, 0) || math.IsNaN(*v) {
		return fmt.Errorf("seconds %v out of range", *v)
	}
	return nil
}

// jsonTag reads a timer tag, "" for null; numbers are kept as written.
func jsonTag(raw json.RawMessage, v *string) error {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return nil
	}
	if len(raw) > 0 && raw[0] == '"' {
		s, err := jsonText(raw)
		*v = s
		return err
	}
	*v = string(raw)
	return nil
}

// clip shortens raw JSON for an error message.
func clip(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}
