package gobwas

import (
	"net/http"
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/target"
)

// server is Echo as the harness reaches it: an http.Handler served in
// memory. The handler returns at once and a goroutine of its own serves
// the connection, but that goroutine both reads and writes (ReadClientData
// answers pings and closes itself, before it returns), so the server is
// done with a piece when it reads again: no settle time.
var server = probe.Server{
	Target:         target.Handler(http.HandlerFunc(Echo)),
	MaxMessageSize: MaxMessageSize,
}

// FuzzGobwas fuzzes Echo with wsfuzz's harness and the shipped seeds, that
// is fuzz.Server(f, server.Target, server.Options()...) (see probe.Fuzz
// for the environment that makes it skip known findings):
//
//	go test -run '^$' -fuzz '^FuzzGobwas$' -fuzztime 60s
func FuzzGobwas(f *testing.F) { server.Fuzz(f) }
