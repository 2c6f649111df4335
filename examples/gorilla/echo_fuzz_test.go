package gorilla

import (
	"net/http"
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/target"
)

// server is Echo as the harness reaches it: an http.Handler served in
// memory. Everything it writes, it writes from the goroutine that reads
// (the close reply too, from inside ReadMessage), so no settle time.
var server = probe.Server{Target: target.Handler(http.HandlerFunc(Echo))}

// FuzzGorilla fuzzes Echo with wsfuzz's harness and the shipped seeds, that
// is fuzz.Server(f, server.Target, server.Options()...) (see probe.Fuzz
// for the environment that makes it skip known findings):
//
//	go test -run '^$' -fuzz '^FuzzGorilla$' -fuzztime 60s
func FuzzGorilla(f *testing.F) { server.Fuzz(f) }
