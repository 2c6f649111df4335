package replay

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// versionReports holds reports of several suite versions that other
// projects committed (see ../testdata/README.md).
const versionReports = "../testdata/versions"

func readVersionCase(t *testing.T, name string) *corpus.Case {
	t.Helper()
	cs, err := corpus.ReadFile(filepath.Join(versionReports, name))
	if err != nil || len(cs) != 1 {
		t.Fatalf("%s: %v", name, err)
	}
	return cs[0]
}

// Reports of old suites, replayed against the reference server, must be
// replayable and give the verdicts a correct server earns.
func TestReplayOldReportsAgainstReference(t *testing.T) {
	url := startReference(t)
	for _, name := range []string{
		"0.8.2-servers/unknownserver_case_6_21_1.json", // surrogate escapes
		"0.8.2-servers/unknownserver_case_6_20_1.json",
		"0.8.2-servers/unknownserver_case_6_3_1.json",
		"0.5.2-servers/autobahnpython_case_6_22_1.html", // Python 2 byte strings
		"0.5.2-servers/autobahnpython_case_2_6.html",    // no stated payload lengths
		"0.5.2-servers/autobahnpython_case_6_4_3.html",
		"0.8.0-servers/tarantool_websocket_case_6_4_2.json", // the report ends before tag A
	} {
		c := readVersionCase(t, name)
		o, v := replayOne(t, c, url)
		if v.Behavior != OK || v.BehaviorClose != OK || v.Diverged != "" || v.RuleChange != "" {
			t.Errorf("%s: %s/%s diverged %q rule %q\n%s", name, v.Behavior, v.BehaviorClose, v.Diverged, v.RuleChange, strings.Join(v.Diff, "\n"))
		}
		if name == "0.5.2-servers/autobahnpython_case_2_6.html" {
			o2, err := Run(context.Background(), mustCompile(t, c), url, Options{TimeScale: fast.TimeScale, Trace: true})
			if err != nil {
				t.Fatal(err)
			}
			trace := strings.Join(o2.Trace, "\n")
			if strings.Contains(trace, "len=-1") || !strings.Contains(trace, "opcode=9 fin=true rsv=0 len=125") {
				t.Errorf("2.6 trace:\n%s", trace)
			}
		}
		_ = o
	}
}

