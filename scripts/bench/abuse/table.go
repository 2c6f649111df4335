package main

import (
	"fmt"
	"io"
	"strings"
)

// printTable prints the results as one Markdown table, the scenarios'
// descriptions with their scale under it. "load" is the machine's load
// average at the measuring point: on a shared machine, a busy server waits
// for a core behind every other runnable process, and its p99 with it.
func printTable(w io.Writer, results []result, sc *scale) {
	fmt.Fprintln(w, "| scenario | server | peak RSS | RSS at measure | live heap | server CPU | normal p99 | normal failed / fresh ok | attackers got | load | note |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range results {
		heap := "n/a"
		if r.LiveHeap >= 0 {
			heap = mib(r.LiveHeap)
		}
		p99 := "n/a"
		if r.NormalP99 >= 0 {
			p99 = fmt.Sprintf("%.1f ms", r.NormalP99)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.1f s | %s | %d / %d of %d | %s | %s | %s |\n",
			r.Scenario, r.Server, mib(r.PeakRSS), mib(r.RSS), heap, r.CPU, p99, r.NormalFail, r.FreshOK, r.Fresh, r.Attackers, r.Load, r.Note)
	}
	fmt.Fprintln(w)
	n := map[string]int{"idle": sc.idle, "slowloris": sc.slowloris, "slow-readers": sc.slowReaders, "fragmented-16MiB": sc.fragmented,
		"stalled-16MiB": sc.stalled, "near-limit-bombs": sc.bombers, "junk": sc.junk, "connection-limit": sc.overLimit}
	for _, s := range scenarios {
		what := s.what
		if k, ok := n[s.name]; ok {
			what = strings.Replace(what, "N ", fmt.Sprint(k)+" ", 1)
		}
		flags := ""
		if len(s.wsfuzzFlags) > 0 {
			flags = " (wsfuzz " + strings.Join(s.wsfuzzFlags, " ") + ")"
		}
		fmt.Fprintf(w, "- %s: %s%s\n", s.name, what, flags)
	}
}
