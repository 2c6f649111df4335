package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTableMedianOfRounds: a cell measured in several rounds shows the
// median of each figure, the ratio is taken between medians, and a
// failed round makes the cell ERR.
func TestTableMedianOfRounds(t *testing.T) {
	lines := []string{
		// wsfuzz: one disturbed round (50k) between two good ones.
		`{"server":"wsfuzz","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":120000,"p50_us":500,"p99_us":1000}`,
		`{"server":"gobwas","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":100000,"p50_us":400,"p99_us":2000}`,
		`{"server":"wsfuzz","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":50000,"p50_us":900,"p99_us":9000}`,
		`{"server":"gobwas","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":110000,"p50_us":450,"p99_us":2500}`,
		`{"server":"wsfuzz","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":130000,"p50_us":480,"p99_us":1100}`,
		`{"server":"gobwas","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":90000,"p50_us":420,"p99_us":2200}`,
		// 1 KiB: gobwas failed one round.
		`{"server":"wsfuzz","conns":64,"size":1024,"type":"binary","compress":false,"messages":1,"msgs_per_s":70000,"p50_us":500,"p99_us":1000}`,
		`{"server":"gobwas","conns":64,"size":1024,"type":"binary","compress":false,"messages":1,"msgs_per_s":80000,"p50_us":500,"p99_us":1000}`,
		`{"server":"gobwas","conns":64,"size":1024,"type":"binary","compress":false,"messages":1,"msgs_per_s":80000,"p50_us":500,"p99_us":1000,"mismatches":3}`,
	}
	got := renderTable(t, lines)
	row16 := lineWith(t, got, "64    16B")
	// Medians: wsfuzz 120k, p50 500us, p99 1.1ms; gobwas 100k, 420us, 2.2ms.
	for _, want := range []string{"120.0k", "500us", "1.1ms", "100.0k", "420us", "2.2ms", "1.20x gobwas", "0.50x gobwas"} {
		if !strings.Contains(row16, want) {
			t.Errorf("16 B row lacks %q:\n%s", want, row16)
		}
	}
	row1k := lineWith(t, got, "64    1KiB")
	if !strings.Contains(row1k, "ERR") || !strings.Contains(got, "3 echoes differed") {
		t.Errorf("a failed round must make the cell ERR with its reason:\n%s", got)
	}
	if !strings.Contains(got, "ran in 3 rounds") {
		t.Errorf("the footer must say how many rounds:\n%s", got)
	}
}

// renderTable writes the JSON lines to a file and returns the table of it
// with wsfuzz as the reference.
func renderTable(t *testing.T, lines []string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "results.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := table(&out, file, "wsfuzz"); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func lineWith(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, text)
	return ""
}

// TestTableMarksClientBoundRows: a row where the load generator used 90%
// or more of its cores against both the reference and the best peer gets
// "c" after its ratio and the footer that explains it; a row where the
// client had room against either of them does not.
func TestTableMarksClientBoundRows(t *testing.T) {
	lines := []string{
		`{"server":"wsfuzz","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":97000,"p50_us":500,"p99_us":1000,"client_cpu":0.99,"client_cores":1}`,
		`{"server":"gws","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":100000,"p50_us":500,"p99_us":1000,"client_cpu":0.97,"client_cores":1}`,
		`{"server":"wsfuzz","conns":1,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":9000,"p50_us":50,"p99_us":100,"client_cpu":0.99,"client_cores":1}`,
		`{"server":"gws","conns":1,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":10000,"p50_us":50,"p99_us":100,"client_cpu":0.60,"client_cores":1}`,
		`{"server":"wsfuzz","conns":64,"size":1024,"type":"binary","compress":false,"messages":1,"msgs_per_s":9000,"p50_us":50,"p99_us":100,"client_cpu":1.5,"client_cores":2}`,
		`{"server":"gws","conns":64,"size":1024,"type":"binary","compress":false,"messages":1,"msgs_per_s":10000,"p50_us":50,"p99_us":100,"client_cpu":1.9,"client_cores":2}`,
	}
	got := renderTable(t, lines)
	if row := lineWith(t, got, "64    16B"); !strings.Contains(row, "0.97x gws c") {
		t.Errorf("client-bound row not marked:\n%s", row)
	}
	for _, prefix := range []string{"1     16B", "64    1KiB"} {
		if row := lineWith(t, got, prefix); strings.Contains(row, "gws c") {
			t.Errorf("row with room in the client marked client-bound:\n%s", row)
		}
	}
	if !strings.Contains(got, "c: the load generator used 90%") {
		t.Errorf("footer lacks the explanation of c:\n%s", got)
	}
}

// TestTableRatiosArePaired: with the machine drifting between rounds, the
// ratio is the median of the per-round ratios, not the ratio of the
// medians (here 120k / 110k = 1.09 would hide that the reference was
// behind the peer in two rounds of three).
func TestTableRatiosArePaired(t *testing.T) {
	var lines []string
	for _, round := range [][2]int{{100, 105}, {150, 155}, {120, 110}} {
		lines = append(lines,
			fmt.Sprintf(`{"server":"wsfuzz","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":%d000,"p50_us":500,"p99_us":1000}`, round[0]),
			fmt.Sprintf(`{"server":"gws","conns":64,"size":16,"type":"binary","compress":false,"messages":1,"msgs_per_s":%d000,"p50_us":500,"p99_us":1000}`, round[1]))
	}
	out := renderTable(t, lines)
	// Per-round ratios 0.952, 0.968, 1.091: median 0.97.
	if row := lineWith(t, out, "64    16B"); !strings.Contains(row, "0.97x gws") {
		t.Errorf("want the paired ratio 0.97x gws:\n%s", row)
	}
}
