package replay

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// readVerdicts reads testdata/verdicts.jsonl: real Autobahn|Testsuite case
// reports (one per line) of cases 1-8 and 10 from five echo servers, cut
// down to what judging needs (expected and received events, the closing
// fields and the close frames received). See testdata/README.md.
func readVerdicts(t *testing.T) []*corpus.Case {
	return readCasesJSONL(t, "testdata/verdicts.jsonl")
}

// readCasesJSONL reads a file of per-case JSON reports, one per line.
func readCasesJSONL(t *testing.T, path string) []*corpus.Case {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*corpus.Case
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		c, err := corpus.ParseJSON(sc.Bytes(), fmt.Sprintf("%s:%d", filepath.Base(path), n))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestJudgeAgreesWithAutobahn judges the outcome each report recorded and
// requires the verdicts Autobahn itself gave.
func TestJudgeAgreesWithAutobahn(t *testing.T) {
	cases := readVerdicts(t)
	counts := map[string]int{}
	for _, c := range cases {
		if strings.HasPrefix(c.ID, "9.") {
			continue // performance cases set their verdict from timings
		}
		v := Judge(c, FromReport(c))
		counts[c.Behavior+"/"+c.BehaviorClose]++
		if v.Behavior != c.Behavior || v.BehaviorClose != c.BehaviorClose {
			t.Errorf("%s %s: judged %s/%s, Autobahn said %s/%s\n  %s", c.Agent, c.ID,
				v.Behavior, v.BehaviorClose, c.Behavior, c.BehaviorClose, strings.Join(v.Diff, "\n  "))
			continue
		}
		if v.ResultClose != c.ResultClose && !strings.HasPrefix(c.ResultClose, "The close code should have been") {
			t.Errorf("%s %s: close explanation %q, Autobahn said %q", c.Agent, c.ID, v.ResultClose, c.ResultClose)
		}
	}
	// The data must exercise more than the happy path.
	for _, k := range []string{"OK/OK", "FAILED/FAILED", "FAILED/WRONG CODE", "NON-STRICT/OK", "INFORMATIONAL/INFORMATIONAL"} {
		if counts[k] == 0 {
			t.Errorf("no report with verdicts %s in testdata", k)
		}
	}
	t.Logf("verdict pairs checked: %v", counts)
}

// TestCatalogueClose checks the built-in expectedClose of every case
// against the reports, which carry it.
func TestCatalogueClose(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range readVerdicts(t) {
		if seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		got, ok := CatalogueClose(c.ID)
		if !ok {
			t.Errorf("%s: not in the catalogue", c.ID)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(c.ExpectedClose) {
			t.Errorf("%s: catalogue %+v, report %+v", c.ID, got, c.ExpectedClose)
		}
	}
	if len(seen) < 250 {
		t.Errorf("only %d distinct cases in testdata", len(seen))
	}
	for _, id := range []string{"", "1", "11.1.1", "12.1.1", "x.y", "7.7.99", "1.2.3.4"} {
		if _, ok := CatalogueClose(id); ok {
			t.Errorf("CatalogueClose(%q) claims to know the case", id)
		}
	}
}

// The closing rules in the order Autobahn applies them, and the strict
// findings, on hand-made outcomes.
func TestJudgeClosingRules(t *testing.T) {
	msg := corpus.Event{Kind: "message", Data: []byte("Hello")}
	echo := &corpus.Case{
		ID:            "1.1.1",
		Expected:      map[string][][]corpus.Event{OK: {{msg}}},
		ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1000}, ClosedByMe: true, RequireClean: true},
	}
	failUTF8 := &corpus.Case{
		ID:            "6.4.1",
		Expected:      map[string][][]corpus.Event{OK: {{{Kind: "timeout", Data: []byte("A")}}}, NonStrict: {{{Kind: "timeout", Data: []byte("A")}, {Kind: "timeout", Data: []byte("B")}}}},
		ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1007}, ClosedByWrongEndpointIsFatal: true},
	}
	protocol := &corpus.Case{
		ID:            "5.1",
		Expected:      map[string][][]corpus.Event{OK: {{}}},
		ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1002}},
	}
	badCode := &corpus.Case{
		ID:            "7.9.1",
		Expected:      map[string][][]corpus.Event{OK: {{}}},
		ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1002}, ClosedByMe: true},
	}
	clean := corpus.Closing{ClosedByMe: true, WasClean: true, LocalCloseCode: 1000, RemoteCloseCode: 1000}
	for _, tc := range []struct {
		name            string
		c               *corpus.Case
		o               Observed
		behavior, close string
		pass, strict    bool
	}{
		{"clean echo", echo, Observed{Open: true, Events: []corpus.Event{msg}, Closing: clean, CloseReceived: true}, OK, OK, true, true},
		{"no echo", echo, Observed{Open: true, Closing: clean, CloseReceived: true}, Failed, OK, false, false},
		{"closed by the server first", echo, Observed{Open: true, Events: []corpus.Event{msg}, Closing: corpus.Closing{WasClean: true, RemoteCloseCode: 1000}, CloseReceived: true}, OK, Failed, false, false},
		{"unclean", echo, Observed{Open: true, Events: []corpus.Event{msg}, Closing: corpus.Closing{ClosedByMe: true}}, OK, Unclean, false, false},
		{"wrong code", echo, Observed{Open: true, Events: []corpus.Event{msg}, Closing: corpus.Closing{ClosedByMe: true, WasClean: true, RemoteCloseCode: 1001}, CloseReceived: true}, OK, WrongCode, false, false},
		{"client dropped TCP", echo, Observed{Open: true, Events: []corpus.Event{msg}, Closing: corpus.Closing{ClosedByMe: true, WasClean: true, DroppedByMe: true, RemoteCloseCode: 1000}, CloseReceived: true}, OK, FailedByClient, false, false},
		{"never open", echo, Observed{}, Failed, Failed, false, false},
		{"fail fast", failUTF8, Observed{Open: true, Events: failUTF8.Expected[OK][0], Closing: corpus.Closing{WasClean: true, RemoteCloseCode: 1007}, CloseReceived: true}, OK, OK, true, true},
		{"fail late", failUTF8, Observed{Open: true, Events: failUTF8.Expected[NonStrict][0], Closing: corpus.Closing{WasClean: true, RemoteCloseCode: 1007}, CloseReceived: true}, NonStrict, OK, true, false},
		{"never noticed", failUTF8, Observed{Open: true, Events: failUTF8.Expected[OK][0], Closing: corpus.Closing{ClosedByMe: true, WasClean: true, RemoteCloseCode: 1000}, CloseReceived: true}, Failed, Failed, false, false},
		{"dropped TCP on a protocol error", protocol, Observed{Open: true, Closing: corpus.Closing{}}, OK, OK, true, false},
		{"empty close on a protocol error", protocol, Observed{Open: true, Closing: corpus.Closing{WasClean: true}, CloseReceived: true}, OK, OK, true, false},
		{"1002 on a protocol error", protocol, Observed{Open: true, Closing: corpus.Closing{WasClean: true, RemoteCloseCode: 1002}, CloseReceived: true}, OK, OK, true, true},
		{"bad close code answered with 1000", badCode, Observed{Open: true, Closing: clean, CloseReceived: true}, Failed, WrongCode, false, false},
		{"informational", &corpus.Case{ID: "7.13.1", Expected: badCode.Expected, ExpectedClose: badCode.ExpectedClose}, Observed{Open: true, Closing: clean, CloseReceived: true}, Informational, Informational, true, true},
	} {
		v := Judge(tc.c, &tc.o)
		if v.Behavior != tc.behavior || v.BehaviorClose != tc.close {
			t.Errorf("%s: %s/%s, want %s/%s", tc.name, v.Behavior, v.BehaviorClose, tc.behavior, tc.close)
		}
		if v.Pass(false) != tc.pass || v.Pass(true) != tc.strict {
			t.Errorf("%s: pass %v, strict %v (%q); want %v, %v", tc.name, v.Pass(false), v.Pass(true), v.Strict, tc.pass, tc.strict)
		}
		if len(v.Diff) == 0 {
			t.Errorf("%s: no explanation", tc.name)
		}
	}
	v := Judge(echo, &Observed{Open: true, Events: []corpus.Event{msg}, Closing: clean, CloseReceived: true, Diverged: "x"})
	if v.Pass(false) {
		t.Error("a diverged run passes")
	}
}
