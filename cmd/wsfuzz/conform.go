package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/conform"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/target"
)

const conformUsage = `usage: wsfuzz conform [flags]

Runs Autobahn|Testsuite's server cases against a WebSocket server and
judges each the way Autobahn does: the 517 cases of sections 1-7, 9, 10,
12 and 13 of suite 25.x, with the same ids, written in Go (package
catalogue); nothing but this binary is needed. Without --target the
reference server runs in-process. The target must be on this machine
(127.0.0.0/8, ::1, localhost) unless --allow-remote is given: the cases
send deliberately broken frames.

Progress goes to stderr, one line per case as it ends. At the end the
failing cases are explained (every case with -v), then a table per section
and the verdicts. --report-dir DIR writes what Autobahn's fuzzingclient
writes, in its format: DIR/index.json and one JSON report per case, whose
wire logs hold every octet, so that "wsfuzz import DIR" seeds the fuzz
corpus from them and "wsfuzz replay --cases ID DIR" runs a case again
exactly; and DIR/index.html (a summary to open in a browser) and
DIR/junit.xml (for CI systems).

A case passes when its behaviour is OK, NON-STRICT or INFORMATIONAL and its
closing behaviour OK or INFORMATIONAL; --strict also fails NON-STRICT and
what RFC 6455 asks beyond Autobahn's rules (a dropped TCP connection
without a close frame where the server must fail the connection, a close
without a code, an unclean close). A server that does not agree to
permessage-deflate gets UNIMPLEMENTED on 12.* and 13.*, which fails.

The waits that pace 5.19, 5.20 and 6.4.* are shortened by --time-scale
(0.1: a 1 s step waits 100 ms); use 1 to wait exactly as Autobahn does.
--messages N sends only N of the 1000 messages of 9.7.*, 9.8.*, 12.* and
13.*, for a quick look; such a run is not Autobahn's, and says so.

--want INDEX compares every case's verdicts with those of an index.json of
the real suite (run against the same server): the cases that differ are
listed and explained, and the run fails when any differs.

--json records: "case" has id, status (passed or failed), behavior,
behavior_close, duration_ms, remote_close_code (null for none), result,
result_close, explanation and strict (lists of lines), error (the case
could not run), report (its file, with --report-dir), and
wanted_behavior, wanted_behavior_close and agrees (null without --want);
"summary" has cases, passed, failed, verdicts (behaviour verdict ->
count), compared and agree (with --want), elapsed_ms, parallel,
time_scale, messages, strict, target, agent, report_dir and exit.

` + contractHelp + `
flags:
`

func runConform(args []string) error {
	return conformMain(args, os.Stdout, os.Stderr)
}

func conformMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), conformUsage)
		fs.PrintDefaults()
	}
	var (
		targetURL   = fs.String("target", "", "ws:// URL of the server under test (default: the reference server, in-process)")
		allowRemote = fs.Bool("allow-remote", false, "allow a target that is not on this machine")
		casesFlag   = fs.String("cases", "", "comma-separated case ids or patterns, as in Autobahn's spec (\"1.*,6.4.*\"; default all)")
		strict      = fs.Bool("strict", false, "also fail NON-STRICT and what RFC 6455 asks beyond Autobahn's rules")
		reportDir   = fs.String("report-dir", "", "write index.json, a JSON report per case, index.html and junit.xml into this directory")
		parallel    = fs.Int("parallel", conform.DefaultParallel(), "cases run at once; unless given, one more than the processors used")
		agent       = fs.String("agent", conform.DefaultAgent, "the server's name in the reports")
		timeScale   = fs.Float64("time-scale", 0.1, "factor applied to the waits that pace 5.19, 5.20 and 6.4.* (1 = as Autobahn)")
		messages    = fs.Int("messages", 0, "send only this many of the 1000 messages of 9.7.*, 9.8.*, 12.* and 13.* (0 = as Autobahn)")
		want        = fs.String("want", "", "an Autobahn index.json whose verdicts every case must reproduce (of a real run against the same server)")
		verbose     = fs.Bool("v", false, "explain every case, not only the failing ones")
		asJSON      = fs.Bool("json", false, "print JSON lines (one per case, then a summary) instead of the tables")
	)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(positional); err != nil {
		return err
	}
	switch {
	case *parallel < 1:
		return usageError{"--parallel must be at least 1"}
	case *timeScale <= 0 || *timeScale > 100:
		return usageError{"--time-scale must be in (0, 100]"}
	case *messages < 0:
		return usageError{"--messages must not be negative"}
	case strings.TrimSpace(*agent) == "":
		return usageError{"--agent must not be empty"}
	}
	var patterns []string
	if *casesFlag != "" {
		patterns = strings.Split(*casesFlag, ",")
	}
	tg, err := conformTarget(*targetURL, *allowRemote)
	if err != nil {
		return err
	}
	var wanted map[string][2]string
	if *want != "" {
		if wanted, err = readWanted(*want); err != nil {
			return err
		}
	}
	if *targetURL == "" {
		fmt.Fprintln(stderr, "running against the reference server, in-process")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opt := conform.Options{
		Cases: patterns, Parallel: *parallel, Strict: *strict, Agent: *agent,
		Replay:  replay.Options{TimeScale: *timeScale},
		WireLog: *reportDir != "", MessageLimit: *messages,
		Progress: func(done, total int, r *conform.Result) {
			mark := "ok  "
			if !r.Pass {
				mark = "FAIL"
			}
			fmt.Fprintf(stderr, "[%3d/%d] %s %-8s %s / %s %v\n", done, total, mark, r.Case.ID, r.Verdict.Behavior, r.Verdict.BehaviorClose, durationOf(r).Round(time.Millisecond))
		},
	}
	rep, runErr := conform.Run(ctx, tg, opt)
	if errors.Is(runErr, conform.ErrNoCase) {
		return usageError{runErr.Error()}
	}
	if rep == nil {
		return runErr
	}
	if *reportDir != "" {
		if err := rep.WriteReports(*reportDir); err != nil {
			return err
		}
	}
	s := rep.Summarize()
	cmp := compareWanted(rep, wanted)
	result := runErr
	switch {
	case result != nil:
	case wanted != nil && cmp.agree != cmp.compared:
		result = fmt.Errorf("%d of %d cases differ from the verdicts wanted", cmp.compared-cmp.agree, cmp.compared)
	case wanted == nil && s.Failed > 0:
		mode := "Autobahn's rules"
		if *strict {
			mode = "strict rules"
		}
		result = fmt.Errorf("%d of %d cases fail under %s", s.Failed, s.Cases, mode)
	}
	if *asJSON {
		records := newJSONLines(stdout, "conform")
		for _, r := range rep.Results {
			rec := conformCaseRecord(r, rep.Agent, *reportDir)
			if w, ok := wanted[r.Case.ID]; ok {
				agrees := w == [2]string{r.Verdict.Behavior, r.Verdict.BehaviorClose}
				rec.WantedBehavior, rec.WantedBehaviorClose, rec.Agrees = &w[0], &w[1], &agrees
			}
			records.write(recordCase, rec)
		}
		records.write(recordSummary, conformSummaryRecord{
			Cases: s.Cases, Passed: s.Passed, Failed: s.Failed, Verdicts: s.Verdicts, Compared: cmp.compared, Agree: cmp.agree,
			ElapsedMS: rep.Elapsed.Milliseconds(), Parallel: *parallel, TimeScale: *timeScale, Messages: *messages,
			Strict: *strict, Target: rep.Target, Agent: rep.Agent, ReportDir: *reportDir, Exit: exitStatus(result),
		})
		if err := records.Err(); err != nil {
			return err
		}
		return result
	}
	printConform(stdout, rep, *verbose, cmp.differs)
	s.WriteTable(stdout, rep.Elapsed)
	if wanted != nil {
		fmt.Fprintf(stdout, "verdicts as wanted: %d of %d\n", cmp.agree, cmp.compared)
	}
	if *reportDir != "" {
		fmt.Fprintf(stdout, "reports: %s\n", filepath.Join(*reportDir, conform.HTMLFile))
	}
	return result
}

// conformTarget is the server under test: the URL given, or the reference
// server in-process.
func conformTarget(url string, allowRemote bool) (target.Target, error) {
	if url == "" {
		return target.Reference(server.SessionConfig{}), nil
	}
	t, err := replay.ParseTarget(url)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if allowRemote {
		return target.RemoteURL(url), nil
	}
	if !isLoopback(t.Addr) {
		return nil, usageError{fmt.Sprintf("target %s is not on this machine; add --allow-remote to run against it", url)}
	}
	return target.URL(url), nil
}

func durationOf(r *conform.Result) time.Duration {
	if r.Observed == nil {
		return 0
	}
	return r.Observed.Duration
}

