package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/server"
)

const replayUsage = `usage: wsfuzz replay [flags] REPORT...

Replays Autobahn|Testsuite cases against a WebSocket server and judges each
the way Autobahn does. A REPORT is a per-case JSON report, an HTML case page
or its text rendering, an index.json, or a directory of reports (walked
recursively). Each case's opening handshake is sent with a fresh key and the
target's Host, then the octets the report shows the fuzzing client sent, in
the same writes and with the same timers, while a client that reacts as
Autobahn's does reads the server's frames.

Without --target the reference server runs in-process on a loopback port,
so "wsfuzz replay REPORTS" checks reports against it on a fresh checkout.
The target must be on this machine (127.0.0.0/8, ::1, localhost) unless
--allow-remote is given: replay sends deliberately broken frames.

The table lists each case with its verdict, close verdict and duration, and
the verdicts the report recorded. Cases that cannot be replayed exactly
(cut payloads that cannot be rebuilt, no wire log, cases that judge
themselves such as 9.*) are listed as SKIPPED with the reason, never as
passed. A replayed case fails when it fails under Autobahn's rules (or
--strict's), or, with --want or --want-report, when a verdict differs from
the one wanted. A report is judged by the rules of the suite version that
wrote it; where later versions changed a rule (close codes 1012-1014 in
7.9.* up to 0.8.0, the wrong-endpoint rule of invalid UTF-8 cases before
0.5.7), the row says RULE CHANGED, the explanation gives both verdicts,
the later one decides pass or fail, and the case counts as agreeing with
a wanted verdict.

The waits that pace a case (Autobahn's continue-later timers, used by 5.19,
5.20 and 6.4.*) are shortened by --time-scale (0.1: a 1 s step waits
100 ms); verdicts against a server that answers at once do not depend on
them. Use --time-scale 1 to wait exactly as Autobahn does. Every other
wait (close-after, kill-after, the closing handshake timeouts) only ends
the case of a server that stopped answering and is kept as Autobahn has it.

A case whose run left the recorded script (the server made the case take
a turn the report does not show) is listed as DIVERGED: it is neither
passed nor failed, and not compared with a wanted verdict.

--json records: "case" has id, agent, source, status (passed, failed,
diverged, skipped or error), behavior, behavior_close, duration_ms,
recorded_behavior, recorded_behavior_close, wanted_behavior,
wanted_behavior_close and agrees (null unless --want or --want-report),
diverged (where the run left the script), rule_change (how later suite
versions judge the run otherwise) with today_behavior and
today_behavior_close (null without a rule change), skip_kind, reason (why
skipped or not run), explanation and strict (lists of lines) and trace
(with --trace); "summary" has cases, replayed, passed, failed, diverged,
not_run, skipped, input_errors, compared, agree, elapsed_ms, parallel,
time_scale, strict, target and exit.

` + contractHelp + `
flags:
`

func runReplay(args []string) error {
	return replayMain(args, os.Stdout, os.Stderr)
}

func replayMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), replayUsage)
		fs.PrintDefaults()
	}
	var (
		target      = fs.String("target", "", "ws:// URL of the server to replay against (default: the reference server, in-process)")
		casesFlag   = fs.String("cases", "", "comma-separated case ids or patterns to replay, as in Autobahn's spec (\"1.*,2.9,6.4.*\"; default all)")
		agent       = fs.String("agent", "", "replay only cases of reports of this agent")
		strict      = fs.Bool("strict", false, "also fail what Autobahn lets pass: NON-STRICT, a server that drops TCP without a close frame or closes without a code where one was expected, an unclean close")
		parallel    = fs.Int("parallel", 2, "cases replayed at once")
		timeScale   = fs.Float64("time-scale", 0.1, "factor applied to the waits that pace a case, Autobahn's continue-later timers (1 = as Autobahn)")
		allowRemote = fs.Bool("allow-remote", false, "allow a target that is not on this machine")
		want        = fs.String("want", "", "an Autobahn index.json whose verdicts every replayed case must reproduce (e.g. of a real run against the same target)")
		wantReport  = fs.Bool("want-report", false, "every replayed case must reproduce the verdicts its own report recorded")
		verbose     = fs.Bool("v", false, "explain every case, not only the failing ones")
		trace       = fs.Bool("trace", false, "print what was sent and received for every case explained")
		asJSON      = fs.Bool("json", false, "print JSON lines (one per case, then a summary) instead of the table")
	)
	reports, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(reports) == 0 {
		fs.Usage()
		return usageError{"no REPORT given"}
	}
	if *parallel < 1 {
		return usageError{"--parallel must be at least 1"}
	}
	if *timeScale <= 0 || *timeScale > 100 {
		return usageError{"--time-scale must be in (0, 100]"}
	}
	if *want != "" && *wantReport {
		return usageError{"--want and --want-report exclude each other"}
	}
	var patterns []string
	if *casesFlag != "" {
		patterns = strings.Split(*casesFlag, ",")
	}
	var wanted map[string][2]string
	if *want != "" {
		var err error
		if wanted, err = readWanted(*want); err != nil {
			return err
		}
	}

	var load corpus.LoadOptions
	if len(patterns) > 0 || *agent != "" {
		load.Keep = func(id, ag, _, _ string) bool {
			return corpus.MatchID(id, patterns) && (*agent == "" || ag == "" || ag == *agent)
		}
	}
	cases, errs := corpus.LoadWith(load, reports...)
	failures := inputFailures(errs)
	printInputFailures(stderr, "replay", failures)
	var records *jsonLines
	if *asJSON {
		records = newJSONLines(stdout, "replay")
		records.failures(failures)
	}
	if len(cases) == 0 {
		err := errors.New("no case to replay")
		if records != nil {
			records.write(recordSummary, replaySummaryRecord{Exit: exitFailed, InputErrors: len(failures), Parallel: *parallel, TimeScale: *timeScale, Strict: *strict, Target: *target})
		}
		return err
	}
	slices.SortStableFunc(cases, func(a, b *corpus.Case) int {
		if a.Agent != b.Agent {
			return strings.Compare(a.Agent, b.Agent)
		}
		return corpus.CompareIDs(a.ID, b.ID)
	})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	url := *target
	if url == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := server.New(server.Config{})
		go srv.Serve(ln)
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
		url = "ws://" + ln.Addr().String() + "/"
		fmt.Fprintf(stderr, "replaying against the reference server at %s\n", url)
	} else {
		t, err := replay.ParseTarget(url)
		if err != nil {
			return usageError{err.Error()}
		}
		if !*allowRemote && !isLoopback(t.Addr) {
			return usageError{fmt.Sprintf("target %s is not on this machine; add --allow-remote to replay against it", url)}
		}
	}

	start := time.Now()
	results := replay.ReplayAll(ctx, cases, url, *parallel, replay.Options{TimeScale: *timeScale, Trace: *trace})
	elapsed := time.Since(start)

	wantOf := func(r replay.Result) (string, string, bool) {
		switch {
		case wanted != nil:
			w, ok := wanted[r.Case.ID]
			return w[0], w[1], ok
		case *wantReport:
			return r.Case.Behavior, r.Case.BehaviorClose, r.Case.Behavior != ""
		}
		return "", "", false
	}
	rows := judgeAll(results, *strict, wantOf, wanted != nil || *wantReport)
	s := summarize(rows)
	s.inputErrors = len(failures)
	result := s.outcome(*strict, wanted != nil || *wantReport)
	if records != nil {
		for _, r := range rows {
			records.write(recordCase, caseRecord(r, *trace))
		}
		records.write(recordSummary, replaySummaryRecord{
			Cases: len(rows), Replayed: s.replayed, Passed: s.passed, Failed: s.failed, Diverged: s.diverged, NotRun: s.errors,
			Skipped: s.nskipped, InputErrors: s.inputErrors, Compared: s.compared, Agree: s.agree,
			ElapsedMS: elapsed.Milliseconds(), Parallel: *parallel, TimeScale: *timeScale, Strict: *strict,
			Target: url, Exit: exitStatus(result),
		})
		if err := records.Err(); err != nil {
			return err
		}
		return result
	}
	printReplay(stdout, rows, *strict, wanted != nil || *wantReport, *verbose, *trace)
	fmt.Fprintf(stdout, "\n%d cases: %d replayed in %v (--parallel %d, --time-scale %g)", len(results), s.replayed, elapsed.Round(time.Millisecond), *parallel, *timeScale)
	fmt.Fprintf(stdout, ", %d passed, %d failed", s.passed, s.failed)
	if s.diverged > 0 {
		fmt.Fprintf(stdout, ", %d diverged (left the recorded script, not judged)", s.diverged)
	}
	if s.errors > 0 {
		fmt.Fprintf(stdout, ", %d could not run", s.errors)
	}
	if wanted != nil || *wantReport {
		fmt.Fprintf(stdout, "; verdicts as wanted: %d of %d", s.agree, s.compared)
		if s.ruleChanges > 0 {
			fmt.Fprintf(stdout, " (%d judged by a rule later Autobahn versions changed)", s.ruleChanges)
		}
	}
	fmt.Fprintf(stdout, "; %d skipped\n", s.nskipped)
	for _, k := range sortedKeys(s.skipped) {
		fmt.Fprintf(stdout, "  skipped %3d: %s: %s\n", len(s.skipped[k]), k, strings.Join(s.skipped[k], " "))
	}
	return result
}

