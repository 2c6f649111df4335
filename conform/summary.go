package conform

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// Summary counts a run's results.
type Summary struct {
	Cases, Passed, Failed int
	// Verdicts counts the behaviour verdicts ("OK", "NON-STRICT", ...).
	Verdicts map[string]int
	// Sections holds one line per section ("1", "2", ..., "13"), in order.
	Sections []SectionSummary
}

// SectionSummary counts the results of one section and the time its cases
// took, added up.
type SectionSummary struct {
	Section               string
	Cases, Passed, Failed int
	Duration              time.Duration
}

// Summarize counts the run's results.
func (rep *Report) Summarize() Summary {
	s := Summary{Verdicts: map[string]int{}}
	index := map[string]int{}
	for _, r := range rep.Results {
		sec := strings.SplitN(r.Case.ID, ".", 2)[0]
		i, ok := index[sec]
		if !ok {
			i = len(s.Sections)
			index[sec] = i
			s.Sections = append(s.Sections, SectionSummary{Section: sec})
		}
		ss := &s.Sections[i]
		s.Cases++
		ss.Cases++
		s.Verdicts[r.Verdict.Behavior]++
		if r.Pass {
			s.Passed++
			ss.Passed++
		} else {
			s.Failed++
			ss.Failed++
		}
		if r.Observed != nil {
			ss.Duration += r.Observed.Duration
		}
	}
	slices.SortFunc(s.Sections, func(a, b SectionSummary) int {
		x, _ := strconv.Atoi(a.Section)
		y, _ := strconv.Atoi(b.Section)
		return x - y
	})
	return s
}

// verdictNames returns the verdicts counted, the passing ones first.
func (s Summary) verdictNames() []string {
	order := []string{replay.OK, replay.NonStrict, replay.Informational, replay.Unimplemented}
	var out []string
	for _, k := range order {
		if s.Verdicts[k] > 0 {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range s.Verdicts {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// WriteTable writes the summary as a table: one line per section with its
// counts and the time its cases took, then the totals and the verdicts.
func (s Summary) WriteTable(w io.Writer, elapsed time.Duration) {
	fmt.Fprintf(w, "%-8s %6s %7s %7s %12s\n", "SECTION", "CASES", "PASSED", "FAILED", "CASE TIME")
	for _, ss := range s.Sections {
		fmt.Fprintf(w, "%-8s %6d %7d %7d %12v\n", ss.Section, ss.Cases, ss.Passed, ss.Failed, ss.Duration.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "%-8s %6d %7d %7d %12v wall\n", "all", s.Cases, s.Passed, s.Failed, elapsed.Round(time.Millisecond))
	var parts []string
	for _, k := range s.verdictNames() {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.Verdicts[k]))
	}
	fmt.Fprintf(w, "verdicts: %s\n", strings.Join(parts, ", "))
}

func itoa(n int) string { return strconv.Itoa(n) }
