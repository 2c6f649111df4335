package props

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leanovate/gopter"
)

// DefaultN is the number of cases a property of weight 1 checks when
// PROPS_N is not set. It keeps go test ./props well under a minute on a
// 2-core machine.
const DefaultN = 10000

// The environment variables that steer every property run by Check.
const (
	// EnvN sets the base number of cases (see DefaultN and Weight).
	EnvN = "PROPS_N"
	// EnvSeed sets the seed; a failure prints the one it used.
	EnvSeed = "PROPS_SEED"
)

// N returns the base number of cases: PROPS_N, or DefaultN when unset.
// It panics on a value that is not a positive integer, so that a typo
// never silently runs the default.
func N() int {
	s := os.Getenv(EnvN)
	if s == "" {
		return DefaultN
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		panic(fmt.Sprintf("props: %s=%q is not a positive integer", EnvN, s))
	}
	return n
}

var (
	seedOnce sync.Once
	seed     int64
)

// Seed returns the seed of this test process: PROPS_SEED, or one drawn
// from the clock the first time Seed is called. Every property checked by
// Check starts from it, so one PROPS_SEED value reruns all of them.
func Seed() int64 {
	seedOnce.Do(func() {
		if s := os.Getenv(EnvSeed); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				panic(fmt.Sprintf("props: %s=%q is not an integer", EnvSeed, s))
			}
			seed = v
			return
		}
		seed = time.Now().UnixNano() & math.MaxInt32
	})
	return seed
}

// Option adjusts how Check runs a property.
type Option func(*gopter.TestParameters)

// Weight scales the number of cases: the property checks N()*w cases (at
// least one). Properties that drive whole sessions use a fraction so that
// raising PROPS_N keeps the cheap properties and the heavy ones in
// proportion.
func Weight(w float64) Option {
	return func(p *gopter.TestParameters) {
		p.MinSuccessfulTests = max(1, int(math.Round(float64(N())*w)))
	}
}

// MaxSize bounds gopter's size parameter, which grows from 0 to this
// bound over a run. Generators here use it for collection lengths, and
// the stateful model for the number of commands in a sequence.
func MaxSize(n int) Option {
	return func(p *gopter.TestParameters) { p.MaxSize = n }
}

// Parameters returns the test parameters Check uses: N() cases, the seed
// of Seed(), sizes up to 100, one worker (so that a seed reproduces a run
// exactly), then the options.
func Parameters(opts ...Option) *gopter.TestParameters {
	p := gopter.DefaultTestParametersWithSeed(Seed())
	p.MinSuccessfulTests = N()
	p.Workers = 1
	for _, o := range opts {
		o(p)
	}
	return p
}

// Check runs the property and fails t with the shrunk counterexample, the
// seed and the command that reruns it when the property does not hold.
// It returns gopter's result.
func Check(t testing.TB, prop gopter.Prop, opts ...Option) *gopter.TestResult {
	t.Helper()
	params := Parameters(opts...)
	res := prop.Check(params)
	if res.Passed() {
		t.Logf("%s: %d cases passed (seed %d) in %v", t.Name(), res.Succeeded, params.Seed(), res.Time.Round(time.Millisecond))
		return res
	}
	t.Errorf("%s\n%s", Describe(res), Rerun(t, params))
	return res
}

// Describe formats a failed gopter result: status, labels, and each
// argument as shrunk and as first found.
func Describe(res *gopter.TestResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "property %s after %d passed cases", res.Status, res.Succeeded)
	if len(res.Labels) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(res.Labels, "; "))
	}
	if res.Error != nil {
		fmt.Fprintf(&b, "\nerror: %v\n%s", res.Error, res.ErrorStack)
	}
	for i, a := range res.Args {
		fmt.Fprintf(&b, "\narg %d shrunk (%d steps): %s", i, a.Shrinks, clip(a.ArgFormatted, 4000))
		if a.Shrinks > 0 {
			fmt.Fprintf(&b, "\narg %d original: %s", i, clip(a.OrigArgFormatted, 1000))
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d more bytes)", len(s)-n)
}

// Rerun returns the command that reruns t's property with the same seed
// and case count, from the module root.
func Rerun(t testing.TB, params *gopter.TestParameters) string {
	pkg, root := "./...", ""
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = dir
				if rel, err := filepath.Rel(dir, wd); err == nil {
					pkg = "./" + filepath.ToSlash(rel)
					if rel == "." {
						pkg = "."
					}
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	var run []string
	for _, part := range strings.Split(t.Name(), "/") {
		run = append(run, "^"+regexp.QuoteMeta(part)+"$")
	}
	cmd := fmt.Sprintf("%s=%d %s=%d go test %s -run '%s'", EnvSeed, params.Seed(), EnvN, N(), pkg, strings.Join(run, "/"))
	if root != "" {
		cmd = "cd " + root + " && " + cmd
	}
	return "seed " + strconv.FormatInt(params.Seed(), 10) + "; rerun: " + cmd
}
