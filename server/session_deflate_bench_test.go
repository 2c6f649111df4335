package server

import (
	"testing"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// benchDeflateEcho feeds compressed text messages of n bytes to one session
// negotiated as scripts/bench.sh's client does (no context takeover either
// way, level 1), each message in its own Feed, and reports message bytes
// per second.
func benchDeflateEcho(b *testing.B, n int) {
	const offer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
	_, codec := Deflate(deflate.Preferences{Level: deflate.BestSpeed})([]string{offer})
	s := NewSession(SessionConfig{Compression: codec})
	client := deflate.NewCompressor(deflate.Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true}, deflate.BestSpeed)
	var frames [][]byte
	for i := range 8 {
		msg := make([]byte, n)
		for j := range msg {
			msg[j] = "the quick brown fox jumps over the lazy dog "[(i+j*7)%44]
		}
		z, err := client.Compress(nil, msg)
		if err != nil {
			b.Fatal(err)
		}
		frames = append(frames, clientFrame(wire.OpText, true, wire.Rsv1, z))
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, err := s.Feed(frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSessionDeflateText1KiB(b *testing.B)  { benchDeflateEcho(b, 1<<10) }
func BenchmarkSessionDeflateText64KiB(b *testing.B) { benchDeflateEcho(b, 64<<10) }