// The statuses of a replayed case.
const (
	statusPassed   = "passed"
	statusFailed   = "failed"
	statusDiverged = "diverged" // the run left the recorded script: not judged
	statusSkipped  = "skipped"
	statusError    = "error" // the replay could not take place
)

// replayRow is one replayed case with what the command concluded of it.
type replayRow struct {
	replay.Result
	status string
	// compared is true when a wanted verdict exists for the case; wanted
	// is that verdict and agrees whether the replay reproduced it (or the
	// difference comes from a rule later Autobahn versions changed).
	compared       bool
	wanted         [2]string
	agrees         bool
	ruleChangeOnly bool // agrees only because of a rule change
}

// judgeAll turns results into rows: passed or failed under the rules in
// force, and agreeing or not with the verdicts wanted.
func judgeAll(results []replay.Result, strict bool, wantOf func(replay.Result) (string, string, bool), compare bool) []replayRow {
	rows := make([]replayRow, len(results))
	for i, r := range results {
		row := replayRow{Result: r, agrees: true}
		switch {
		case r.Skipped != "":
			row.status = statusSkipped
		case r.Err != nil:
			row.status = statusError
		case r.Verdict.Diverged != "":
			row.status = statusDiverged
		default:
			row.status = statusFailed
			if r.Verdict.Pass(strict) {
				row.status = statusPassed
			}
			if compare {
				wb, wc, ok := wantOf(r)
				row.compared, row.wanted = ok, [2]string{wb, wc}
				if ok {
					row.agrees = wb == r.Verdict.Behavior && wc == r.Verdict.BehaviorClose
					if !row.agrees && r.Verdict.RuleChange != "" {
						row.agrees, row.ruleChangeOnly = true, true
					}
				}
			}
		}
		rows[i] = row
	}
	return rows
}

// replaySummary counts the rows of a replay.
type replaySummary struct {
	replayed, passed, failed, errors int
	diverged                         int
	compared, agree, ruleChanges     int
	nskipped, inputErrors            int
	skipped                          map[string][]string // reason -> case ids
}