// wantedComparison is how a run's verdicts compare with those wanted.
type wantedComparison struct {
	compared, agree int
	differs         map[string]string // case id -> the verdicts wanted
}

func compareWanted(rep *conform.Report, wanted map[string][2]string) wantedComparison {
	c := wantedComparison{differs: map[string]string{}}
	for _, r := range rep.Results {
		w, ok := wanted[r.Case.ID]
		if !ok {
			continue
		}
		c.compared++
		if w == [2]string{r.Verdict.Behavior, r.Verdict.BehaviorClose} {
			c.agree++
		} else {
			c.differs[r.Case.ID] = w[0] + "/" + w[1]
		}
	}
	return c
}

// printConform explains the failing cases and those whose verdicts differ
// from the ones wanted (every case when verbose), one line of verdicts
// each with the judge's explanation under it.
func printConform(w io.Writer, rep *conform.Report, verbose bool, differs map[string]string) {
	for _, r := range rep.Results {
		wanted, differ := differs[r.Case.ID]
		if r.Pass && !verbose && !differ {
			continue
		}
		v := r.Verdict
		status := "passed"
		if !r.Pass {
			status = "FAILED"
		}
		if differ {
			status += ", wanted " + wanted
		}
		fmt.Fprintf(w, "%-9s %-16s %-16s %8v  %s  %s\n", r.Case.ID, v.Behavior, v.BehaviorClose, durationOf(r).Round(time.Millisecond), status, r.Case.Description)
		for _, line := range append([]string{v.Result, v.ResultClose}, v.Diff...) {
			fmt.Fprintf(w, "          %s\n", line)
		}
		if rep.Strict {
			for _, line := range v.Strict {
				fmt.Fprintf(w, "          strict: %s\n", line)
			}
		}
	}
}

// conformCase is the --json record of one case.
type conformCase struct {
	ID              string   `json:"id"`
	Status          string   `json:"status"`
	Behavior        string   `json:"behavior"`
	BehaviorClose   string   `json:"behavior_close"`
	DurationMS      int64    `json:"duration_ms"`
	RemoteCloseCode *int     `json:"remote_close_code"`
	Result          string   `json:"result"`
	ResultClose     string   `json:"result_close"`
	Explanation     []string `json:"explanation"`
	Strict          []string `json:"strict"`
	Error           string   `json:"error"`
	Report          string   `json:"report"`
	// The verdicts of --want, and whether the run's agree with them.
	WantedBehavior      *string `json:"wanted_behavior"`
	WantedBehaviorClose *string `json:"wanted_behavior_close"`
	Agrees              *bool   `json:"agrees"`
}

func conformCaseRecord(r *conform.Result, agent, reportDir string) conformCase {
	v := r.Verdict
	rec := conformCase{
		ID: r.Case.ID, Status: "passed", Behavior: v.Behavior, BehaviorClose: v.BehaviorClose,
		DurationMS: durationOf(r).Milliseconds(), Result: v.Result, ResultClose: v.ResultClose,
		Explanation: orEmpty(v.Diff), Strict: orEmpty(v.Strict),
	}
	if !r.Pass {
		rec.Status = "failed"
	}
	if r.Err != nil {
		rec.Error = r.Err.Error()
	}
	if r.Observed != nil && r.Observed.Closing.RemoteCloseCode != 0 {
		code := r.Observed.Closing.RemoteCloseCode
		rec.RemoteCloseCode = &code
	}
	if reportDir != "" {
		rec.Report = filepath.Join(reportDir, conform.ReportFile(agent, r.Case.ID))
	}
	return rec
}

// conformSummaryRecord is the --json summary of a run.
type conformSummaryRecord struct {
	Cases     int            `json:"cases"`
	Passed    int            `json:"passed"`
	Failed    int            `json:"failed"`
	Verdicts  map[string]int `json:"verdicts"`
	Compared  int            `json:"compared"`
	Agree     int            `json:"agree"`
	ElapsedMS int64          `json:"elapsed_ms"`
	Parallel  int            `json:"parallel"`
	TimeScale float64        `json:"time_scale"`
	Messages  int            `json:"messages"`
	Strict    bool           `json:"strict"`
	Target    string         `json:"target"`
	Agent     string         `json:"agent"`
	ReportDir string         `json:"report_dir"`
	Exit      int            `json:"exit"`
}
