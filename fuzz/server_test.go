package fuzz

import (
	"context"
	"testing"

	"github.com/wsfuzz/wsfuzz/oracle"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/target"
)

// TestServerShippedSeedsOnReference holds the reference to the oracle on
// every shipped seed, through the sans-I/O target and through the
// network shell served over an in-memory connection.
func TestServerShippedSeedsOnReference(t *testing.T) {
	seeds := ShippedSeeds()
	if len(seeds) < 300 {
		t.Fatalf("only %d shipped seeds could be read", len(seeds))
	}
	for _, tc := range []struct {
		name string
		t    target.Target
	}{
		{"session", target.Reference(server.SessionConfig{})},
		{"shell", target.Conn(serveReferenceShell)},
		{"handler", target.Handler(referenceHandler)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A server's first connections make what it keeps for all
			// (the shell's held-output buffers): not this input's cost.
			for _, s := range seeds {
				RunInput(context.Background(), tc.t, oracle.Options{}, 0, 0, s.Stream, s.Chops, s.Extensions)
			}
			for _, s := range seeds {
				t.Run(s.Name, func(t *testing.T) {
					CheckServer(t, tc.t, s.Stream, s.Chops, s.Extensions, Strict())
				})
			}
		})
	}
}
