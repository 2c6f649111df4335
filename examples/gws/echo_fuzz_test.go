package gws

import (
	"net/http"
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/target"
)

// server is Echo as the harness reaches it: an http.Handler served in
// memory. ReadLoop runs in a goroutine of its own, but it calls the event
// handler itself (ParallelEnabled is off in the example), so every write
// comes from the goroutine that reads: no settle time.
var server = probe.Server{Target: target.Handler(http.HandlerFunc(Echo))}

// FuzzGws fuzzes Echo with wsfuzz's harness and the shipped seeds, that
// is fuzz.Server(f, server.Target, server.Options()...) (see probe.Fuzz
// for the environment that makes it skip known findings):
//
//	go test -run '^$' -fuzz '^FuzzGws$' -fuzztime 60s
func FuzzGws(f *testing.F) { server.Fuzz(f) }
