package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// caseReport is what an Autobahn index.json says about one case.
type caseReport struct {
	Behavior      string `json:"behavior"`
	BehaviorClose string `json:"behaviorClose"`
	Duration      int    `json:"duration"` // milliseconds
}

// suiteRun is one server's Autobahn run in one round.
type suiteRun struct {
	round int
	cases map[string]caseReport
}

// section returns the section of a case id, its first two numbers
// ("9.1" for "9.1.6").
func section(id string) string {
	parts := strings.SplitN(id, ".", 3)
	if len(parts) < 2 {
		return id
	}
	return parts[0] + "." + parts[1]
}

// compareIDs orders case or section ids number by number ("9.10" after
// "9.9").
func compareIDs(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(as), len(bs)) {
		c := cmp.Compare(as[i], bs[i])
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		if errx == nil && erry == nil {
			c = cmp.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// seconds is the sum of the durations of the run's cases in sec (all of
// them for sec == ""), in seconds.
func (r suiteRun) seconds(sec string) float64 {
	ms := 0
	for id, c := range r.cases {
		if sec == "" || section(id) == sec {
			ms += c.Duration
		}
	}
	return float64(ms) / 1000
}

// readSuiteRuns reads dir/round-N/*/servers/index.json, as scripts/bench.sh
// --autobahn leaves them: one Autobahn report per server and round. The
// server is the agent named in the report.
func readSuiteRuns(dir string) (map[string][]suiteRun, error) {
	files, err := filepath.Glob(filepath.Join(dir, "round-*", "*", "servers", "index.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Autobahn reports (round-N/SERVER/servers/index.json) under %s", dir)
	}
	runs := map[string][]suiteRun{}
	for _, file := range files {
		roundDir := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(file))))
		round, err := strconv.Atoi(strings.TrimPrefix(roundDir, "round-"))
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not round-N", file, roundDir)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var index map[string]map[string]caseReport
		if err := json.Unmarshal(data, &index); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for agent, cases := range index {
			runs[agent] = append(runs[agent], suiteRun{round, cases})
		}
	}
	for _, rs := range runs {
		slices.SortFunc(rs, func(a, b suiteRun) int { return cmp.Compare(a.round, b.round) })
	}
	return runs, nil
}

// durations prints the Autobahn durations of each server in dir's reports:
// per section and in all, the sum of the case durations, as the median
// over rounds with the range, and the reference's ratio to the best peer
// (the peer with the lowest median total), paired by round; then every
// case whose verdict was not OK or INFORMATIONAL.
func durations(w io.Writer, dir, ref string) error {
	runs, err := readSuiteRuns(dir)
	if err != nil {
		return err
	}
	servers := make([]string, 0, len(runs))
	ids := map[string]bool{}
	rounds := 0
	for name, rs := range runs {
		servers = append(servers, name)
		rounds = max(rounds, len(rs))
		for _, r := range rs {
			for id := range r.cases {
				ids[id] = true
			}
		}
	}
	var sections []string
	caseCount := map[string]int{}
	for id := range ids {
		s := section(id)
		if caseCount[s]++; caseCount[s] == 1 {
			sections = append(sections, s)
		}
	}
	slices.SortFunc(sections, compareIDs)
	// The reference first, then the peers by name.
	slices.SortFunc(servers, func(a, b string) int {
		if (a == ref) != (b == ref) {
			if a == ref {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})

	figure := func(rs []suiteRun, sec string) (med, lo, hi float64) {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = r.seconds(sec)
		}
		return upperMedian(v), slices.Min(v), slices.Max(v)
	}
	// The best peer has the lowest median total; every section gets the
	// reference's ratio to it.
	best, bestTotal := "", math.Inf(1)
	for _, name := range servers {
		if med, _, _ := figure(runs[name], ""); name != ref && med < bestTotal {
			best, bestTotal = name, med
		}
	}
	_, haveRef := runs[ref]
	compare := haveRef && best != ""

	const col = 21
	fmt.Fprintf(w, "Autobahn|Testsuite durations in seconds: the sum of the case durations of each section,\n")
	fmt.Fprintf(w, "median over %d round(s) [min-max]\n\n", rounds)
	fmt.Fprintf(w, "%-8s %5s", "section", "cases")
	for _, name := range servers {
		fmt.Fprintf(w, " | %s", center(name, col))
	}
	if compare {
		fmt.Fprintf(w, " | %s / %s", ref, best)
	}
	fmt.Fprintln(w)
	row := func(label string, cases int, sec string) {
		fmt.Fprintf(w, "%-8s %5d", label, cases)
		for _, name := range servers {
			med, lo, hi := figure(runs[name], sec)
			fmt.Fprintf(w, " | %*s", col, fmt.Sprintf("%.2f [%.2f-%.2f]", med, lo, hi))
		}
		if compare {
			fmt.Fprintf(w, " | %.2fx", pairedSecondsRatio(runs[ref], runs[best], sec))
		}
		fmt.Fprintln(w)
	}
	all := 0
	for _, s := range sections {
		row(s, caseCount[s], s)
		all += caseCount[s]
	}
	row("total", all, "")
	if compare {
		fmt.Fprintf(w, "\n%s / %s: the reference over the best peer (lowest median total), below 1 is faster;\n", ref, best)
		fmt.Fprintf(w, "the median over rounds of the ratio between the two servers' runs of the same round.\n")
	}

	var bad []string
	for _, name := range servers {
		for _, r := range runs[name] {
			ids := make([]string, 0, len(r.cases))
			for id := range r.cases {
				ids = append(ids, id)
			}
			slices.SortFunc(ids, compareIDs)
			for _, id := range ids {
				c := r.cases[id]
				if !passed(c.Behavior) || !passed(c.BehaviorClose) {
					bad = append(bad, fmt.Sprintf("  %s, round %d: %s behavior=%s behaviorClose=%s", name, r.round, id, c.Behavior, c.BehaviorClose))
				}
			}
		}
	}
	if len(bad) == 0 {
		fmt.Fprintln(w, "every case OK or INFORMATIONAL for every server in every round")
	} else {
		fmt.Fprintf(w, "cases not OK (%d):\n%s\n", len(bad), strings.Join(bad, "\n"))
	}
	return nil
}

func passed(verdict string) bool { return verdict == "OK" || verdict == "INFORMATIONAL" }

// pairedSecondsRatio is the median, over the rounds both servers ran,
// of the ratio of their durations in section sec (all sections for "").
func pairedSecondsRatio(ref, peer []suiteRun, sec string) float64 {
	byRound := map[int]float64{}
	for _, r := range peer {
		byRound[r.round] = r.seconds(sec)
	}
	var ratios []float64
	for _, r := range ref {
		if p, ok := byRound[r.round]; ok && p > 0 {
			ratios = append(ratios, r.seconds(sec)/p)
		}
	}
	return upperMedian(ratios)
}
