package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/fuzz"
	"github.com/wsfuzz/wsfuzz/mutate"
	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/target"
)

const fuzzUsage = `usage: wsfuzz fuzz --target ws://HOST:PORT/ [flags]

Fuzzes a live WebSocket server of any language over TCP. Each input is a
client's byte stream, the writes it goes out in and a permessage-deflate
offer (the inputs of FuzzSession and fuzz.Server); each runs on a fresh
connection and is judged by the same oracle as every wsfuzz driver: the
strict model of RFC 6455 predicts the echoes, pongs and close, and
Autobahn's rules give the server its latitude (NON-STRICT for invalid
UTF-8 found only at the end of a message; a dropped connection where a
failure allows it).

The server runs in another process, so this fuzzer is coverage-blind: it
mutates the seed corpus wsfuzz ships (RFC examples, boundary cases,
Autobahn-derived entries) with frame-aware mutations, not guided by the
server's code. For coverage-guided fuzzing of a Go server, use
fuzz.Server in a go test fuzz target instead.

Each finding is shrunk and written twice under --out: as an Autobahn
per-case JSON report, <out>/<hash>.json, which "wsfuzz replay" replays and
"wsfuzz import" reads, and as a corpus file, <out>/corpus/FuzzSession/<hash>,
for go test -fuzz. Findings of the same kind (verdict and first line of
its explanation) are written once. Progress goes to stderr every second.

The target must be on this machine (127.0.0.0/8, ::1, localhost) unless
--allow-remote is given: fuzzing sends deliberately broken frames.

Exit status: 0 when nothing was found, 1 when something was, 2 on bad
usage (and when the target cannot be reached).

`

func runFuzz(args []string) error { return fuzzMain(args, os.Stdout, os.Stderr) }

func fuzzMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), fuzzUsage+contractHelp+"\nflags:\n")
		fs.PrintDefaults()
	}
	maxMessage := byteSize(oracle.DefaultMaxMessageSize)
	var (
		targetURL   = fs.String("target", "", "ws:// URL of the server to fuzz (required)")
		duration    = fs.Duration("duration", 60*time.Second, "how long to fuzz")
		strict      = fs.Bool("strict", false, "fail NON-STRICT verdicts too, as replay --strict")
		out         = fs.String("out", "wsfuzz-findings", "directory the findings are written to")
		first       = fs.Bool("first", false, "stop at the first finding")
		allowRemote = fs.Bool("allow-remote", false, "allow a target that is not on this machine")
		deadline    = fs.Duration("deadline", target.DefaultDeadline, "how long the server may take to react before it counts as hung")
		settle      = fs.Duration("settle", 0, "quiet time after a piece when the answer is not yet what the model predicts (0: 20ms)")
		seed        = fs.Uint64("seed", 0, "random seed of the mutations (0: from the clock); the same seed mutates the same way")
		asJSON      = fs.Bool("json", false, "print JSON lines (one \"case\" record per finding, then a summary)")
	)
	fs.Var(&maxMessage, "max-message-size", "the server's message size limit: 1009 above it is allowed, below it FAILED")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(positional); err != nil {
		return err
	}
	if *targetURL == "" {
		return usageError{"--target is required"}
	}
	if *duration <= 0 {
		return usageError{"--duration must be positive"}
	}
	t := target.URL(*targetURL)
	if *allowRemote {
		t = target.RemoteURL(*targetURL)
	}
	judge := oracle.Options{Strict: *strict, MaxMessageSize: int64(maxMessage)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	r := rand.New(rand.NewPCG(*seed, 0x77736675))

	var pool []mutate.Input
	for _, s := range fuzz.ShippedSeeds() {
		pool = append(pool, mutate.Input{Stream: s.Stream, Chops: s.Chops, Extensions: s.Extensions})
	}
	run := func(in mutate.Input) (target.Input, *target.Outcome, oracle.Verdict, error) {
		return fuzz.RunOutcome(ctx, t, judge, *deadline, *settle, in.Stream, in.Chops, in.Extensions)
	}
	// The target must answer before fuzzing starts: a dial error is no finding.
	if _, _, _, err := run(pool[0]); err != nil {
		return usageError{fmt.Sprintf("target %s: %v", *targetURL, err)}
	}
	var records *jsonLines
	if *asJSON {
		records = newJSONLines(stdout, "fuzz")
	}
	fmt.Fprintf(stderr, "fuzzing %s for %v (seed %d, %d seed inputs, coverage-blind), findings to %s\n", *targetURL, *duration, *seed, len(pool), *out)

	seen := map[string]bool{}
	var execs, findings int
	start := time.Now()
	end := start.Add(*duration)
	lastProgress := start
	for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
		in := pool[i%len(pool)]
		if i >= len(pool) {
			in = mutate.Mutate(r, pool[r.IntN(len(pool))], pool)
		}
		_, _, v, err := run(in)
		execs++
		if err != nil {
			return fmt.Errorf("target %s stopped answering after %d inputs: %v", *targetURL, execs, err)
		}
		if now := time.Now(); now.Sub(lastProgress) >= time.Second {
			lastProgress = now
			fmt.Fprintf(stderr, "%6.0fs  execs %d  %.0f/s  findings %d\n", now.Sub(start).Seconds(), execs, float64(execs)/now.Sub(start).Seconds(), findings)
		}
		if v.Pass(*strict) {
			continue
		}
		kind := v.Kind + ": " + firstLine(v.Explanation)
		if seen[kind] {
			continue
		}
		seen[kind] = true
		small := mutate.Shrink(in, func(c mutate.Input) bool {
			_, _, cv, err := run(c)
			return err == nil && !cv.Pass(*strict) && cv.Kind+": "+firstLine(cv.Explanation) == kind
		}, 300)
		tin, o, sv, err := run(small)
		if err != nil {
			return err
		}
		name, err := writeFinding(*out, *targetURL, small, tin, o, sv)
		if err != nil {
			return err
		}
		findings++
		fmt.Fprintf(stderr, "finding %d: %s\n  written to %s.json; rerun: wsfuzz replay --target %s %s.json\n", findings, sv, name, *targetURL, name)
		if records != nil {
			records.write(recordCase, map[string]any{"id": filepath.Base(name), "verdict": sv.Kind, "explanation": orEmpty(sv.Explanation),
				"report": name + ".json", "stream": fmt.Sprintf("%x", small.Stream), "extensions": small.Extensions})
		}
		if *first {
			break
		}
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stderr, "%d inputs in %v (%.0f/s), %d finding(s)\n", execs, elapsed.Round(time.Millisecond), float64(execs)/elapsed.Seconds(), findings)
	status := exitOK
	if findings > 0 {
		status = exitFailed
	}
	if records != nil {
		records.write(recordSummary, map[string]any{"execs": execs, "findings": findings, "seconds": elapsed.Seconds(), "exit": status})
		if err := records.Err(); err != nil {
			return err
		}
	}
	if findings > 0 {
		return fuzzFound{findings}
	}
	return nil
}

// fuzzFound is the result of a run that found something (exit status 1).
type fuzzFound struct{ n int }

func (f fuzzFound) Error() string { return fmt.Sprintf("%d finding(s)", f.n) }
func (fuzzFound) ExitCode() int   { return exitFailed }

func firstLine(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.SplitN(lines[0], "\n", 2)[0]
}

// writeFinding writes a finding as an Autobahn per-case report and as a
// FuzzSession corpus file, both named by the corpus file's hash, and
// returns the report's path without ".json".
func writeFinding(dir, url string, in mutate.Input, tin target.Input, o *target.Outcome, v oracle.Verdict) (string, error) {
	content, err := corpus.MarshalCorpusFile(in.Stream, in.Chops, in.Extensions)
	if err != nil {
		return "", err
	}
	corpusDir := filepath.Join(dir, "corpus", "FuzzSession")
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		return "", err
	}
	path, _, err := corpus.WriteCorpusFile(corpusDir, content)
	if err != nil {
		return "", err
	}
	name := filepath.Join(dir, filepath.Base(path))
	report, err := corpus.MarshalReport(oracle.Report("fuzz."+filepath.Base(path), url, tin, o, v))
	if err != nil {
		return "", err
	}
	return name, os.WriteFile(name+".json", report, 0o644)
}
