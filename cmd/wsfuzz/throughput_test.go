//go:build unix

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkImportReplay20000 measures the throughput a CI job feeding years
// of reports into wsfuzz sees: it copies the reference server's full run
// (517 cases of every category, index left out) into 39 directories,
// 20,163 cases, then runs "wsfuzz import" into a fresh corpus and "wsfuzz
// replay --json" against the in-process reference server over all of
// them, as the commands do. It reports the wall time of each command and
// the CPU time of both (user + system, which the machine's other work does
// not inflate), per iteration:
//
//	go test ./cmd/wsfuzz -run '^$' -bench ImportReplay20000 -benchtime 1x
//
// WSFUZZ_THROUGHPUT_COPIES sets another number of copies.
func BenchmarkImportReplay20000(b *testing.B) {
	copies := 39
	if s := os.Getenv("WSFUZZ_THROUGHPUT_COPIES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("WSFUZZ_THROUGHPUT_COPIES=%q", s)
		}
		copies = n
	}
	dir := b.TempDir()
	reports := filepath.Join("..", "..", "server", "testdata", "autobahn")
	ents, err := os.ReadDir(reports)
	if err != nil {
		b.Fatal(err)
	}
	cases := 0
	for i := range copies {
		sub := filepath.Join(dir, fmt.Sprintf("run%02d", i))
		if err := os.Mkdir(sub, 0o777); err != nil {
			b.Fatal(err)
		}
		for _, e := range ents {
			if !strings.Contains(e.Name(), "_case_") || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(reports, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sub, e.Name()), data, 0o666); err != nil {
				b.Fatal(err)
			}
			cases++
		}
	}
	var importWall, replayWall time.Duration
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		before := cpuTime(b)
		start := time.Now()
		if err := importMain([]string{dir, "--out", filepath.Join(b.TempDir(), "corpus"), "-q"}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := replayMain([]string{dir, "--json"}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
		importWall += mid.Sub(start)
		replayWall += time.Since(mid)
		cpu += cpuTime(b) - before
	}
	n := float64(b.N)
	b.ReportMetric(float64(cases), "cases")
	b.ReportMetric(importWall.Seconds()/n, "import-s/op")
	b.ReportMetric(replayWall.Seconds()/n, "replay-s/op")
	b.ReportMetric(cpu.Seconds()/n, "cpu-s/op")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