func summarize(rows []replayRow) replaySummary {
	s := replaySummary{skipped: map[string][]string{}}
	for _, r := range rows {
		switch r.status {
		case statusSkipped:
			s.nskipped++
			s.skipped[r.SkipKind] = append(s.skipped[r.SkipKind], r.Case.ID)
			continue
		case statusError:
			s.errors++
			continue
		case statusDiverged:
			s.diverged++
		case statusPassed:
			s.passed++
		default:
			s.failed++
		}
		s.replayed++
		if r.compared {
			s.compared++
			if r.agrees {
				s.agree++
			}
			if r.ruleChangeOnly {
				s.ruleChanges++
			}
		}
	}
	return s
}

// outcome is the error the command returns for a replay, nil when it
// passed: cases that could not run and unreadable inputs first, then
// verdicts that differ from the ones wanted (when comparing) or failed
// cases.
func (s replaySummary) outcome(strict, compare bool) error {
	mode := "Autobahn's rules"
	if strict {
		mode = "strict rules"
	}
	switch {
	case s.errors > 0:
		return fmt.Errorf("%d cases could not be replayed", s.errors)
	case s.inputErrors > 0:
		return fmt.Errorf("%d input(s) could not be read", s.inputErrors)
	case compare:
		if s.agree != s.compared {
			return fmt.Errorf("%d of %d verdicts differ from the ones wanted", s.compared-s.agree, s.compared)
		}
	case s.failed > 0:
		return fmt.Errorf("%d cases fail under %s", s.failed, mode)
	}
	if s.replayed == 0 {
		return errors.New("no case could be replayed")
	}
	return nil
}

// printReplay prints one row per case, like Autobahn's summary table, with
// an explanation under each failing one.
func printReplay(out io.Writer, rows []replayRow, strict, compare, verbose, trace bool) {
	const row = "%-9s %-16s %-16s %8s  %-30s"
	header := fmt.Sprintf(row, "CASE", "VERDICT", "CLOSE", "DURATION", "RECORDED")
	if compare {
		header += "  WANTED"
	}
	fmt.Fprintln(out, strings.TrimRight(header, " "))
	agentOf := ""
	for _, r := range rows {
		c := r.Case
		if c.Agent != agentOf && c.Agent != "" {
			agentOf = c.Agent
			fmt.Fprintf(out, "# %s\n", c.Agent)
		}
		recorded := c.Behavior + "/" + c.BehaviorClose
		if c.Behavior == "" {
			recorded = "-"
		}
		switch r.status {
		case statusSkipped:
			fmt.Fprintf(out, row+"  %s\n", c.ID, "SKIPPED", "", "", recorded, r.Skipped)
			continue
		case statusError:
			fmt.Fprintf(out, row+"  %v\n", c.ID, "ERROR", "", "", recorded, r.Err)
			continue
		}
		v := r.Verdict
		behavior := v.Behavior
		switch {
		case v.Diverged != "":
			behavior += " (DIVERGED)"
		case v.RuleChange != "":
			behavior += " (RULE CHANGED)"
		}
		line := fmt.Sprintf(row, c.ID, behavior, v.BehaviorClose, r.Observed.Duration.Round(time.Millisecond), recorded)
		if compare {
			switch {
			case !r.compared:
				line += "  -"
			case r.ruleChangeOnly:
				line += "  " + r.wanted[0] + "/" + r.wanted[1] + "  RULE CHANGED"
			case r.agrees:
				line += "  " + r.wanted[0] + "/" + r.wanted[1]
			default:
				line += "  " + r.wanted[0] + "/" + r.wanted[1] + "  DIFFERS"
			}
		}
		fmt.Fprintln(out, strings.TrimRight(line, " "))
		if verbose || r.status != statusPassed || !r.agrees || v.RuleChange != "" {
			for _, line := range v.Diff {
				fmt.Fprintf(out, "          %s\n", line)
			}
			if strict {
				for _, line := range v.Strict {
					fmt.Fprintf(out, "          strict: %s\n", line)
				}
			}
			if trace {
				for _, line := range r.Observed.Trace {
					fmt.Fprintf(out, "            %s\n", line)
				}
			}
		}
	}
}

