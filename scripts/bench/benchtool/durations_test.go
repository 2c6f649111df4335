package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSuiteReport writes an Autobahn index.json for one server and round
// where every case passed and took the given milliseconds.
func writeSuiteReport(t *testing.T, dir string, round int, server string, ms map[string]int) {
	t.Helper()
	cases := map[string]caseReport{}
	for id, d := range ms {
		cases[id] = caseReport{Behavior: "OK", BehaviorClose: "OK", Duration: d}
	}
	writeIndex(t, dir, round, server, cases)
}

func writeIndex(t *testing.T, dir string, round int, server string, cases map[string]caseReport) {
	t.Helper()
	sub := filepath.Join(dir, fmt.Sprintf("round-%d", round), server, "servers")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]map[string]caseReport{server: cases})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "index.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDurations: sections in numeric order with the median and range of
// their sums, the best peer chosen by median total, the ratio paired by
// round, and cases that did not pass listed.
func TestDurations(t *testing.T) {
	dir := t.TempDir()
	// Totals: wsfuzz 1.6, 2.6, 2.2 s; gws 1.9, 2.4, 1.7 s; gobwas 4.1 s.
	// Per-round ratios 0.84, 1.08, 1.29: the paired ratio is 1.08, where
	// the ratio of the medians (2.2 / 1.9) would be 1.16.
	wsfuzz := [][2]int{{1000, 500}, {2000, 500}, {1500, 600}}
	gws := [][2]int{{1200, 600}, {1800, 500}, {1100, 500}}
	for i := range 3 {
		round := i + 1
		writeSuiteReport(t, dir, round, "wsfuzz", map[string]int{"9.1.1": wsfuzz[i][0], "9.10.1": wsfuzz[i][1], "9.2.1": 100})
		writeSuiteReport(t, dir, round, "gws", map[string]int{"9.1.1": gws[i][0], "9.10.1": gws[i][1], "9.2.1": 100})
		gobwas := map[string]caseReport{
			"9.1.1":  {"OK", "OK", 3000},
			"9.10.1": {"OK", "OK", 1000},
			"9.2.1":  {"OK", "OK", 100},
		}
		if round == 2 {
			gobwas["9.2.1"] = caseReport{"FAILED", "OK", 100}
		}
		writeIndex(t, dir, round, "gobwas", gobwas)
	}
	var out strings.Builder
	if err := durations(&out, dir, "wsfuzz"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	header := lineWith(t, got, "section")
	if !(strings.Index(header, "wsfuzz") < strings.Index(header, "gobwas") && strings.Index(header, "gobwas") < strings.Index(header, "gws")) {
		t.Errorf("want the reference first, then the peers by name:\n%s", header)
	}
	if i1, i2, i10 := strings.Index(got, "\n9.1 "), strings.Index(got, "\n9.2 "), strings.Index(got, "\n9.10 "); !(i1 < i2 && i2 < i10) || i1 < 0 {
		t.Errorf("sections not in numeric order (9.1, 9.2, 9.10):\n%s", got)
	}
	if row := lineWith(t, got, "9.1 "); !strings.Contains(row, "1.50 [1.00-2.00]") || !strings.Contains(row, "1.20 [1.10-1.80]") {
		t.Errorf("9.1 row: want wsfuzz 1.50 [1.00-2.00] and gws 1.20 [1.10-1.80]:\n%s", row)
	}
	if row := lineWith(t, got, "total"); !strings.Contains(row, "    3 |") || !strings.Contains(row, "2.20 [1.60-2.60]") || !strings.Contains(row, "4.10 [4.10-4.10]") {
		t.Errorf("total row: want 3 cases, wsfuzz 2.20 [1.60-2.60], gobwas 4.10:\n%s", row)
	}
	if row := lineWith(t, got, "total"); !strings.HasSuffix(row, "| 1.08x") || !strings.Contains(header, "wsfuzz / gws") {
		t.Errorf("want the paired ratio 1.08x against gws, the best peer:\n%s", got)
	}
	// 9.1 per round: 1000/1200, 2000/1800, 1500/1100: median 1.11.
	if row := lineWith(t, got, "9.1 "); !strings.HasSuffix(row, "| 1.11x") {
		t.Errorf("want the 9.1 paired ratio 1.11x:\n%s", row)
	}
	if !strings.Contains(got, "gobwas, round 2: 9.2.1 behavior=FAILED") || strings.Contains(got, "every case OK") {
		t.Errorf("the failed case must be listed:\n%s", got)
	}
}

// TestDurationsWithoutReports: a directory without reports is an error,
// not an empty table.
func TestDurationsWithoutReports(t *testing.T) {
	var out strings.Builder
	if err := durations(&out, t.TempDir(), "wsfuzz"); err == nil || !strings.Contains(err.Error(), "no Autobahn reports") {
		t.Errorf("want an error naming the missing reports, got %v", err)
	}
}
