package probe

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/wsfuzz/wsfuzz/fuzz"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// childEnv marks the child process ProcessCrash starts.
const childEnv = "WSFUZZ_EXAMPLES_CRASH_CHILD"

// ProcessCrash runs in against s in a child process (this test binary,
// running only t) and returns the child's output, for a server that
// crashes the whole process on it: a panic in a goroutine the server
// started itself, which no target can catch for one connection. t fails
// when the input runs to a verdict instead.
//
// t must be a top-level test: the child runs it by name.
func (s Server) ProcessCrash(t *testing.T, in Input) string {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		_, v, err := fuzz.RunInput(context.Background(), s.Target, oracle.Options{MaxMessageSize: s.MaxMessageSize}, 0, s.Settle, in.Stream, in.Chops, in.Offer)
		fmt.Printf("the input ran to a verdict (error %v): %s\n", err, v)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("%s: the process did not crash:\n%s", in.Name, out)
	}
	return string(out)
}
