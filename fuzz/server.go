package fuzz

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/target"
)

// Option configures Server.
type Option func(*serverOptions)

type serverOptions struct {
	judge    oracle.Options
	deadline time.Duration
	settle   time.Duration
	seeds    bool
}

// Strict fails NON-STRICT verdicts and what only strict mode holds against
// a server (a dropped connection where a close frame was due, lengths not
// in their minimal form), as replay --strict does.
func Strict() Option { return func(o *serverOptions) { o.judge.Strict = true } }

// MaxMessageSize is the server's own message size limit: a 1009 for a
// message above it is allowed, a 1009 below it is FAILED. The default is
// 16 MiB, the reference server's.
func MaxMessageSize(n int64) Option { return func(o *serverOptions) { o.judge.MaxMessageSize = n } }

// AllocLimit bounds what the server may allocate for one connection; the
// default is 1 MiB plus 8 times the input's size. A frame that declares a
// 2^40-byte length must not make a server allocate it.
func AllocLimit(n int64) Option { return func(o *serverOptions) { o.judge.AllocLimit = n } }

// Deadline is how long the server may take to react to a piece before it
// counts as hung; the default is 2 s.
func Deadline(d time.Duration) Option { return func(o *serverOptions) { o.deadline = d } }

// Settle is how long to wait for more output once the server looks done
// with a piece: needed for in-process servers that write from a goroutine
// other than the one that reads (the default, 0, trusts the read), and
// the quiet time over TCP (default 20 ms, used only when the output is not
// yet what the model predicts).
func Settle(d time.Duration) Option { return func(o *serverOptions) { o.settle = d } }

// NoShippedSeeds leaves out the seed corpus wsfuzz ships, so that only the
// package's own testdata/fuzz/<Target> seeds the run.
func NoShippedSeeds() Option { return func(o *serverOptions) { o.seeds = false } }

