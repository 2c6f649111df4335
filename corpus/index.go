package corpus

import (
	"encoding/json"
	"fmt"
	"sort"
)

// IndexEntry is one case of one agent in an Autobahn index.json: the
// verdicts and where the per-case report is.
type IndexEntry struct {
	Agent           string
	ID              string
	Behavior        string
	BehaviorClose   string
	DurationMS      int
	RemoteCloseCode int    // 0 when the peer sent no close code
	ReportFile      string // the per-case JSON report, relative to the index
}

// ParseIndex reads an Autobahn index.json, which maps agent -> case id ->
// {behavior, behaviorClose, duration, remoteCloseCode, reportfile}. The
// entries come out failing cases first (see Rank), then by agent and case
// id. source names the input in errors.
func ParseIndex(data []byte, source string) ([]IndexEntry, error) {
	var raw map[string]map[string]struct {
		Behavior        string `json:"behavior"`
		BehaviorClose   string `json:"behaviorClose"`
		Duration        int    `json:"duration"`
		RemoteCloseCode *int   `json:"remoteCloseCode"`
		ReportFile      string `json:"reportfile"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &ParseError{File: source, Entry: -1, Msg: "not an Autobahn index: " + err.Error()}
	}
	var out []IndexEntry
	for agent, cases := range raw {
		for id, c := range cases {
			if c.Behavior == "" && c.ReportFile == "" {
				return nil, &ParseError{File: source, Entry: -1, Msg: fmt.Sprintf("not an Autobahn index: agent %q case %q has no behavior and no reportfile", agent, id)}
			}
			e := IndexEntry{Agent: agent, ID: id, Behavior: c.Behavior, BehaviorClose: c.BehaviorClose,
				DurationMS: c.Duration, ReportFile: c.ReportFile}
			if c.RemoteCloseCode != nil {
				e.RemoteCloseCode = *c.RemoteCloseCode
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := Rank(a.Behavior, a.BehaviorClose), Rank(b.Behavior, b.BehaviorClose); ra != rb {
			return ra < rb
		}
		if a.Agent != b.Agent {
			return a.Agent < b.Agent
		}
		return CompareIDs(a.ID, b.ID) < 0
	})
	return out, nil
}

// isIndex reports whether a JSON document looks like an index.json rather
// than a per-case report: an object of objects whose members carry
// "behavior" or "reportfile".
func isIndex(data []byte) bool {
	var probe map[string]map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil || len(probe) == 0 {
		return false
	}
	for _, cases := range probe {
		for _, raw := range cases {
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				return false
			}
			_, b := m["behavior"]
			_, r := m["reportfile"]
			return b || r
		}
	}
	return false
}
