package server

import (
	"bytes"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// benchFeed feeds a stream of count copies of frame to one session in
// reads of readSize bytes, as the network shell does, and reports client
// payload bytes per second.
func benchFeed(b *testing.B, frame []byte, payloadLen, count, readSize int) {
	stream := bytes.Repeat(frame, count)
	b.SetBytes(int64(payloadLen * count))
	b.ReportAllocs()
	s := NewSession(SessionConfig{})
	for b.Loop() {
		for p := stream; len(p) > 0; {
			n := min(readSize, len(p))
			if _, _, err := s.Feed(p[:n]); err != nil {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
	b.ReportMetric(float64(count)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkSessionBinary64KiB(b *testing.B) {
	payload := bytes.Repeat([]byte{0xA5, 0x5A, 0x00, 0xFF}, 16<<10)
	benchFeed(b, clientFrame(wire.OpBinary, true, 0, payload), len(payload), 16, DefaultReadBufferSize)
}

func BenchmarkSessionText64KiB(b *testing.B) {
	payload := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog. "), (64<<10)/45)
	benchFeed(b, clientFrame(wire.OpText, true, 0, payload), len(payload), 16, DefaultReadBufferSize)
}

func BenchmarkSessionText16B(b *testing.B) {
	payload := []byte("sixteen bytes!!!")
	benchFeed(b, clientFrame(wire.OpText, true, 0, payload), len(payload), 1024, DefaultReadBufferSize)
}

func BenchmarkSessionBinary16B(b *testing.B) {
	payload := []byte("sixteen bytes!!!")
	benchFeed(b, clientFrame(wire.OpBinary, true, 0, payload), len(payload), 1024, DefaultReadBufferSize)
}
