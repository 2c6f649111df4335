package server

import (
	"io"
	"sync"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// BenchmarkServerEcho16B measures the network shell: 64 loopback clients,
// each sending a 16-byte binary message and reading its echo in turn.
func BenchmarkServerEcho16B(b *testing.B) {
	const conns = 64
	_, addr := startServer(b, Config{})
	frame := clientFrame(wire.OpBinary, true, 0, []byte("sixteen bytes!!!"))
	clients := make([]*testClient, conns)
	for i := range clients {
		clients[i] = upgrade(b, addr, nil)
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/conns + 1
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			echo := make([]byte, 2+16)
			for range per {
				if _, err := c.nc.Write(frame); err != nil {
					return
				}
				if _, err := io.ReadFull(c.br, echo); err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(per*conns)/b.Elapsed().Seconds(), "msgs/s")
}
