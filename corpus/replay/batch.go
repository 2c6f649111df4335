package replay

import (
	"context"
	"errors"
	"sync"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Result is the outcome of replaying one case.
type Result struct {
	Case *corpus.Case
	// Skipped says why the case was not replayed (it cannot be replayed
	// exactly), SkipKind which of the Skip* kinds that is; Observed and
	// Verdict are then empty.
	Skipped, SkipKind string
	// Err is set when the replay could not take place (the target refused
	// the connection, for example).
	Err      error
	Observed *Observed
	Verdict  Verdict
}

// Replay compiles, runs and judges one case.
func Replay(ctx context.Context, c *corpus.Case, target string, opt Options) Result {
	r := Result{Case: c}
	p, err := Compile(c)
	if err != nil {
		var nr *NotReplayableError
		if errors.As(err, &nr) {
			r.Skipped, r.SkipKind = nr.Reason, nr.Kind
		} else {
			r.Err = err
		}
		return r
	}
	r.Observed, err = Run(ctx, p, target, opt)
	if err != nil {
		var nr *NotReplayableError
		if errors.As(err, &nr) {
			r.Skipped, r.SkipKind = nr.Reason, nr.Kind
		} else {
			r.Err = err
		}
		return r
	}
	r.Verdict = Judge(c, r.Observed)
	return r
}

// ReplayAll replays cases against target, parallel of them at a time (at
// least one), and returns the results in the order of cases. Each case has
// a connection of its own, as in Autobahn.
func ReplayAll(ctx context.Context, cases []*corpus.Case, target string, parallel int, opt Options) []Result {
	results := make([]Result, len(cases))
	parallel = max(parallel, 1)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, len(cases)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Replay(ctx, cases[i], target, opt)
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
