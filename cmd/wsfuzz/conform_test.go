package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus/replay/defect"
	"github.com/wsfuzz/wsfuzz/server"
)

// runConformArgs runs "wsfuzz conform args..." and returns its exit
// status, stdout and stderr.
func runConformArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := conformMain(args, &stdout, &stderr)
	return exitStatus(err), stdout.String(), stderr.String()
}

func TestConformUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--parallel", "0"},
		{"--no-such-flag"},
		{"stray-argument"},
		{"--target", "http://127.0.0.1:1/"},
		{"--target", "ws://192.0.2.1:9001/"},
		{"--cases", "99.*"},
		{"--time-scale", "0"},
		{"--messages", "-1"},
		{"--agent", ""},
	} {
		if code, _, stderr := runConformArgs(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
	}
	if code, _, _ := runConformArgs(t, "--help"); code != exitOK {
		t.Errorf("--help: exit %d, want 0", code)
	}
}

// TestConformAgainstTheReference runs a few cases against the in-process
// reference server, flags before and after each other, and checks the
// progress, the tables and the reports.
func TestConformAgainstTheReference(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	code, stdout, stderr := runConformArgs(t, "--cases", "1.1.1,6.4.1,9.7.1", "--report-dir", dir, "-v", "--messages", "3")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if n := strings.Count(stderr, "] ok   "); n != 3 {
		t.Errorf("stderr has %d progress lines of passed cases, want 3:\n%s", n, stderr)
	}
	for _, want := range []string{"6.4.1", "SECTION", "verdicts: OK 3", "index.html"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not mention %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"index.json", "index.html", "junit.xml", "server_case_6_4_1.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("report %s: %v", f, err)
		}
	}
}

func TestConformJSON(t *testing.T) {
	code, stdout, _ := runConformArgs(t, "--json", "--cases", "2.1,2.2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 2 cases and a summary:\n%s", len(lines), stdout)
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		want := recordCase
		if i == 2 {
			want = recordSummary
		}
		if rec["type"] != want || rec["command"] != "conform" || rec["schema"] != jsonSchema {
			t.Errorf("line %d: %v", i, rec)
		}
		if i == 2 && (rec["passed"] != 2.0 || rec["exit"] != 0.0) {
			t.Errorf("summary %v, want 2 passed and exit 0", rec)
		}
	}
}

// startDefective serves the reference server with defects on a loopback
// port and returns its URL.
func startDefective(t *testing.T, defects ...defect.Defect) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served, err := defect.Listen(ln, defects...)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{})
	go srv.Serve(served)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "ws://" + ln.Addr().String() + "/"
}

// TestConformExitStatus: a failing case makes the exit status 1; a
// NON-STRICT one does only under --strict.
func TestConformExitStatus(t *testing.T) {
	url := startDefective(t, defect.UTF8Late, defect.CloseAs1000)
	code, stdout, _ := runConformArgs(t, "--target", url, "--cases", "7.9.1,1.1.1")
	if code != exitFailed || !strings.Contains(stdout, "WRONG CODE") {
		t.Errorf("7.9.1 against a server that answers close code 0 with 1000: exit %d, want 1:\n%s", code, stdout)
	}
	if code, stdout, _ := runConformArgs(t, "--cases", "6.4.1", "--target", url); code != exitOK {
		t.Errorf("6.4.1 NON-STRICT under Autobahn's rules: exit %d, want 0:\n%s", code, stdout)
	}
	if code, stdout, _ := runConformArgs(t, "--cases", "6.4.1", "--target", url, "--strict"); code != exitFailed || !strings.Contains(stdout, "NON-STRICT") {
		t.Errorf("6.4.1 NON-STRICT under --strict: exit %d, want 1:\n%s", code, stdout)
	}
}

// TestConformWant compares a run with a real suite's index: the defective
// server's run agrees with the real suite's verdicts of that server, and
// the same verdicts wanted of the sound reference differ.
func TestConformWant(t *testing.T) {
	const defectiveIndex = "../../corpus/replay/testdata/defective/index.json"
	url := startDefective(t, defect.UTF8Late, defect.CloseAs1000)
	code, stdout, _ := runConformArgs(t, "--target", url, "--cases", "6.4.1,7.9.1,1.1.1", "--want", defectiveIndex)
	if code != exitOK || !strings.Contains(stdout, "verdicts as wanted: 3 of 3") {
		t.Errorf("defective server against its own real verdicts: exit %d, want 0:\n%s", code, stdout)
	}
	code, stdout, _ = runConformArgs(t, "--cases", "6.4.1,7.9.1,1.1.1", "--want", defectiveIndex)
	if code != exitFailed || !strings.Contains(stdout, "verdicts as wanted: 1 of 3") || !strings.Contains(stdout, "wanted FAILED/WRONG CODE") {
		t.Errorf("reference against the defective server's verdicts: exit %d, want 1:\n%s", code, stdout)
	}
}
