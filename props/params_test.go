package props

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/leanovate/gopter/prop"
)

// recorder is a testing.TB that keeps what a test reports.
type recorder struct {
	testing.TB
	name   string
	errors []string
}

func (r *recorder) Helper()             {}
func (r *recorder) Name() string        { return r.name }
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}

func TestCheckReportsRerun(t *testing.T) {
	rec := &recorder{name: "TestSomething/sub.case"}
	res := Check(rec, prop.ForAll(func(n uint16) bool { return n < 1000 }, CloseCode()))
	if res.Passed() || len(rec.errors) != 1 {
		t.Fatalf("a false property passed Check: %v %q", res.Status, rec.errors)
	}
	msg := rec.errors[0]
	for _, want := range []string{
		fmt.Sprintf("seed %d", Seed()),
		fmt.Sprintf("PROPS_SEED=%d PROPS_N=%d go test ./props -run '^TestSomething$/^sub\\.case$'", Seed(), N()),
		"arg 0 shrunk",
		": 1000", // the smallest code that breaks n < 1000
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
}

func TestCheckPasses(t *testing.T) {
	rec := &recorder{name: "TestTrue"}
	if res := Check(rec, prop.ForAll(func(n uint16) bool { return true }, CloseCode()), Weight(0.01)); !res.Passed() || len(rec.errors) > 0 {
		t.Fatalf("a true property failed: %v %q", res.Status, rec.errors)
	}
}

func TestWeight(t *testing.T) {
	if got, want := Parameters(Weight(0.5)).MinSuccessfulTests, int(math.Round(float64(N())/2)); got != want {
		t.Errorf("weight 0.5 gives %d cases, want %d", got, want)
	}
	if got := Parameters(Weight(0)).MinSuccessfulTests; got != 1 {
		t.Errorf("weight 0 gives %d cases, want 1", got)
	}
}

func TestN(t *testing.T) {
	t.Setenv(EnvN, "")
	if N() != DefaultN {
		t.Errorf("N() = %d with PROPS_N unset, want %d", N(), DefaultN)
	}
	t.Setenv(EnvN, "123")
	if N() != 123 {
		t.Errorf("N() = %d with PROPS_N=123", N())
	}
	t.Setenv(EnvN, "many")
	defer func() {
		if recover() == nil {
			t.Error("PROPS_N=many did not panic")
		}
	}()
	N()
}
