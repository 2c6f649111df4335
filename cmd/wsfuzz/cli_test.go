package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

func TestParseArgsTakesFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		positional []string
		strict     bool
		cases      string
	}{
		{[]string{"a", "--strict", "b"}, []string{"a", "b"}, true, ""},
		{[]string{"a", "b", "--strict"}, []string{"a", "b"}, true, ""},
		{[]string{"--cases", "6.*", "a"}, []string{"a"}, false, "6.*"},
		{[]string{"a", "--cases=7.*", "b", "-strict"}, []string{"a", "b"}, true, "7.*"},
		{[]string{"a", "-cases", "1.1.1"}, []string{"a"}, false, "1.1.1"},
		// A boolean flag does not take the next argument.
		{[]string{"--strict", "a"}, []string{"a"}, true, ""},
		// "--" ends the flags; a lone "-" is an argument.
		{[]string{"a", "--", "--strict", "-x"}, []string{"a", "--strict", "-x"}, false, ""},
		{[]string{"-", "--strict"}, []string{"-"}, true, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		strict := fs.Bool("strict", false, "")
		cases := fs.String("cases", "", "")
		got, err := parseArgs(fs, tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !slices.Equal(got, tc.positional) || *strict != tc.strict || *cases != tc.cases {
			t.Errorf("%q: positional %q strict %v cases %q; want %q %v %q", tc.args, got, *strict, *cases, tc.positional, tc.strict, tc.cases)
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"a", "--no-such-flag"}, exitUsage},
		{[]string{"a", "--cases"}, exitUsage}, // a value flag at the end
		{[]string{"a", "--n=lots"}, exitUsage},
		{[]string{"a", "--help"}, exitOK},
		{[]string{"-h", "a"}, exitOK},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.String("cases", "", "")
		fs.Int("n", 0, "")
		_, err := parseArgs(fs, tc.args)
		if err == nil {
			t.Errorf("%q: no error", tc.args)
			continue
		}
		if got := exitStatus(err); got != tc.want {
			t.Errorf("%q: %v gives exit %d, want %d", tc.args, err, got, tc.want)
		}
	}
}

