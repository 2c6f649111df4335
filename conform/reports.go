package conform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
)

// Report files a run writes, besides one JSON report per case.
const (
	IndexFile = "index.json" // Autobahn's index: agent -> case -> verdicts
	HTMLFile  = "index.html" // the summary for a person
	JUnitFile = "junit.xml"  // the summary for a CI system
)

// WriteReports writes the run's reports into dir, creating it: one JSON
// report per case in Autobahn's format, IndexFile, HTMLFile and
// JUnitFile. A case's wire log is in its report only when the run kept
// wire logs (Options.WireLog).
func (rep *Report) WriteReports(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, r := range rep.Results {
		data, err := caseReport(rep.Agent, r)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, ReportFile(rep.Agent, r.Case.ID)), data, 0o644); err != nil {
			return err
		}
	}
	index, err := rep.indexJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, IndexFile), index, 0o644); err != nil {
		return err
	}
	var html bytes.Buffer
	if err := rep.writeHTML(&html); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, HTMLFile), html.Bytes(), 0o644); err != nil {
		return err
	}
	junit, err := rep.junitXML()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, JUnitFile), junit, 0o644)
}

// indexEntry is one case in index.json.
type indexEntry struct {
	Behavior        string `json:"behavior"`
	BehaviorClose   string `json:"behaviorClose"`
	Duration        int64  `json:"duration"`
	RemoteCloseCode *int   `json:"remoteCloseCode"`
	ReportFile      string `json:"reportfile"`
}

// indexJSON renders Autobahn's index.json of the run.
func (rep *Report) indexJSON() ([]byte, error) {
	cases := map[string]indexEntry{}
	for _, r := range rep.Results {
		e := indexEntry{Behavior: r.Verdict.Behavior, BehaviorClose: r.Verdict.BehaviorClose, ReportFile: ReportFile(rep.Agent, r.Case.ID)}
		if o := r.Observed; o != nil {
			e.Duration = o.Duration.Milliseconds()
			if code := o.Closing.RemoteCloseCode; code != 0 {
				e.RemoteCloseCode = &code
			}
		}
		cases[r.Case.ID] = e
	}
	return json.MarshalIndent(map[string]map[string]indexEntry{rep.Agent: cases}, "", "   ")
}
