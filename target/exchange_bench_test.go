package target

import (
	"context"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// BenchmarkExchange measures one whole input (a text message in three
// pieces, a ping, a close) through Exchange on the reference behind each
// in-memory constructor, side by side:
//
//	go test ./target -run '^$' -bench Exchange -count 6 | benchstat -
func BenchmarkExchange(b *testing.B) {
	text := clientFrame(wire.OpText, []byte("hello, server"))
	in := Input{Pieces: [][]byte{
		text[:1], text[1:5], text[5:],
		clientFrame(wire.OpPing, []byte("p")),
		clientFrame(wire.OpClose, closePayload(wire.CloseNormal)),
	}}
	for _, tc := range []struct {
		name string
		t    Target
	}{
		{"Reference", Reference(server.SessionConfig{})},
		{"Handler", Handler(hijackingReference())},
		{"Conn", Conn(serveShell)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				o, err := tc.t.Exchange(context.Background(), in)
				if err != nil || o.Ending != EndServerClosed {
					b.Fatalf("exchange: %v, ending %v", err, o.Ending)
				}
			}
		})
	}
}
