package conform

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay/defect"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/target"
)

// The real suite's verdicts these tests hold conform to.
const (
	referenceIndex = "../server/testdata/autobahn/index.json"
	defectiveIndex = "../corpus/replay/testdata/defective/index.json"
)

// quickMessages is the message limit of the test runs: the cases that
// send 1000 messages send this many, so that all 517 cases fit the test
// budget. CONFORM_FULL=1 runs them as Autobahn does.
const quickMessages = 40

func messageLimit() int {
	if os.Getenv("CONFORM_FULL") != "" {
		return 0
	}
	return quickMessages
}

// realVerdicts reads the verdicts of an Autobahn index.json.
func realVerdicts(t *testing.T, path string) map[string][2]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := corpus.ParseIndex(data, path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	for _, e := range entries {
		out[e.ID] = [2]string{e.Behavior, e.BehaviorClose}
	}
	return out
}

// sameVerdicts requires every result to have the verdicts want gives its
// case, and to pass exactly when those verdicts pass.
func sameVerdicts(t *testing.T, rep *Report, want map[string][2]string) {
	t.Helper()
	for _, r := range rep.Results {
		w, ok := want[r.Case.ID]
		if !ok {
			t.Errorf("%s: the real suite has no verdict for it", r.Case.ID)
			continue
		}
		passes := corpus.Rank(w[0], w[1]) >= 2
		if r.Verdict.Behavior != w[0] || r.Verdict.BehaviorClose != w[1] || r.Pass != passes {
			t.Errorf("%s: %s/%s (pass %t), the real suite gave %s/%s\n  %s", r.Case.ID, r.Verdict.Behavior, r.Verdict.BehaviorClose, r.Pass,
				w[0], w[1], strings.Join(r.Verdict.Diff, "\n  "))
		}
	}
}

// TestReferencePassesTheCatalogue runs all 517 cases against the reference
// server, in-process, and requires what the real suite gave it
// (server/testdata/autobahn): OK everywhere but the three cases Autobahn
// marks informational for every server.
func TestReferencePassesTheCatalogue(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rep, err := Run(ctx, target.Reference(server.SessionConfig{}), Options{Parallel: 2, MessageLimit: messageLimit()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d cases in %v (message limit %d)", len(rep.Results), rep.Elapsed.Round(time.Millisecond), rep.MessageLimit)
	if len(rep.Results) != 517 {
		t.Errorf("ran %d cases, want 517", len(rep.Results))
	}
	sameVerdicts(t, rep, realVerdicts(t, referenceIndex))
	if s := rep.Summarize(); s.Passed != 517 || s.Verdicts["OK"] != 514 || s.Verdicts["INFORMATIONAL"] != 3 {
		t.Errorf("summary %+v, want 517 passed: 514 OK and 3 INFORMATIONAL", s)
	}
}

// startServerWith is startServer with defects named as defect.Parse
// reads them.
func startServerWith(t *testing.T, names string) string {
	t.Helper()
	defects, err := defect.Parse(names)
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, defects...)
}

// startServer serves the reference server, with permessage-deflate and
// the given defects, on a loopback port, and returns its URL.
func startServer(t *testing.T, defects ...defect.Defect) string {
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
	srv := server.New(server.Config{Negotiate: server.Deflate(deflate.Preferences{})})
	go srv.Serve(served)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "ws://" + ln.Addr().String() + "/"
}

// TestDefectiveServerFailsAsTheRealSuiteSays runs sections 1-7 and 10
// against the reference server with two defects (it fails invalid UTF-8
// only at a message's end, and answers invalid close codes with 1000),
// over TCP, and requires the verdicts the real suite gave that server
// (corpus/replay/testdata/defective): NON-STRICT on 6.4.*, FAILED with
// WRONG CODE on 7.9.*, and the run must not pass.
func TestDefectiveServerFailsAsTheRealSuiteSays(t *testing.T) {
	url := startServer(t, defect.UTF8Late, defect.CloseAs1000)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, target.URL(url), Options{Cases: []string{"1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*"}})
	if err != nil {
		t.Fatal(err)
	}
	sameVerdicts(t, rep, realVerdicts(t, defectiveIndex))
	s := rep.Summarize()
	if s.Failed != 9 || s.Verdicts["NON-STRICT"] != 4 {
		t.Errorf("summary %+v, want 9 failed (7.9.*) and 4 NON-STRICT (6.4.*)", s)
	}
	strict, err := Run(ctx, target.URL(url), Options{Cases: []string{"6.4.*"}, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range strict.Results {
		if r.Pass {
			t.Errorf("%s passes under --strict although it is %s", r.Case.ID, r.Verdict.Behavior)
		}
	}
}

// TestUnreachableTargetFailsEveryCase: a target that refuses connections
// fails each case; Run itself does not fail.
func TestUnreachableTargetFailsEveryCase(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "ws://" + ln.Addr().String() + "/"
	ln.Close()
	rep, err := Run(context.Background(), target.URL(url), Options{Cases: []string{"1.1.1", "12.1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Pass || r.Err == nil || r.Verdict.Behavior != "FAILED" {
			t.Errorf("%s: pass %t, err %v, verdict %s against a closed port", r.Case.ID, r.Pass, r.Err, r.Verdict.Behavior)
		}
	}
	if _, err := Run(context.Background(), target.URL(url), Options{Cases: []string{"99.*"}}); err == nil {
		t.Error("a pattern that matches no case is not an error")
	}
}
