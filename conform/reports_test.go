package conform

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/target"
)

// roundTripCases cover every kind of script: single frames and chopped
// ones, pings, a continue-later step, octets written outside frames, a
// 256 KiB frame, invalid UTF-8 in a close, auto-fragmentation, and the
// self-judging echo scripts with and without compression.
var roundTripCases = []string{"1.1.1", "1.2.8", "2.11", "3.2", "5.19", "6.4.3", "6.21.1", "7.1.6", "7.5.1", "7.9.1", "9.7.1", "10.1.1", "12.1.1", "13.7.1"}

// TestReportsRoundTrip writes a run's reports and reads them back as the
// other commands do: the index and every per-case report parse with
// corpus (whole, nothing cut), their verdicts are the run's, `wsfuzz
// replay` (replay.Replay) runs each case that does not judge itself again
// and gets the same verdicts, and `wsfuzz import` (corpus.Import) turns
// them into corpus seeds. The HTML and JUnit summaries name every case.
func TestReportsRoundTrip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, target.Reference(server.SessionConfig{}), Options{Cases: roundTripCases, WireLog: true, MessageLimit: 5, Agent: "Reference Server"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := rep.WriteReports(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	index, err := corpus.ParseIndex(data, IndexFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != len(roundTripCases) {
		t.Fatalf("index.json has %d cases, want %d", len(index), len(roundTripCases))
	}
	byID := map[string]*Result{}
	for _, r := range rep.Results {
		byID[r.Case.ID] = r
	}
	url := startServer(t)
	for _, e := range index {
		r := byID[e.ID]
		if r == nil || e.Agent != "Reference Server" || e.Behavior != r.Verdict.Behavior || e.BehaviorClose != r.Verdict.BehaviorClose {
			t.Errorf("index entry %+v does not match the run", e)
			continue
		}
		if want := "reference_server_case_" + strings.ReplaceAll(e.ID, ".", "_") + ".json"; e.ReportFile != want {
			t.Errorf("%s: report file %q, want %q", e.ID, e.ReportFile, want)
		}
		cs, err := corpus.ReadFile(filepath.Join(dir, e.ReportFile))
		if err != nil || len(cs) != 1 {
			t.Errorf("%s: the report does not read back: %v", e.ID, err)
			continue
		}
		c := cs[0]
		if c.ID != e.ID || c.Behavior != r.Verdict.Behavior || c.BehaviorClose != r.Verdict.BehaviorClose || c.Description != r.Plan.Case.Description {
			t.Errorf("%s: the report reads back as %s %s/%s", e.ID, c.ID, c.Behavior, c.BehaviorClose)
		}
		for i, w := range c.Wire {
			whole := w.Exact && !w.Rebuilt
			if w.Frame != nil {
				whole = w.Frame.PayloadExact
			}
			if (w.Octets != nil || w.Frame != nil) && !whole {
				t.Errorf("%s: wire log entry %d (%s) is not whole in the report", e.ID, i, w.Kind)
			}
		}
		switch {
		case c.Partial && !r.Case.SelfJudged():
			t.Errorf("%s: the report reads back with cut entries: %v", e.ID, c.Skipped)
		case c.Partial && (len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0], "wire logging was off")):
			// The echo scripts log no data, as Autobahn's do; nothing
			// else may be missing.
			t.Errorf("%s: the report reads back with more than the echoes left out: %v", e.ID, c.Skipped)
		}
		if got := replay.FromReport(c); got.Closing != r.Observed.Closing {
			t.Errorf("%s: closing reads back as %+v, was %+v", e.ID, got.Closing, r.Observed.Closing)
		}
		if r.Case.SelfJudged() {
			continue
		}
		if len(c.Received) != len(r.Observed.Events) {
			t.Errorf("%s: %d events read back, %d received", e.ID, len(c.Received), len(r.Observed.Events))
		}
		again := replay.Replay(ctx, c, url, replay.Options{})
		if again.Skipped != "" || again.Err != nil {
			t.Errorf("%s: the report does not replay: %s %v", e.ID, again.Skipped, again.Err)
			continue
		}
		if again.Verdict.Behavior != r.Verdict.Behavior || again.Verdict.BehaviorClose != r.Verdict.BehaviorClose {
			t.Errorf("%s: replayed from its report it gets %s/%s, the run %s/%s\n  %s", e.ID, again.Verdict.Behavior, again.Verdict.BehaviorClose,
				r.Verdict.Behavior, r.Verdict.BehaviorClose, strings.Join(again.Verdict.Diff, "\n  "))
		}
	}

	seeds := t.TempDir()
	sum, errs := corpus.Import(corpus.ImportOptions{Out: seeds}, nil, dir)
	if len(errs) > 0 || sum.Cases != len(roundTripCases) || sum.Skipped > 0 || sum.Files["FuzzSession"] == 0 {
		t.Errorf("import: %+v, errors %v", sum, errs)
	}

	html, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	junit, err := os.ReadFile(filepath.Join(dir, JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(junit, &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != len(roundTripCases) || suites.Failures != 0 {
		t.Errorf("junit.xml counts %d tests and %d failures, want %d and 0", suites.Tests, suites.Failures, len(roundTripCases))
	}
	for _, id := range roundTripCases {
		if !strings.Contains(string(html), ">"+id+"</a>") {
			t.Errorf("index.html does not list case %s", id)
		}
		if !strings.Contains(string(junit), `name="`+id+` `) {
			t.Errorf("junit.xml does not list case %s", id)
		}
	}
}

// TestFailuresAreReported checks the reports of a failing run: the JUnit
// failures and the HTML explanations name the failing cases.
func TestFailuresAreReported(t *testing.T) {
	url := startServerWith(t, "close-1000")
	rep, err := Run(context.Background(), target.URL(url), Options{Cases: []string{"7.9.1", "7.9.2", "1.1.1"}, WireLog: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := rep.WriteReports(dir); err != nil {
		t.Fatal(err)
	}
	var suites junitSuites
	junit, _ := os.ReadFile(filepath.Join(dir, JUnitFile))
	if err := xml.Unmarshal(junit, &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 3 || suites.Failures != 2 {
		t.Errorf("junit.xml counts %d tests and %d failures, want 3 and 2", suites.Tests, suites.Failures)
	}
	html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	if n := strings.Count(string(html), `<tr class="why">`); n != 2 {
		t.Errorf("index.html explains %d cases, want the 2 that failed", n)
	}
	if !strings.Contains(string(html), "WRONG CODE") {
		t.Error("index.html does not show the WRONG CODE verdict")
	}
}
