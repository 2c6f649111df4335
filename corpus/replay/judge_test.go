package replay

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// readVerdicts reads testdata/verdicts.jsonl: real Autobahn|Testsuite case
// reports (one per line) of cases 1-8 and 10 from five echo servers, cut
// down to what judging needs (expected and received events, the closing
// fields and the close frames received). See testdata/README.md.
func readVerdicts(t *testing.T) []*corpus.Case {
	t.Helper()
	data, err := os.ReadFile("testdata/verdicts.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var cases []*corpus.Case
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		c, err := corpus.ParseJSON(sc.Bytes(), fmt.Sprintf("verdicts.jsonl:%d", n))
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
