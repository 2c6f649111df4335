package probe

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/fuzz"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// KnownEnv names the environment variable that switches Fuzz from
// fuzz.Server to a run that skips known findings: the path of a file with
// one Signature a line (relative to the package's directory, where go
// test runs). scripts/fuzz-examples.sh sets it to find more
// than one kind of finding per library, since go test -fuzz stops at the
// first failure.
const KnownEnv = "WSFUZZ_KNOWN"

// StrictEnv names the environment variable that adds fuzz.Strict to the
// options when set to 1.
const StrictEnv = "WSFUZZ_STRICT"

// Fuzz is an example's fuzz target. By default it is exactly what a user
// writes, fuzz.Server(f, s.Target, s.Options()...). With KnownEnv set it
// seeds the run the same way (the shipped seeds and testdata/fuzz) and
// checks every input with fuzz.CheckServer, but skips the inputs whose
// verdict's Signature is in the known file, and logs the signature of a
// new finding ("finding: ...") before the harness reports it.
//
// A panic in a goroutine the server started itself crashes the process
// before there is a verdict: it cannot be skipped, and ends the run.
func (s Server) Fuzz(f *testing.F) {
	f.Helper()
	opts := s.Options()
	strict := os.Getenv(StrictEnv) == "1"
	if strict {
		opts = append(opts, fuzz.Strict())
	}
	path := os.Getenv(KnownEnv)
	if path == "" {
		fuzz.Server(f, s.Target, opts...)
		return
	}
	known, err := readKnown(path)
	if err != nil {
		f.Fatalf("reading the known findings: %v", err)
	}
	for _, seed := range fuzz.ShippedSeeds() {
		f.Add(seed.Stream, seed.Chops, seed.Extensions)
	}
	judge := oracle.Options{Strict: strict, MaxMessageSize: s.MaxMessageSize}
	f.Fuzz(func(t *testing.T, stream, chops []byte, extensions string) {
		_, v, err := fuzz.RunInput(context.Background(), s.Target, judge, 0, s.Settle, stream, chops, extensions)
		if err != nil {
			t.Fatalf("the target cannot be reached: %v", err)
		}
		if v.Pass(strict) {
			return
		}
		sig := Signature(v)
		if known[sig] {
			t.Skip("known finding: " + sig)
		}
		t.Log("finding: " + sig)
		fuzz.CheckServer(t, s.Target, stream, chops, extensions, opts...)
	})
}

// readKnown reads a file of signatures, one a line, where blank lines and
// lines starting with # are comments; a missing file is an empty list.
func readKnown(path string) (map[string]bool, error) {
	known := map[string]bool{}
	file, err := os.Open(path)
	if os.IsNotExist(err) {
		return known, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			known[l] = true
		}
	}
	return known, sc.Err()
}
