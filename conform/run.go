package conform

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/catalogue"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/target"
)

// Options tune a run. The zero value runs every case, DefaultParallel()
// at a time, under Autobahn's rules.
type Options struct {
	// Cases selects cases by id or pattern ("1.*", "6.4.1"); none selects
	// every case.
	Cases []string
	// Parallel is the number of cases run at once (0 means
	// DefaultParallel()).
	Parallel int
	// Strict also fails what Autobahn lets pass (see replay.Verdict.Pass).
	Strict bool
	// Agent names the server under test in the reports (0 means
	// "server").
	Agent string
	// Replay tunes the client's timing (see replay.Options); Dial is set
	// by Run. A zero Limit means 30 s for a case, or its own time limit
	// and 30 s more for a case that judges itself.
	Replay replay.Options
	// WireLog keeps every case's wire log, which the per-case reports
	// need; without it a run keeps only verdicts and events.
	WireLog bool
	// MessageLimit, when set, caps the number of messages of the cases
	// that send many (1000 in 9.7.*, 9.8.*, 12.* and 13.*), for a quick
	// run of every case; 0 sends as many as Autobahn does. A capped run is
	// not Autobahn's: its reports say so.
	MessageLimit int
	// Progress, when set, is called after each case, one call at a time,
	// with the number of cases done and the case's result.
	Progress func(done, total int, r *Result)
}

// DefaultAgent is the agent name of a run without Options.Agent.
const DefaultAgent = "server"

// Result is the outcome of one case.
type Result struct {
	Case *catalogue.Case
	// Plan is what the client ran; Plan.Case holds the expectations.
	Plan *replay.Plan
	// Observed is what the client saw, nil when Err is set.
	Observed *replay.Observed
	// Verdict is Autobahn's judgement of the case, Pass whether it passes
	// (under the run's strictness).
	Verdict replay.Verdict
	Pass    bool
	// Err is set when the case could not run at all (the target refused
	// the connection); the verdicts are then FAILED.
	Err error
	// Ordinal is the case's number in the catalogue, from 1, as
	// Autobahn numbers its cases in reports.
	Ordinal int
}

// Report is a whole run.
type Report struct {
	Agent  string
	Target string
	Strict bool
	// MessageLimit is the run's Options.MessageLimit.
	MessageLimit int
	Started      time.Time
	Elapsed      time.Duration
	// Results holds one result per selected case, in the order of ids.
	Results []*Result
}

// DefaultParallel is the number of cases a run starts at once unless told:
// one more than the processors Go uses, at least two. A case keeps at most
// one processor busy (its client and the server under test take turns),
// and with exactly one case per processor each one idles for the moments
// its case passes between them; the one more fills those.
func DefaultParallel() int { return max(2, runtime.GOMAXPROCS(0)+1) }

// ErrNoCase is Run's error when the patterns select no case.
var ErrNoCase = errors.New("no case of the catalogue matches")

// Run runs the selected cases of the catalogue against t and judges them.
// It fails only when no case matches; a case that cannot reach the target
// is a failed result. When ctx is cancelled, the cases still to start are
// left out and Run returns what ran with ctx's error.
//
// The cases share the client's work where they send the same messages
// (see corpus/replay's Echo.Share); Run lets go of what they shared when
// it returns (replay.ForgetShared).
func Run(ctx context.Context, t target.Target, opt Options) (*Report, error) {
	cases := catalogue.Select(opt.Cases)
	if len(cases) == 0 {
		return nil, fmt.Errorf("%w %v", ErrNoCase, opt.Cases)
	}
	if opt.Agent == "" {
		opt.Agent = DefaultAgent
	}
	parallel := opt.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel()
	}
	ordinal := map[string]int{}
	for i, c := range catalogue.All() {
		ordinal[c.ID] = i + 1
	}
	rep := &Report{Agent: opt.Agent, Target: t.URL(), Strict: opt.Strict, MessageLimit: opt.MessageLimit, Started: time.Now()}
	results := make([]*Result, len(cases))
	// share names each case's messages (replay.Echo.Share), left counts
	// the cases of a share not done: once none are, what the client keeps
	// for the share is let go.
	share := sharesOf(cases)
	left := map[string]int{}
	for _, s := range share {
		left[s]++
	}
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	next := make(chan int)
	for range min(parallel, len(cases)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := runCase(ctx, t, cases[i], opt)
				r.Ordinal = ordinal[r.Case.ID]
				mu.Lock()
				results[i] = r
				done++
				if left[share[i]]--; share[i] != "" && left[share[i]] == 0 {
					replay.ForgetShare(share[i])
				}
				if opt.Progress != nil {
					opt.Progress(done, len(cases), r)
				}
				mu.Unlock()
			}
		}()
	}
dispatch:
	for _, i := range heaviestFirst(cases, share) {
		select {
		case next <- i:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	replay.ForgetShared()
	rep.Elapsed = time.Since(rep.Started)
	for _, r := range results {
		if r != nil {
			rep.Results = append(rep.Results, r)
		}
	}
	return rep, ctx.Err()
}

// runCase runs and judges one case.
func runCase(ctx context.Context, t target.Target, c *catalogue.Case, opt Options) *Result {
	p := c.Plan()
	if p.Echo != nil && opt.MessageLimit > 0 && p.Echo.Count > opt.MessageLimit {
		p.Echo.Count = opt.MessageLimit
		p.Case.Description += fmt.Sprintf(" (This run sent only %d of them.)", opt.MessageLimit)
	}
	r := &Result{Case: c, Plan: p}
	ro := opt.Replay
	ro.WireLog = opt.WireLog
	ro.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) { return t.Dial(ctx) }
	if ro.Limit <= 0 {
		ro.Limit = 30 * time.Second
		if p.Echo != nil {
			ro.Limit += time.Duration(p.Echo.Timeout * max(ro.GuardScale, 1) * float64(time.Second))
		}
	}
	obs, err := replay.Run(ctx, p, t.URL(), ro)
	if err != nil {
		r.Err = err
		r.Verdict = replay.Verdict{
			Behavior: replay.Failed, BehaviorClose: replay.Failed,
			Result:      "The case could not run: " + err.Error(),
			ResultClose: "The WebSocket opening handshake was never completed!",
			Diff:        []string{"the case could not run: " + err.Error()},
		}
		return r
	}
	r.Observed = obs
	r.Verdict = replay.Judge(p.Case, obs)
	r.Pass = r.Verdict.Pass(opt.Strict)
	return r
}

// sharesOf returns the Echo.Share of each case, "" for none.
func sharesOf(cases []*catalogue.Case) []string {
	share := make([]string, len(cases))
	for i, c := range cases {
		if c.SelfJudged() {
			share[i] = c.Plan().Echo.Share
		}
	}
	return share
}

// heaviestFirst returns the order in which to start the cases: the ones
// that move the most data first (the echo scripts of 9.*, 12.* and 13.*),
// then the rest in id order, so that the long cases overlap the short
// ones instead of running last. Among cases of the same weight, those that
// send the same messages (share, replay.Echo.Share) start one after the
// other, so that the client compresses each message, and inflates each
// echo, once for all of them while they are at hand (see corpus/replay's
// sharedcompress.go and knownecho.go).
func heaviestFirst(cases []*catalogue.Case, share []string) []int {
	order := make([]int, len(cases))
	weight := make([]int, len(cases))
	for i, c := range cases {
		order[i] = i
		weight[i] = c.Weight()
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if weight[a] != weight[b] {
			return weight[b] - weight[a]
		}
		return strings.Compare(share[a], share[b])
	})
	return order
}