func newServerOptions(opts []Option) serverOptions {
	o := serverOptions{seeds: true}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Server fuzzes the WebSocket server t. Call it from a fuzz target of your
// own module:
//
//	func FuzzMyServer(f *testing.F) { fuzz.Server(f, target.Handler(myHandler)) }
//
// and run go test -fuzz FuzzMyServer. Each input is FuzzSession's:
// (stream, chops []byte, extensions string): the client's bytes after the
// opening handshake, the sizes of the writes they go out in (unsigned
// varints), and the Sec-WebSocket-Extensions offer, so corpus files move
// between the two unchanged. Every input opens a fresh connection; the
// oracle (package oracle) judges what came back, and a failure prints the
// verdict's explanation and the command that reruns the input.
//
// Besides your own testdata/fuzz/<Target>, the run is seeded with the
// corpus wsfuzz ships (RFC examples, boundary cases, entries built from
// Autobahn|Testsuite wire logs); NoShippedSeeds leaves it out.
func Server(f *testing.F, t target.Target, opts ...Option) {
	f.Helper()
	o := newServerOptions(opts)
	if o.seeds {
		for _, s := range ShippedSeeds() {
			f.Add(s.Stream, s.Chops, s.Extensions)
		}
	}
	f.Fuzz(func(tt *testing.T, stream, chops []byte, extensions string) {
		checkServer(tt, t, o, stream, chops, extensions)
	})
}

// CheckServer runs one input against t and reports a failing verdict on
// tb, as Server does for each fuzz input: for table tests and regression
// cases of your own.
func CheckServer(tb testing.TB, t target.Target, stream, chops []byte, extensions string, opts ...Option) {
	tb.Helper()
	checkServer(tb, t, newServerOptions(opts), stream, chops, extensions)
}

// fatalReporter is the part of testing.TB that checkServer needs.
type fatalReporter interface {
	reporter
	Fatalf(format string, args ...any)
	Name() string
}

func checkServer(r fatalReporter, t target.Target, o serverOptions, stream, chops []byte, extensions string) {
	r.Helper()
	in, v, err := RunInput(context.Background(), t, o.judge, o.deadline, o.settle, stream, chops, extensions)
	if err != nil {
		r.Fatalf("the target cannot be reached: %v", err)
		return
	}
	if !v.Pass(o.judge.Strict) {
		r.Errorf("%s\ninput: offer %q, %d bytes in %d pieces: %x\n%s",
			v, in.Offer, len(stream), len(in.Pieces), clip(stream), rerunHint(r.Name()))
	}
}

// rerunHint says how to run a failing input again. A seed or a corpus
// file runs as a subtest named after it; under -fuzz the test has only the
// target's name, and go test writes the input to testdata/fuzz/<Target>/
// and names the file itself.
func rerunHint(name string) string {
	if strings.Contains(name, "/") {
		return fmt.Sprintf("rerun: go test -run '^%s$'", name)
	}
	return fmt.Sprintf("rerun: go test -run '^%s/<file>$', with the file go test writes to testdata/fuzz/%s/", name, name)
}

// RunInput runs one fuzz input against t and judges it: the decoded input,
// the verdict, and an error only when the target cannot be reached.
func RunInput(ctx context.Context, t target.Target, judge oracle.Options, deadline, settle time.Duration, stream, chops []byte, extensions string) (target.Input, oracle.Verdict, error) {
	in, _, v, err := RunOutcome(ctx, t, judge, deadline, settle, stream, chops, extensions)
	return in, v, err
}

// RunOutcome is RunInput that also returns what the client saw.
func RunOutcome(ctx context.Context, t target.Target, judge oracle.Options, deadline, settle time.Duration, stream, chops []byte, extensions string) (target.Input, *target.Outcome, oracle.Verdict, error) {
	in := target.Input{Offer: extensions, Deadline: deadline, Settle: settle}
	forEachPiece(stream, chops, func(p []byte) { in.Pieces = append(in.Pieces, p) })
	in.Expect = oracle.Expecting(in, judge)
	out, err := t.Exchange(ctx, in)
	if err != nil {
		return in, nil, oracle.Verdict{}, err
	}
	v := oracle.Judge(in, out, judge)
	if v.Kind == oracle.Memory {
		// Allocation is counted for the whole process: what a server makes
		// once and keeps (pools, free lists), or what another goroutine
		// happened to allocate meanwhile, can land in one connection's
		// count. Memory the input really costs is taken again on a second
		// run; the lower count is the input's.
		if again, err := t.Exchange(ctx, in); err == nil && again.Allocated < out.Allocated {
			out, v = again, oracle.Judge(in, again, judge)
		}
	}
	return in, out, v, nil
}

// Seed is one input of the shipped corpus.
type Seed struct {
	Name       string
	Stream     []byte
	Chops      []byte
	Extensions string
}

//go:embed testdata/fuzz/FuzzSession
var shippedSeeds embed.FS

// ShippedSeeds returns the seed corpus wsfuzz ships for Server and
// FuzzSession, in name order.
func ShippedSeeds() []Seed {
	dir := "testdata/fuzz/FuzzSession"
	entries, err := fs.ReadDir(shippedSeeds, dir)
	if err != nil {
		panic(fmt.Sprintf("the embedded seed corpus is missing: %v", err))
	}
	var seeds []Seed
	for _, e := range entries {
		data, err := shippedSeeds.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		args, err := corpus.UnmarshalCorpusFile(data)
		if err != nil || len(args) != 3 {
			continue
		}
		stream, ok1 := args[0].([]byte)
		chops, ok2 := args[1].([]byte)
		ext, ok3 := args[2].(string)
		if ok1 && ok2 && ok3 {
			seeds = append(seeds, Seed{Name: e.Name(), Stream: stream, Chops: chops, Extensions: ext})
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i].Name < seeds[j].Name })
	return seeds
}
