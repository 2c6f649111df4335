package corpus

import "encoding/json"

// sniff reads only who and what a case report is about: case id, agent
// and Autobahn's verdicts, without reading its wire log. Load asks its
// Keep function with them before parsing a report, so that a selection
// (failing cases only, some case ids) neither pays for the reports it
// leaves out nor fails on one it would have left out. ok is false when
// the report does not say; then it is parsed and judged whole.
func sniff(data []byte, f form) (id, agent, behavior, behaviorClose string, ok bool) {
	switch f {
	case formJSON:
		var r struct {
			ID            string `json:"id"`
			Agent         string `json:"agent"`
			Behavior      string `json:"behavior"`
			BehaviorClose string `json:"behaviorClose"`
		}
		if json.Unmarshal(data, &r) != nil || r.ID == "" {
			return "", "", "", "", false
		}
		return r.ID, r.Agent, r.Behavior, r.BehaviorClose, true
	case formHTML, formText:
		p := textPage(string(data))
		if f == formHTML {
			p = htmlPage(string(data))
		}
		c, ok := p.head()
		if !ok {
			return "", "", "", "", false
		}
		return c.ID, c.Agent, c.Behavior, c.BehaviorClose, true
	}
	return "", "", "", "", false
}