func mustCompile(t *testing.T, c *corpus.Case) *Plan {
	t.Helper()
	p, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// 6.4.2 of a server that failed at once: the report stops before tag A.
// The replay goes on with the suite's second part of the message.
func TestCompileKnownSecondPart(t *testing.T) {
	p := mustCompile(t, readVersionCase(t, "0.8.0-servers/tarantool_websocket_case_6_4_2.json"))
	var a *Action
	for i := range p.Steps[0] {
		if p.Steps[0][i].Kind == ContinueLater {
			a = &p.Steps[0][i]
		}
	}
	if a == nil || a.Tag != "A" || a.Next < 0 {
		t.Fatalf("step 0: %+v", p.Steps[0])
	}
	second := p.Steps[a.Next]
	if len(second) != 2 || second[0].Kind != Send || second[1].Kind != ContinueLater || second[1].Tag != "B" || second[1].Next < 0 {
		t.Fatalf("second step %+v", second)
	}
	if got := payloadOf(t, second[0].Chunks[0].Data); string(got) != "\x90" {
		t.Errorf("second part %x, want 90", got)
	}
	third := p.Steps[second[1].Next]
	if len(third) != 2 || string(payloadOf(t, third[0].Chunks[0].Data)) != "\x80\x80edited" || third[1].Kind != KillAfter {
		t.Errorf("third step %+v", third)
	}
}

// payloadOf unmasks the payload of one masked frame.
func payloadOf(t *testing.T, wire []byte) []byte {
	t.Helper()
	n := int(wire[1] & 0x7f)
	if wire[1]&0x80 == 0 || n > 125 || len(wire) != 6+n {
		t.Fatalf("not one small masked frame: %x", wire)
	}
	out := append([]byte(nil), wire[6:]...)
	for i := range out {
		out[i] ^= wire[2+i&3]
	}
	return out
}

// Skip reasons say what is wrong with the report.
func TestCompileSkipReasonsOfPages(t *testing.T) {
	for _, tc := range []struct{ name, kind, says string }{
		{"0.5.2-servers/autobahnpython_case_1_1_6.html", SkipExpectedCut, "first 1,000 characters of the expected events"},
		// Entries without a stated length are the writes Autobahn made, one
		// per frame, not the 64 octets the page shows of each.
		{"0.8.0-servers/tarantool_websocket_case_10_1_1.html", SkipCutPayload, "the report cut the payload of this 1308-octet frame"},
		{"0.8.2-servers/unknownserver_case_4_1_5.html", SkipCutPayload, "shows the payload only as wrapped text"},
	} {
		_, err := Compile(readVersionCase(t, tc.name))
		var nr *NotReplayableError
		if !errors.As(err, &nr) || nr.Kind != tc.kind || !strings.Contains(nr.Reason, tc.says) {
			t.Errorf("%s: %v (kind %q), want %q saying %q", tc.name, err, kindOf(nr), tc.kind, tc.says)
		}
	}
}

func kindOf(nr *NotReplayableError) string {
	if nr == nil {
		return ""
	}
	return nr.Kind
}

// Suites up to 0.8.0 take close codes 1012-1014 for invalid in 7.9.*: the
// reference server, which echoes them, fails by that rule and passes by
// the later one, and the verdict says so.
func TestRuleChangeRegisteredCloseCodes(t *testing.T) {
	url := startReference(t)
	for _, tc := range []struct {
		name string
		code string
	}{
		{"0.8.0-servers/tarantool_websocket_case_7_9_6.json", "1014"},
		{"0.5.2-servers/autobahnpython_case_7_9_6.html", "1012"},
	} {
		c := readVersionCase(t, tc.name)
		_, v := replayOne(t, c, url)
		if v.Behavior != Failed || v.BehaviorClose != WrongCode {
			t.Errorf("%s: by the report's rule %s/%s, want FAILED/WRONG CODE", tc.name, v.Behavior, v.BehaviorClose)
		}
		if v.Today != [2]string{OK, OK} || !strings.Contains(v.RuleChange, "close code "+tc.code) || !v.Pass(false) {
			t.Errorf("%s: today %v, pass %v, rule %q", tc.name, v.Today, v.Pass(false), v.RuleChange)
		}
		diff := strings.Join(v.Diff, "\n")
		if !strings.Contains(diff, "rule changed: ") || !strings.Contains(diff, "server sent close code "+tc.code) {
			t.Errorf("%s: explanation\n%s", tc.name, diff)
		}
		if tc.code == "1014" && !strings.Contains(diff, "which Autobahn's client takes for invalid") {
			t.Errorf("%s: the client's own view of 1014 unexplained\n%s", tc.name, diff)
		}
	}
	// The report's own run, judged again, reproduces its verdicts (the
	// server refused 1014 with 1002, as 0.8.0 wanted) with no rule change.
	c := readVersionCase(t, "0.8.0-servers/tarantool_websocket_case_7_9_6.json")
	if v := Judge(c, FromReport(c)); v.Behavior != c.Behavior || v.BehaviorClose != c.BehaviorClose || v.RuleChange != "" {
		t.Errorf("report judged %s/%s (rule %q), recorded %s/%s", v.Behavior, v.BehaviorClose, v.RuleChange, c.Behavior, c.BehaviorClose)
	}
}

// Before 0.5.7 an invalid UTF-8 case whose connection the client closed
// first kept the behaviour its events earned.
func TestRuleChangeWrongEndpoint(t *testing.T) {
	c := readVersionCase(t, "0.5.2-servers/autobahnpython_case_6_3_1.html")
	v := Judge(c, FromReport(c))
	if v.Behavior != c.Behavior || v.BehaviorClose != c.BehaviorClose {
		t.Errorf("judged %s/%s, recorded %s/%s", v.Behavior, v.BehaviorClose, c.Behavior, c.BehaviorClose)
	}
	if v.Today != [2]string{Failed, v.BehaviorClose} || !strings.Contains(v.RuleChange, "0.5.7") {
		t.Errorf("today %v rule %q", v.Today, v.RuleChange)
	}
	newer := *c
	newer.SuiteVersion = "0.6.0"
	if v := Judge(&newer, FromReport(&newer)); v.Behavior != Failed || v.RuleChange != "" {
		t.Errorf("under 0.6.0: %s, rule %q", v.Behavior, v.RuleChange)
	}
}

// 7.3.6 sends a close frame with a 126-byte payload; it still has a code.
func TestExplainOversizedClose(t *testing.T) {
	c := readCaseFrom(t, "testdata/defective/wsfuzz_defective_case_7_3_6.json")
	p := mustCompile(t, c)
	var closing *Action
	for i := range p.Steps[0] {
		if p.Steps[0][i].Close {
			closing = &p.Steps[0][i]
		}
	}
	if closing == nil || !closing.CloseHasCode || closing.CloseCode != 1000 {
		t.Fatalf("close action %+v", closing)
	}
	_, v := replayOne(t, c, startReference(t))
	if diff := strings.Join(v.Diff, "\n"); !strings.Contains(diff, "client sent code 1000") {
		t.Errorf("explanation\n%s", diff)
	}
}

func readCaseFrom(t *testing.T, path string) *corpus.Case {
	t.Helper()
	cs, err := corpus.ReadFile(path)
	if err != nil || len(cs) != 1 {
		t.Fatalf("%s: %v", path, err)
	}
	return cs[0]
}
