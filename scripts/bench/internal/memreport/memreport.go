// Package memreport lets a benchmark server report its memory the way
// "wsfuzz serve" does: on SIGUSR1 it collects garbage and logs one line
// with "live heap N bytes", which scripts/bench/abuse reads. The live heap
// is the runtime's /gc/heap/live:bytes after the collection.
package memreport

import (
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/metrics"
	"syscall"
)

// OnSignal logs the live heap to stderr on every SIGUSR1, for the life of
// the process.
func OnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		for range ch {
			log.Printf("memory: live heap %d bytes", LiveHeap())
		}
	}()
}

// LiveHeap collects garbage and returns the bytes of live heap objects.
func LiveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