func TestExitStatus(t *testing.T) {
	for err, want := range map[error]int{
		nil:                               exitOK,
		flag.ErrHelp:                      exitOK,
		usageError{"bad"}:                 exitUsage,
		fmt.Errorf("w: %w", usageError{}): exitUsage,
		errors.New("3 cases fail"):        exitFailed,
	} {
		if got := exitStatus(err); got != want {
			t.Errorf("exitStatus(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestJSONLinesEnvelope(t *testing.T) {
	var b bytes.Buffer
	j := newJSONLines(&b, "demo")
	j.write(recordCase, struct {
		ID string `json:"id"`
	}{"1.1.1"})
	j.write(recordSummary, struct{}{})
	if j.Err() != nil {
		t.Fatal(j.Err())
	}
	want := `{"schema":"wsfuzz/1","command":"demo","type":"case","id":"1.1.1"}` + "\n" +
		`{"schema":"wsfuzz/1","command":"demo","type":"summary"}` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	j.write(recordCase, []int{1})
	if j.Err() == nil {
		t.Error("a record that is not an object was accepted")
	}
}

func TestInputFailuresNameThePath(t *testing.T) {
	_, statErr := os.Stat("/no/such/report.json")
	got := inputFailures([]error{statErr, errors.New("plain\nmessage")})
	want := []inputFailure{{"/no/such/report.json", "no such file or directory"}, {"", "plain message"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	var b bytes.Buffer
	printInputFailures(&b, "demo", got)
	if b.String() != "wsfuzz demo: /no/such/report.json: no such file or directory\nwsfuzz demo: plain message\n" {
		t.Errorf("printed %q", b.String())
	}
}

// records parses --json output into its records, checking the envelope of
// each and that exactly one summary comes last.
func records(t *testing.T, out string, command string) (cases, errs []map[string]any, summary map[string]any) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %q", i+1, err, line)
		}
		if m["schema"] != jsonSchema || m["command"] != command {
			t.Fatalf("line %d: schema %v command %v", i+1, m["schema"], m["command"])
		}
		switch m["type"] {
		case recordCase:
			cases = append(cases, m)
		case recordError:
			errs = append(errs, m)
		case recordSummary:
			if i != len(lines)-1 {
				t.Fatalf("summary on line %d of %d", i+1, len(lines))
			}
			summary = m
		default:
			t.Fatalf("line %d: type %v", i+1, m["type"])
		}
	}
	if summary == nil {
		t.Fatal("no summary record")
	}
	return cases, errs, summary
}

// reference is a report of the reference server's own Autobahn run.
var reference = filepath.Join("..", "..", "server", "testdata", "autobahn", "wsfuzz_case_1_1_1.json")

func TestImportContract(t *testing.T) {
	out := t.TempDir()
	missing := filepath.Join(out, "missing.json")
	var stdout, stderr bytes.Buffer
	// Flags after and between the reports; one report does not exist.
	err := importMain([]string{reference, "--out", out, missing, "--json", "-n"}, &stdout, &stderr)
	if exitStatus(err) != exitFailed {
		t.Fatalf("exit %d (%v), want %d", exitStatus(err), err, exitFailed)
	}
	if got := strings.TrimSpace(stderr.String()); got != "wsfuzz import: "+missing+": no such file or directory" {
		t.Errorf("stderr %q", got)
	}
	cases, errs, summary := records(t, stdout.String(), "import")
	if len(cases) != 1 || cases[0]["id"] != "1.1.1" || len(errs) != 1 || errs[0]["path"] != missing {
		t.Errorf("cases %v errors %v", cases, errs)
	}
	if summary["exit"] != float64(exitFailed) || summary["cases"] != float64(1) || summary["dry_run"] != true {
		t.Errorf("summary %v", summary)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("-n after the reports was not honoured: %d entries written", len(ents))
	}

	stdout.Reset()
	stderr.Reset()
	if err := importMain([]string{"--out", out, reference, "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v; stderr %s", err, stderr.String())
	}
	cases, _, summary = records(t, stdout.String(), "import")
	if summary["exit"] != float64(exitOK) || len(cases) != 1 || len(cases[0]["seeds"].([]any)) == 0 {
		t.Errorf("summary %v cases %v", summary, cases)
	}

	if err := importMain([]string{"--out", out}, io.Discard, io.Discard); exitStatus(err) != exitUsage {
		t.Errorf("no report: exit %d", exitStatus(err))
	}
}

func TestReplayContract(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	var stdout, stderr bytes.Buffer
	// The flags after the first report must count: --cases picks the one
	// case, --json the output.
	err := replayMain([]string{reference, missing, "--json", "--cases", "1.1.1", "--strict"}, &stdout, &stderr)
	if exitStatus(err) != exitFailed {
		t.Fatalf("exit %d (%v), want %d: a missing input must fail the run", exitStatus(err), err, exitFailed)
	}
	if !strings.Contains(stderr.String(), "wsfuzz replay: "+missing+": no such file or directory\n") {
		t.Errorf("stderr %q", stderr.String())
	}
	cases, errs, summary := records(t, stdout.String(), "replay")
	if len(cases) != 1 || cases[0]["status"] != statusPassed || cases[0]["behavior"] != "OK" || len(errs) != 1 {
		t.Fatalf("cases %v errors %v", cases, errs)
	}
	if summary["strict"] != true || summary["exit"] != float64(exitFailed) || summary["input_errors"] != float64(1) || summary["passed"] != float64(1) {
		t.Errorf("summary %v", summary)
	}

	stdout.Reset()
	if err := replayMain([]string{reference, "--json", "--want-report"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	cases, _, summary = records(t, stdout.String(), "replay")
	if summary["exit"] != float64(exitOK) || cases[0]["agrees"] != true || cases[0]["wanted_behavior"] != "OK" {
		t.Errorf("summary %v case %v", summary, cases[0])
	}

	for _, args := range [][]string{{}, {reference, "--parallel", "0"}, {reference, "--bogus"}} {
		if err := replayMain(args, io.Discard, io.Discard); exitStatus(err) != exitUsage {
			t.Errorf("%q: exit %d (%v), want %d", args, exitStatus(err), err, exitUsage)
		}
	}
}

// A report of suite 0.8.0 takes close code 1014 for invalid; the reference
// server echoes it. The rule changed since: the case passes, and against
// the report's own verdict it is no disagreement.
func TestReplayRuleChange(t *testing.T) {
	report := filepath.Join("..", "..", "corpus", "testdata", "versions", "0.8.0-servers", "tarantool_websocket_case_7_9_6.json")
	var stdout bytes.Buffer
	if err := replayMain([]string{report, "--json", "--want-report"}, &stdout, io.Discard); err != nil {
		t.Fatalf("--want-report: %v\n%s", err, stdout.String())
	}
	cases, _, summary := records(t, stdout.String(), "replay")
	c := cases[0]
	if c["behavior"] != "FAILED" || c["today_behavior"] != "OK" || c["today_behavior_close"] != "OK" || c["agrees"] != true || c["rule_change"] == "" {
		t.Errorf("case %v", c)
	}
	if summary["agree"] != float64(1) || summary["compared"] != float64(1) || summary["exit"] != float64(exitOK) {
		t.Errorf("summary %v", summary)
	}
	stdout.Reset()
	if err := replayMain([]string{report}, &stdout, io.Discard); err != nil {
		t.Errorf("without --want-report: %v\n%s", err, stdout.String())
	}
	if !strings.Contains(stdout.String(), "RULE CHANGED") || !strings.Contains(stdout.String(), "rule changed: ") {
		t.Errorf("table does not say the rule changed:\n%s", stdout.String())
	}
}

// --failing-only leaves out passing reports before reading them whole: a
// passing report whose wire log is broken is no error then.
func TestImportFailingOnlySkipsPassingReports(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(reference)
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(good, []byte(`"wirelog": [`), []byte(`"wirelog": [["NO SUCH KIND"],`), 1)
	if bytes.Equal(broken, good) {
		t.Fatal("could not break the report")
	}
	os.WriteFile(filepath.Join(dir, "passing_case_1_1_1.json"), broken, 0o666)
	failing, err := os.ReadFile(filepath.Join("..", "..", "corpus", "testdata", "autobahn", "naive_gorilla_echo_case_6_4_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "failing_case_6_4_1.json"), failing, 0o666)

	var stdout, stderr bytes.Buffer
	if err := importMain([]string{dir, "--failing-only", "-n", "--json"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	cases, _, _ := records(t, stdout.String(), "import")
	if len(cases) != 1 || cases[0]["id"] != "6.4.1" {
		t.Errorf("cases %v", cases)
	}
	stderr.Reset()
	err = importMain([]string{dir, "-n", "-q"}, io.Discard, &stderr)
	if exitStatus(err) != exitFailed || !strings.Contains(stderr.String(), "passing_case_1_1_1.json: wire log entry 0") {
		t.Errorf("without --failing-only: exit %d, stderr %q", exitStatus(err), stderr.String())
	}
}

// A run that left the recorded script is neither passed nor failed, and is
// not compared with a wanted verdict.
func TestDivergedIsNotFailed(t *testing.T) {
	c := &corpus.Case{ID: "5.19", Behavior: "OK", BehaviorClose: "OK"}
	results := []replay.Result{
		{Case: c, Observed: &replay.Observed{}, Verdict: replay.Verdict{Behavior: "FAILED", BehaviorClose: "OK", Diverged: "a timer fired"}},
		{Case: c, Observed: &replay.Observed{}, Verdict: replay.Verdict{Behavior: "OK", BehaviorClose: "OK"}},
	}
	want := func(r replay.Result) (string, string, bool) { return "OK", "OK", true }
	rows := judgeAll(results, false, want, true)
	s := summarize(rows)
	if rows[0].status != statusDiverged || rows[0].compared || s.diverged != 1 || s.failed != 0 || s.passed != 1 || s.compared != 1 {
		t.Errorf("rows %+v summary %+v", rows, s)
	}
	if err := s.outcome(false, true); err != nil {
		t.Errorf("outcome %v", err)
	}
}
