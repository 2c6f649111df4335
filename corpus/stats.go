package corpus

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// octetStats is a report's count of the writes (TX) or reads (RX) of each
// size. Autobahn counts every write and read, also while wire logging is
// off, so comparing the counts with the octet entries finds octets the
// wire log leaves out without saying so (the 9.* cases of some Autobahn
// versions switch logging off without a WLM entry).
type octetStats map[int]int

// statsRow is one table row, "Chop Size", "Count", "Octets", as the HTML
// cells or as the text rendering's run-together digits ("157105": 7
// writes of 15 octets, 105 octets in all).
type statsRow struct {
	cells  []string // the HTML form: three cells
	digits string   // the text form
}

// tableStats reads an "Octets ... by Chop Size" table. total is the Total
// row's count and octets (cells or digits), used to settle rows whose
// digits split more than one way. It returns nil when the table cannot
// be read unambiguously.
func tableStats(rows []statsRow, total statsRow) octetStats {
	cands := make([][][3]int, len(rows))
	combos := 1
	for i, r := range rows {
		if r.cells != nil {
			if len(r.cells) != 3 {
				return nil
			}
			var v [3]int
			for j, c := range r.cells {
				n, err := strconv.Atoi(strings.TrimSpace(c))
				if err != nil {
					return nil
				}
				v[j] = n
			}
			cands[i] = [][3]int{v}
		} else {
			cands[i] = splitsOf(r.digits)
		}
		if len(cands[i]) == 0 {
			return nil
		}
		combos *= len(cands[i])
		if combos > 4096 {
			return nil
		}
	}
	totals := totalSplits(total)
	var found []octetStats
	pick := make([][3]int, len(rows))
	var walk func(i int)
	walk = func(i int) {
		if len(found) > 1 {
			return
		}
		if i == len(rows) {
			count, octets := 0, 0
			for _, v := range pick {
				count += v[1]
				octets += v[2]
			}
			for _, t := range totals {
				if t[0] == count && t[1] == octets {
					s := octetStats{}
					for _, v := range pick {
						s[v[0]] += v[1]
					}
					found = append(found, s)
					return
				}
			}
			return
		}
		for _, v := range cands[i] {
			pick[i] = v
			walk(i + 1)
		}
	}
	walk(0)
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// splitsOf returns the ways digits split into size, count and octets with
// size*count == octets and no leading zeros.
func splitsOf(digits string) [][3]int {
	var out [][3]int
	for i := 1; i < len(digits)-1; i++ {
		for j := i + 1; j < len(digits); j++ {
			a, b, c := digits[:i], digits[i:j], digits[j:]
			if (len(a) > 1 && a[0] == '0') || (len(b) > 1 && b[0] == '0') || (len(c) > 1 && c[0] == '0') {
				continue
			}
			x, e1 := strconv.Atoi(a)
			y, e2 := strconv.Atoi(b)
			z, e3 := strconv.Atoi(c)
			if e1 == nil && e2 == nil && e3 == nil && x*y == z {
				out = append(out, [3]int{x, y, z})
			}
		}
	}
	return out
}

// totalSplits returns the possible (count, octets) of a Total row.
func totalSplits(r statsRow) [][2]int {
	if r.cells != nil {
		if len(r.cells) != 2 {
			return nil
		}
		a, e1 := strconv.Atoi(strings.TrimSpace(r.cells[0]))
		b, e2 := strconv.Atoi(strings.TrimSpace(r.cells[1]))
		if e1 != nil || e2 != nil {
			return nil
		}
		return [][2]int{{a, b}}
	}
	var out [][2]int
	for i := 1; i < len(r.digits); i++ {
		a, e1 := strconv.Atoi(r.digits[:i])
		b, e2 := strconv.Atoi(r.digits[i:])
		if e1 == nil && e2 == nil {
			out = append(out, [2]int{a, b})
		}
	}
	return out
}

// checkStats compares the octet entries of each direction with the
// report's statistics. When the fuzzing peer wrote more than the log
// shows and no WLM entry explains it, the case is partial: octets went
// out that the log does not show, at a place it does not tell.
func checkStats(c *Case) {
	for i := range c.Wire {
		if c.Wire[i].Kind == Logging && !c.Wire[i].Enabled {
			return // the gap is marked; complete reports it
		}
	}
	c.unloggedTx = missingWrites(c, TxOctets, c.txStats)
	c.unloggedRx = missingWrites(c, RxOctets, c.rxStats)
	if c.unloggedTx != "" {
		c.skip("the report's statistics count " + c.unloggedTx + " that the wire log does not show, nor where they were")
	}
}

// missingWrites returns "" when every write or read the statistics count
// has its octet entry (or either side is unknown), else what is missing.
func missingWrites(c *Case, kind EntryKind, stats octetStats) string {
	if stats == nil {
		return ""
	}
	logged := octetStats{}
	for i := range c.Wire {
		e := &c.Wire[i]
		if e.Kind != kind {
			continue
		}
		if e.Length < 0 {
			return ""
		}
		logged[e.Length]++
	}
	missing, octets := 0, 0
	var sizes []int
	for size, n := range stats {
		if d := n - logged[size]; d > 0 {
			missing += d
			octets += d * size
			sizes = append(sizes, size)
		}
	}
	if missing == 0 {
		return ""
	}
	sort.Ints(sizes)
	if missing == 1 {
		return fmt.Sprintf("1 write of %d octets", octets)
	}
	return fmt.Sprintf("%d writes (%d octets in all, sizes %v)", missing, octets, sizes)
}
