package coder

import (
	"net/http"
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/target"
)

// server is Echo as the harness reaches it: an http.Handler served in
// memory, with coder/websocket's default read limit (32 KiB).
var server = probe.Server{
	Target:         target.Handler(http.HandlerFunc(Echo)),
	MaxMessageSize: 32 << 10,
}

// FuzzCoder fuzzes Echo with wsfuzz's harness and the shipped seeds, that
// is fuzz.Server(f, server.Target, server.Options()...) (see probe.Fuzz
// for the environment that makes it skip known findings):
//
//	go test -run '^$' -fuzz '^FuzzCoder$' -fuzztime 60s
func FuzzCoder(f *testing.F) { server.Fuzz(f) }
