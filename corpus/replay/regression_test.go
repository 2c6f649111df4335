package replay

import (
	"context"
	"net"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay/defect"
	"github.com/wsfuzz/wsfuzz/server"
)

// The regression tests replay real Autobahn|Testsuite reports against the
// reference server, in-process, and require the verdicts the real suite
// gave:
//
//   - ../../server/testdata/autobahn: the reference server's own full run;
//   - testdata/defective: a full run against the reference server with the
//     defects utf8-late and close-1000 (package defect), which fails 7.9.*
//     and is NON-STRICT on 6.4.*;
//   - testdata/seeds: five pages of other servers, 2.9 among them from a
//     server that dropped TCP without a close frame.
//
// Replaying the reference run against the defective server must give what
// the real suite gave the defective server, case by case, and the other
// way round.

// regressionOptions are the replay options of these tests: the pacing
// waits half of Autobahn's, so that a busy CI machine still has 500 ms
// where the suite gives a second, and the waits for a silent server three
// times Autobahn's (they cost nothing against a server that answers).
var regressionOptions = Options{TimeScale: 0.5, GuardScale: 3}

// retryOptions replay a case again at Autobahn's own timing.
var retryOptions = Options{TimeScale: 1, GuardScale: 3}

// startReference serves the reference server on a loopback port, with
// defects if any, and returns its URL.
func startReference(t *testing.T, defects ...defect.Defect) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var served net.Listener = ln
	if len(defects) > 0 {
		if served, err = defect.Listen(ln, defects...); err != nil {
			t.Fatal(err)
		}
	}
	srv := server.New(server.Config{})
	go srv.Serve(served)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "ws://" + ln.Addr().String() + "/"
}

func loadReports(t *testing.T, path string) []*corpus.Case {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("reports missing: %v", err)
	}
	cases, errs := corpus.Load(path)
	for _, err := range errs {
		t.Error(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no case in %s", path)
	}
	return cases
}

// indexVerdicts reads the verdicts of an index.json by case id.
func indexVerdicts(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := corpus.ParseIndex(data, path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		out[e.ID] = e.Behavior + "/" + e.BehaviorClose
	}
	return out
}

// checkReplay replays cases against url and requires for each replayed case
// the verdicts want gives it (nil: the verdicts its report recorded). It
// returns how many cases were replayed.
func checkReplay(t *testing.T, cases []*corpus.Case, url string, want map[string]string) int {
	t.Helper()
	start := time.Now()
	results := ReplayAll(context.Background(), cases, url, 4, regressionOptions)
	replayed := 0
	skipped := map[string][]string{}
	for _, r := range results {
		c := r.Case
		switch {
		case r.Err != nil:
			t.Errorf("%s: %v", c.ID, r.Err)
			continue
		case r.Skipped != "":
			skipped[r.SkipKind] = append(skipped[r.SkipKind], c.ID)
			if r.SkipKind != SkipCutPayload && r.SkipKind != SkipSelfJudged && r.SkipKind != SkipCompression {
				t.Errorf("%s skipped: %s", c.ID, r.Skipped)
			}
			continue
		}
		replayed++
		w := c.Behavior + "/" + c.BehaviorClose
		if want != nil {
			var ok bool
			if w, ok = want[c.ID]; !ok {
				t.Errorf("%s: no wanted verdict", c.ID)
				continue
			}
		}
		if got := r.Verdict.Behavior + "/" + r.Verdict.BehaviorClose; got != w {
			// A loaded machine can stall the server past a shortened
			// wait; the verdict Autobahn gave is defined at its own
			// timing, so a disagreement is checked again there.
			again := retryOptions
			again.Trace = true
			r = Replay(context.Background(), c, url, again)
			if got := r.Verdict.Behavior + "/" + r.Verdict.BehaviorClose; r.Observed == nil || got != w {
				trace := ""
				if r.Observed != nil {
					trace = strings.Join(r.Observed.Trace, "\n    ")
				}
				t.Errorf("%s: replay gives %s, Autobahn gave %s\n  %s\n  trace:\n    %s", c.ID, got, w,
					strings.Join(r.Verdict.Diff, "\n  "), trace)
				continue
			}
			t.Logf("%s: replay gave %s with shortened waits, %s at Autobahn's timing", c.ID, got, w)
		}
		if r.Verdict.Diverged != "" {
			t.Errorf("%s: %s", c.ID, r.Verdict.Diverged)
		}
	}
	kinds := make([]string, 0, len(skipped))
	for k := range skipped {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	t.Logf("%d cases: %d replayed in %v, %d skipped", len(cases), replayed, time.Since(start).Round(time.Millisecond), len(cases)-replayed)
	for _, k := range kinds {
		t.Logf("  skipped %d: %s: %s", len(skipped[k]), k, strings.Join(skipped[k], " "))
	}
	return replayed
}

func TestReplayReferenceReports(t *testing.T) {
	cases := loadReports(t, referenceReports)
	if n := checkReplay(t, cases, startReference(t), nil); n < 200 {
		t.Errorf("only %d of %d cases replayed", n, len(cases))
	}
}

func TestReplayReferenceReportsAgainstDefectiveServer(t *testing.T) {
	cases := loadReports(t, referenceReports)
	want := indexVerdicts(t, "testdata/defective/index.json")
	differ := 0
	for _, c := range cases {
		if w, ok := want[c.ID]; ok && w != c.Behavior+"/"+c.BehaviorClose {
			differ++
		}
	}
	// The defects must change verdicts, or agreeing would prove nothing.
	if differ < 13 {
		t.Fatalf("the defective run differs from the reference run in %d cases only", differ)
	}
	checkReplay(t, cases, startReference(t, defect.UTF8Late, defect.CloseAs1000), want)
}

func TestReplayDefectiveReports(t *testing.T) {
	cases := loadReports(t, "testdata/defective")
	t.Run("defective", func(t *testing.T) {
		checkReplay(t, cases, startReference(t, defect.UTF8Late, defect.CloseAs1000), nil)
	})
	t.Run("reference", func(t *testing.T) {
		checkReplay(t, cases, startReference(t), indexVerdicts(t, referenceReports+"/index.json"))
	})
}

// The seed pages come from other servers and older suites (HTML rendered
// as text, without expectedClose); the reference server must pass them
// all, including 2.9, whose server dropped TCP without a close frame.
func TestReplaySeeds(t *testing.T) {
	cases := loadReports(t, "testdata/seeds")
	results := ReplayAll(context.Background(), cases, startReference(t), 4, regressionOptions)
	if len(results) != 5 {
		t.Fatalf("%d seed cases, want 5", len(results))
	}
	for _, r := range results {
		if r.Skipped != "" || r.Err != nil {
			t.Errorf("%s (%s): not replayed: %s%v", r.Case.ID, r.Case.Agent, r.Skipped, r.Err)
			continue
		}
		if v := r.Verdict; v.Behavior != OK || v.BehaviorClose != OK || !v.Pass(true) {
			t.Errorf("%s (%s): %s/%s strict %q\n  %s", r.Case.ID, r.Case.Agent, v.Behavior, v.BehaviorClose, v.Strict, strings.Join(v.Diff, "\n  "))
		}
	}
}
