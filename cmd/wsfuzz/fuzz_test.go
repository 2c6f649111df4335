package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/server"
)

// serveLoopback serves handle on a 127.0.0.1 port until the test ends and
// returns its ws:// URL.
func serveLoopback(t *testing.T, handle func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}

// upgradeThenDrop answers the opening handshake and closes the
// connection: a server that echoes nothing.
func upgradeThenDrop(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 8<<10)
	var raw []byte
	for {
		n, err := c.Read(buf)
		raw = append(raw, buf[:n]...)
		if res, _, herr := server.ReadHandshake(raw, nil); herr == nil {
			c.Write(res.Response)
			return
		}
		if err != nil {
			return
		}
	}
}

func TestFuzzFindsAndWritesReplayableReports(t *testing.T) {
	url := serveLoopback(t, upgradeThenDrop)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := fuzzMain([]string{"--target", url, "--first", "--duration", "20s", "--out", out, "--json", "--seed", "1"}, &stdout, &stderr)
	if exitStatus(err) != exitFailed {
		t.Fatalf("exit %d (%v), want %d; stderr:\n%s", exitStatus(err), err, exitFailed, stderr.String())
	}
	cases, _, summary := records(t, stdout.String(), "fuzz")
	if len(cases) != 1 || summary["findings"] != float64(1) || summary["exit"] != float64(exitFailed) {
		t.Fatalf("cases %v summary %v", cases, summary)
	}
	reports, _ := filepath.Glob(filepath.Join(out, "*.json"))
	seeds, _ := filepath.Glob(filepath.Join(out, "corpus", "FuzzSession", "*"))
	if len(reports) != 1 || len(seeds) != 1 || filepath.Base(reports[0]) != filepath.Base(seeds[0])+".json" {
		t.Fatalf("reports %v, corpus files %v", reports, seeds)
	}
	data, err := os.ReadFile(seeds[0])
	if err != nil {
		t.Fatal(err)
	}
	if args, err := corpus.UnmarshalCorpusFile(data); err != nil || len(args) != 3 {
		t.Fatalf("corpus file: %v %v", args, err)
	}
	cs, err := corpus.ReadFile(reports[0])
	if err != nil || len(cs) != 1 {
		t.Fatalf("the report does not read back: %v", err)
	}
	if cs[0].Behavior == "OK" {
		t.Errorf("the report of a finding says %s", cs[0].Behavior)
	}
	if _, err := replay.Compile(cs[0]); err != nil {
		t.Errorf("the report of a finding does not replay: %v", err)
	}
	// The same report replays against the server, and fails again.
	if err := replayMain([]string{"--target", url, reports[0]}, io.Discard, io.Discard); exitStatus(err) != exitFailed {
		t.Errorf("replaying the finding: exit %d (%v), want %d", exitStatus(err), err, exitFailed)
	}
}

func TestFuzzPassesTheReferenceSeeds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{})
	go srv.Serve(ln)
	t.Cleanup(func() { ln.Close() })
	var stderr bytes.Buffer
	// A short run only replays the shipped seeds, which the reference passes.
	err = fuzzMain([]string{"--target", "ws://" + ln.Addr().String() + "/", "--duration", "100ms", "--out", t.TempDir()}, io.Discard, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "0 finding(s)") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestFuzzUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--target", "ws://192.0.2.1:9001/"},
		{"--target", "ws://127.0.0.1:1/", "--duration", "1s"},
		{"--target", "ws://127.0.0.1:9001/", "--duration", "0s"},
		{"--target", "ws://127.0.0.1:9001/", "extra"},
	} {
		if err := fuzzMain(args, io.Discard, io.Discard); exitStatus(err) != exitUsage {
			t.Errorf("%q: exit %d (%v), want %d", args, exitStatus(err), err, exitUsage)
		}
	}
}
