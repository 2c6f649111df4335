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
passed. The exit status is 1 when a replayed case fails (or, with --want or
--want-report, when a verdict differs from the one wanted), 2 on bad usage.

The waits that pace a case (Autobahn's continue-later timers, used by 5.19,
5.20 and 6.4.*) are shortened by --time-scale (0.1: a 1 s step waits
100 ms); verdicts against a server that answers at once do not depend on
them. Use --time-scale 1 to wait exactly as Autobahn does. Every other
wait (close-after, kill-after, the closing handshake timeouts) only ends
the case of a server that stopped answering and is kept as Autobahn has it.

flags:
`

func runReplay(args []string) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
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
	)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() == 0 {
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

	cases, errs := corpus.LoadWith(corpus.LoadOptions{Keep: func(id, ag, _, _ string) bool {
		return corpus.MatchID(id, patterns) && (*agent == "" || ag == "" || ag == *agent)
	}}, fs.Args()...)
	for _, err := range errs {
		fmt.Fprintf(os.Stderr, "wsfuzz replay: %v\n", err)
	}
	if len(cases) == 0 {
		return errors.New("no case to replay")
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
		fmt.Printf("replaying against the reference server at %s\n", url)
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
	s := printReplay(os.Stdout, results, *strict, wanted != nil || *wantReport, wantOf, *verbose, *trace)
	fmt.Printf("\n%d cases: %d replayed in %v (--parallel %d, --time-scale %g)", len(results), s.replayed, elapsed.Round(time.Millisecond), *parallel, *timeScale)
	fmt.Printf(", %d passed, %d failed", s.passed, s.failed)
	if s.errors > 0 {
		fmt.Printf(", %d could not run", s.errors)
	}
	if wanted != nil || *wantReport {
		fmt.Printf("; verdicts as wanted: %d of %d", s.agree, s.compared)
	}
	fmt.Printf("; %d skipped\n", s.nskipped)
	for _, k := range sortedKeys(s.skipped) {
		fmt.Printf("  skipped %3d: %s: %s\n", len(s.skipped[k]), k, strings.Join(s.skipped[k], " "))
	}
	mode := "Autobahn's rules"
	if *strict {
		mode = "strict rules"
	}
	switch {
	case s.errors > 0:
		return fmt.Errorf("%d cases could not be replayed", s.errors)
	case wanted != nil || *wantReport:
		if s.agree != s.compared {
			return fmt.Errorf("%d of %d verdicts differ from the ones wanted", s.compared-s.agree, s.compared)
		}
	case s.failed > 0:
		return fmt.Errorf("%d cases fail under %s", s.failed, mode)
	case s.replayed == 0:
		return errors.New("no case could be replayed")
	}
	return nil
}

// replaySummary counts the results of a replay.
type replaySummary struct {
	replayed, passed, failed, errors int
	compared, agree                  int
	nskipped                         int
	skipped                          map[string][]string // reason -> case ids
}

// printReplay prints one row per case, like Autobahn's summary table, with
// an explanation under each failing one, and returns the counts.
func printReplay(out io.Writer, results []replay.Result, strict, compare bool, wantOf func(replay.Result) (string, string, bool), verbose, trace bool) replaySummary {
	s := replaySummary{skipped: map[string][]string{}}
	const row = "%-9s %-16s %-16s %8s  %-30s"
	header := fmt.Sprintf(row, "CASE", "VERDICT", "CLOSE", "DURATION", "RECORDED")
	if compare {
		header += "  WANTED"
	}
	fmt.Fprintln(out, strings.TrimRight(header, " "))
	agentOf := ""
	for _, r := range results {
		c := r.Case
		if c.Agent != agentOf && c.Agent != "" {
			agentOf = c.Agent
			fmt.Fprintf(out, "# %s\n", c.Agent)
		}
		recorded := c.Behavior + "/" + c.BehaviorClose
		if c.Behavior == "" {
			recorded = "-"
		}
		switch {
		case r.Skipped != "":
			s.skipped[r.SkipKind] = append(s.skipped[r.SkipKind], c.ID)
			s.nskipped++
			fmt.Fprintf(out, row+"  %s\n", c.ID, "SKIPPED", "", "", recorded, r.Skipped)
			continue
		case r.Err != nil:
			s.errors++
			fmt.Fprintf(out, row+"  %v\n", c.ID, "ERROR", "", "", recorded, r.Err)
			continue
		}
		s.replayed++
		v := r.Verdict
		pass := v.Pass(strict)
		if pass {
			s.passed++
		} else {
			s.failed++
		}
		behavior := v.Behavior
		if v.Diverged != "" {
			behavior += " (DIVERGED)"
		}
		line := fmt.Sprintf(row, c.ID, behavior, v.BehaviorClose, r.Observed.Duration.Round(time.Millisecond), recorded)
		agrees := true
		if compare {
			wb, wc, ok := wantOf(r)
			if ok {
				s.compared++
				agrees = wb == v.Behavior && wc == v.BehaviorClose
				line += "  " + wb + "/" + wc
				if agrees {
					s.agree++
				} else {
					line += "  DIFFERS"
				}
			} else {
				line += "  -"
			}
		}
		fmt.Fprintln(out, strings.TrimRight(line, " "))
		if verbose || !pass || !agrees {
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
	return s
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