// replayCaseRecord is the --json record of one case.
type replayCaseRecord struct {
	ID                    string   `json:"id"`
	Agent                 string   `json:"agent"`
	Source                string   `json:"source"`
	Status                string   `json:"status"`
	Behavior              string   `json:"behavior"`
	BehaviorClose         string   `json:"behavior_close"`
	DurationMS            int64    `json:"duration_ms"`
	RecordedBehavior      string   `json:"recorded_behavior"`
	RecordedBehaviorClose string   `json:"recorded_behavior_close"`
	WantedBehavior        *string  `json:"wanted_behavior"`
	WantedBehaviorClose   *string  `json:"wanted_behavior_close"`
	Agrees                *bool    `json:"agrees"`
	Diverged              string   `json:"diverged"`
	RuleChange            string   `json:"rule_change"`
	TodayBehavior         *string  `json:"today_behavior"`
	TodayBehaviorClose    *string  `json:"today_behavior_close"`
	SkipKind              string   `json:"skip_kind"`
	Reason                string   `json:"reason"`
	Explanation           []string `json:"explanation"`
	Strict                []string `json:"strict"`
	Trace                 []string `json:"trace,omitempty"`
}

func caseRecord(r replayRow, trace bool) replayCaseRecord {
	c := r.Case
	rec := replayCaseRecord{
		ID: c.ID, Agent: c.Agent, Source: c.Source, Status: r.status,
		RecordedBehavior: c.Behavior, RecordedBehaviorClose: c.BehaviorClose,
		SkipKind: r.SkipKind, Reason: r.Skipped,
		Explanation: []string{}, Strict: []string{},
	}
	if r.Err != nil {
		rec.Reason = r.Err.Error()
	}
	if r.Observed == nil {
		return rec
	}
	v := r.Verdict
	rec.Behavior, rec.BehaviorClose = v.Behavior, v.BehaviorClose
	rec.DurationMS = r.Observed.Duration.Milliseconds()
	rec.Diverged, rec.RuleChange = v.Diverged, v.RuleChange
	if v.RuleChange != "" {
		rec.TodayBehavior, rec.TodayBehaviorClose = &v.Today[0], &v.Today[1]
	}
	rec.Explanation, rec.Strict = orEmpty(v.Diff), orEmpty(v.Strict)
	if r.compared {
		rec.WantedBehavior, rec.WantedBehaviorClose, rec.Agrees = &r.wanted[0], &r.wanted[1], &r.agrees
	}
	if trace {
		rec.Trace = orEmpty(r.Observed.Trace)
	}
	return rec
}

// replaySummaryRecord is the --json summary of a replay.
type replaySummaryRecord struct {
	Cases       int     `json:"cases"`
	Replayed    int     `json:"replayed"`
	Passed      int     `json:"passed"`
	Failed      int     `json:"failed"`
	Diverged    int     `json:"diverged"`
	NotRun      int     `json:"not_run"`
	Skipped     int     `json:"skipped"`
	InputErrors int     `json:"input_errors"`
	Compared    int     `json:"compared"`
	Agree       int     `json:"agree"`
	ElapsedMS   int64   `json:"elapsed_ms"`
	Parallel    int     `json:"parallel"`
	TimeScale   float64 `json:"time_scale"`
	Strict      bool    `json:"strict"`
	Target      string  `json:"target"`
	Exit        int     `json:"exit"`
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readWanted reads the verdicts of an index.json; with several agents in
// it, the cases of all of them (the last agent wins a case id).
func readWanted(path string) (map[string][2]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := corpus.ParseIndex(data, path)
	if err != nil {
		return nil, err
	}
	out := map[string][2]string{}
	for _, e := range entries {
		out[e.ID] = [2]string{e.Behavior, e.BehaviorClose}
	}
	return out, nil
}

// isLoopback reports whether host:port names this machine.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
