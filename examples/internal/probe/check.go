package probe

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/fuzz"
	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/target"
)

// Server is an example server as its fuzz target sees it: the target and
// the harness options it needs.
type Server struct {
	Target target.Target
	// MaxMessageSize is the server's own message size limit, passed as
	// fuzz.MaxMessageSize (0: the harness's default, 16 MiB).
	MaxMessageSize int64
	// Settle is passed as fuzz.Settle, for servers that write from a
	// goroutine other than the one that reads (0: none).
	Settle time.Duration
}

// Options are the harness options for s, followed by extra; the fuzz
// target passes them to fuzz.Server, so the regular tests and the fuzz
// run judge the server alike.
func (s Server) Options(extra ...fuzz.Option) []fuzz.Option {
	var opts []fuzz.Option
	if s.MaxMessageSize > 0 {
		opts = append(opts, fuzz.MaxMessageSize(s.MaxMessageSize))
	}
	if s.Settle > 0 {
		opts = append(opts, fuzz.Settle(s.Settle))
	}
	return append(opts, extra...)
}

// Case is one input and the verdict the server is expected to get for it.
type Case struct {
	Input
	// Want is the verdict kind: oracle.OK, oracle.Informational,
	// oracle.NonStrict, oracle.Failed, oracle.Hung, ...
	Want string
	// StrictNotes is true when strict mode holds something against the
	// server although the verdict passes (a dropped connection where a
	// close frame was due): the harness passes the input, but not under
	// fuzz.Strict.
	StrictNotes bool
}

// repeats is how many times each case runs: a verdict that changes from
// one run to the next is useless to a fuzzer, so it fails the check.
const repeats = 3

// Check runs every case against s and fails t when a verdict is not the
// one the case wants, changes between runs, or when the harness
// (fuzz.CheckServer, as the fuzz target calls it) disagrees with the
// verdict: OK and INFORMATIONAL pass with and without fuzz.Strict
// (without it only, given StrictNotes), NON-STRICT passes only without
// it, every other kind fails both.
func (s Server) Check(t *testing.T, cases ...Case) {
	t.Helper()
	judge := oracle.Options{MaxMessageSize: s.MaxMessageSize}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var first oracle.Verdict
			for i := range repeats {
				_, v, err := fuzz.RunInput(context.Background(), s.Target, judge, 0, s.Settle, c.Stream, c.Chops, c.Offer)
				if err != nil {
					t.Fatalf("the target cannot be reached: %v", err)
				}
				if i == 0 {
					first = v
				} else if v.Kind != first.Kind {
					t.Fatalf("run %d: verdict %s\nrun 1: verdict %s", i+1, v, first)
				}
			}
			if first.Kind != c.Want {
				t.Fatalf("verdict %s, want %s", first, c.Want)
			}
			clean := c.Want == oracle.OK || c.Want == oracle.Informational
			passes := clean || c.Want == oracle.NonStrict
			if got, msg := harnessPasses(t, s.Target, c, s.Options()); got != passes {
				t.Errorf("the harness passes the input: %v, want %v\n%s", got, passes, msg)
			}
			if got := len(first.Autobahn.Strict) > 0; clean && got != c.StrictNotes {
				t.Errorf("strict mode holds something against the server: %v, want %v\n%s", got, c.StrictNotes, first)
			}
			passesStrict := clean && !c.StrictNotes
			if got, msg := harnessPasses(t, s.Target, c, s.Options(fuzz.Strict())); got != passesStrict {
				t.Errorf("the harness under Strict passes the input: %v, want %v\n%s", got, passesStrict, msg)
			}
		})
	}
}

// harnessPasses runs c through fuzz.CheckServer and reports whether it
// passed, with the harness's report when it did not.
func harnessPasses(t *testing.T, tg target.Target, c Case, opts []fuzz.Option) (bool, string) {
	r := &recorder{T: t}
	fuzz.CheckServer(r, tg, c.Stream, c.Chops, c.Offer, opts...)
	return !r.failed, r.report
}

// recorder is a testing.TB that keeps the harness's failure instead of
// failing the test, so a check can expect one.
type recorder struct {
	*testing.T
	failed bool
	report string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed, r.report = true, fmt.Sprintf(format, args...)
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.report = true, fmt.Sprintf(format, args...)
}
