package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/result"
)

// noisyCPU is how much CPU (in cores) others may use during a cell before
// the table marks it as measured on a busy machine.
const noisyCPU = 0.25

type rowKey struct {
	compress bool
	conns    int
	size     int
	typ      string
}

// table prints one row per load (connections x size x type x compression)
// with msg/s, p50 and p99 per server, and the reference server's ratios to
// the best peer in that row: msg/s over the highest peer msg/s (above 1 is
// better) and p99 over the lowest peer p99 (below 1 is better).
func table(w io.Writer, file, ref string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()

	runs := map[rowKey]map[string][]*result.Result{}
	var servers []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		r := new(result.Result)
		if err := json.Unmarshal([]byte(line), r); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		k := rowKey{r.Compress, r.Conns, r.Size, r.Type}
		if runs[k] == nil {
			runs[k] = map[string][]*result.Result{}
		}
		runs[k][r.Server] = append(runs[k][r.Server], r)
		if !slices.Contains(servers, r.Server) {
			servers = append(servers, r.Server)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	cells := map[rowKey]map[string]*result.Result{}
	rounds, spreads := 0, []float64(nil)
	for k, byServer := range runs {
		cells[k] = map[string]*result.Result{}
		for s, rs := range byServer {
			cells[k][s] = median(rs)
			rounds = max(rounds, len(rs))
			if sp, ok := spread(rs); ok {
				spreads = append(spreads, sp)
			}
		}
	}
	// The reference server comes first, whether or not it has results.
	servers = slices.DeleteFunc(servers, func(s string) bool { return s == ref })
	servers = append([]string{ref}, servers...)
	peers := servers[1:]

	rows := make([]rowKey, 0, len(cells))
	for k := range cells {
		rows = append(rows, k)
	}
	slices.SortFunc(rows, func(a, b rowKey) int {
		if a.compress != b.compress {
			if a.compress {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.conns, b.conns), cmp.Compare(a.size, b.size), cmp.Compare(a.typ, b.typ))
	})

	const cellW = 8
	head1 := fmt.Sprintf("%-5s %-6s %-4s %-4s", "conns", "size", "type", "pmd")
	head2 := strings.Repeat(" ", len(head1))
	for _, s := range servers {
		span := 3*cellW + 2
		head1 += " | " + center(s, span)
		head2 += " | " + fmt.Sprintf("%*s %*s %*s", cellW, "msg/s", cellW, "p50", cellW, "p99")
	}
	head1 += " | " + center(ref+" / best peer", 14+1+12)
	head2 += " | " + fmt.Sprintf("%-14s %-12s", "msg/s", "p99")
	fmt.Fprintln(w, strings.TrimRight(head1, " "))
	fmt.Fprintln(w, strings.TrimRight(head2, " "))
	fmt.Fprintln(w, strings.Repeat("-", len(head2)))

	var notes []string
	var others []float64
	noisy, clientBound := false, false
	for _, k := range rows {
		pmd := "off"
		if k.compress {
			pmd = "on"
		}
		typ := "bin"
		if k.typ == "text" {
			typ = "text"
		}
		line := fmt.Sprintf("%-5d %-6s %-4s %-4s", k.conns, sizeName(k.size), typ, pmd)
		for _, s := range servers {
			r := cells[k][s]
			switch {
			case r == nil:
				line += " | " + fmt.Sprintf("%*s %*s %*s", cellW, "n/a", cellW, "", cellW, "")
			case !r.OK():
				line += " | " + fmt.Sprintf("%*s %*s %*s", cellW, "ERR", cellW, "", cellW, "")
				notes = append(notes, fmt.Sprintf("%s, %d conns x %s %s pmd=%s: %s", s, k.conns, sizeName(k.size), k.typ, pmd, failure(r)))
			default:
				mark := ""
				others = append(others, r.OtherCPU)
				if r.OtherCPU > noisyCPU {
					mark, noisy = "*", true
				}
				line += " | " + fmt.Sprintf("%*s %*s %*s", cellW, mark+rate(r.Rate), cellW, micros(r.P50us), cellW, micros(r.P99us))
			}
		}
		// Ratios against the best peer of this row.
		var bestRate, bestP99 *result.Result
		var bestRateName, bestP99Name string
		for _, p := range peers {
			r := cells[k][p]
			if r == nil || !r.OK() {
				continue
			}
			if bestRate == nil || r.Rate > bestRate.Rate {
				bestRate, bestRateName = r, p
			}
			if bestP99 == nil || r.P99us < bestP99.P99us {
				bestP99, bestP99Name = r, p
			}
		}
		rr, rp := "n/a", "n/a"
		if me := cells[k][ref]; me != nil && me.OK() && bestRate != nil {
			rate := func(r *result.Result) float64 { return r.Rate }
			p99 := func(r *result.Result) float64 { return r.P99us }
			rr = fmt.Sprintf("%.2fx %s", pairedRatio(runs[k][ref], runs[k][bestRateName], rate), bestRateName)
			rp = fmt.Sprintf("%.2fx %s", pairedRatio(runs[k][ref], runs[k][bestP99Name], p99), bestP99Name)
			if me.ClientBound() && bestRate.ClientBound() {
				rr += " c"
				clientBound = true
			}
		}
		line += " | " + fmt.Sprintf("%-14s %-12s", rr, rp)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "msg/s: echoed messages per second, all connections together; p50/p99: round trip, send to last byte of the echo.\n")
	fmt.Fprintf(w, "%s / best peer: msg/s ratio to the fastest peer of the row (>1 is better), p99 ratio to the lowest peer p99 (<1 is better).\n", ref)
	if rounds > 1 {
		fmt.Fprintf(w, "   Ratios are paired: the median over rounds of the ratio between the two servers' runs of the same round, which ran seconds apart.\n")
	}
	fmt.Fprintf(w, "pmd: permessage-deflate, no context takeover either way. n/a: not run; ERR: failed (see below).\n")
	if rounds > 1 {
		slices.Sort(spreads)
		fmt.Fprintf(w, "Each cell ran in %d rounds (every server's cells once per round); shown is the median of each figure.\n", rounds)
		fmt.Fprintf(w, "   Spread of msg/s between rounds, (max-min)/median, over all cells: median %.0f%%, max %.0f%%.\n", 100*spreads[len(spreads)/2], 100*spreads[len(spreads)-1])
	}
	if clientBound {
		fmt.Fprintf(w, "c: the load generator used 90%% or more of its core(s) against both %s and that peer: the row is bounded by the client\n", ref)
		fmt.Fprintf(w, "   as much as by the servers, and the two differ by less than the client can tell apart.\n")
	}
	if noisy {
		slices.Sort(others)
		fmt.Fprintf(w, "*: other processes (or the hypervisor) took more than %.2f of a core during that cell; it may read low.\n", noisyCPU)
		fmt.Fprintf(w, "   Other processes over all cells, in cores: median %.2f, max %.2f.\n", others[len(others)/2], others[len(others)-1])
	}
	for _, n := range notes {
		fmt.Fprintln(w, "ERR", n)
	}
	return nil
}

// median folds the runs of one cell into one result: a cell failed if
// any of its runs failed (the first failure is kept); otherwise msg/s,
// p50, p99 and the CPU figures are each the median over the runs (the
// upper median for an even count), so that one run disturbed by the
// machine does not decide the cell.
func median(rs []*result.Result) *result.Result {
	for _, r := range rs {
		if !r.OK() {
			return r
		}
	}
	m := *rs[0]
	of := func(get func(*result.Result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = get(r)
		}
		return upperMedian(v)
	}
	m.Rate = of(func(r *result.Result) float64 { return r.Rate })
	m.P50us = of(func(r *result.Result) float64 { return r.P50us })
	m.P99us = of(func(r *result.Result) float64 { return r.P99us })
	m.ClientCPU = of(func(r *result.Result) float64 { return r.ClientCPU })
	m.ClientCores = slices.MaxFunc(rs, func(a, b *result.Result) int { return cmp.Compare(a.ClientCores, b.ClientCores) }).ClientCores
	m.ServerCPU = of(func(r *result.Result) float64 { return r.ServerCPU })
	m.OtherCPU = of(func(r *result.Result) float64 { return r.OtherCPU })
	return &m
}

// pairedRatio is the median over rounds of a figure of the reference's
// run divided by the same figure of the peer's run in the same round (the
// i-th run of each, in the order they ran), over the rounds where both
// runs succeeded. The cells of a row run seconds apart, so each round's
// ratio cancels the machine's drift between rounds, which moved whole
// rounds by a third; with one round it is the plain ratio.
func pairedRatio(ref, peer []*result.Result, figure func(*result.Result) float64) float64 {
	var ratios []float64
	for i := range min(len(ref), len(peer)) {
		if ref[i].OK() && peer[i].OK() && figure(peer[i]) > 0 {
			ratios = append(ratios, figure(ref[i])/figure(peer[i]))
		}
	}
	return upperMedian(ratios)
}

// upperMedian sorts v and returns its median, the upper one of the two
// middle values when len(v) is even, and NaN when v is empty.
func upperMedian(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// spread is (max-min)/median of msg/s over a cell's runs, when it has
// more than one good run.
func spread(rs []*result.Result) (float64, bool) {
	if len(rs) < 2 {
		return 0, false
	}
	lo, hi := rs[0].Rate, rs[0].Rate
	for _, r := range rs {
		if !r.OK() {
			return 0, false
		}
		lo, hi = min(lo, r.Rate), max(hi, r.Rate)
	}
	return (hi - lo) / median(rs).Rate, true
}

func failure(r *result.Result) string {
	switch {
	case r.Error != "":
		return r.Error
	case r.Mismatches > 0:
		return fmt.Sprintf("%d echoes differed from what was sent", r.Mismatches)
	case r.Failed > 0:
		return fmt.Sprintf("%d connections failed", r.Failed)
	}
	return "no message completed"
}

func center(s string, w int) string {
	if len(s) >= w {
		return s
	}
	left := (w - len(s)) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-len(s)-left)
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

func rate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	case v >= 1e3:
		return fmt.Sprintf("%.2fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func micros(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%.2fs", us/1e6)
	case us >= 1e4:
		return fmt.Sprintf("%.0fms", us/1e3)
	case us >= 1e3:
		return fmt.Sprintf("%.1fms", us/1e3)
	}
	return fmt.Sprintf("%.0fus", us)
}
