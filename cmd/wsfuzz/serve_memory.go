package main

import (
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/wsfuzz/wsfuzz/server"
)

// runtimeHeadroom is how far above the server's memory budget the Go
// runtime's soft memory limit is set: room for what the budget does not
// count (goroutine stacks, connection state, read buffers between a read
// and the next wait). Buffers a connection gives back become garbage; near
// the limit the collector reclaims them before the process grows.
const runtimeHeadroom = 64 << 20

// limitRuntimeMemory sets the Go runtime's soft memory limit to the budget
// plus runtimeHeadroom, unless there is no budget or GOMEMLIMIT chose one.
func limitRuntimeMemory(budget int64) {
	if budget > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(budget + runtimeHeadroom)
	}
}

// budgetText names the budget for the log.
func budgetText(budget int64) string {
	if budget <= 0 {
		return "none"
	}
	s := byteSize(budget)
	return s.String()
}

// logMemory logs what the server holds: connections, the budget in use,
// and the live heap after a garbage collection, in one line whose fields
// scripts can read ("live heap N bytes").
func logMemory(srv *server.Server, logger *log.Logger) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	st := srv.Stats()
	logger.Printf("memory: %d upgraded, %d in handshake, budget %d of %d bytes in use, live heap %d bytes",
		st.Upgraded, st.Handshaking, st.MemoryInUse, st.MemoryLimit, sample[0].Value.Uint64())
}
