package server

import (
	"bytes"
	"net"
	"testing"
	"time"
)

// writeRecorder is a net.Conn that records each Write.
type writeRecorder struct {
	net.Conn // nil: only Write and SetWriteDeadline are used
	writes   [][]byte
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (w *writeRecorder) SetWriteDeadline(time.Time) error { return nil }

// TestEmitHoldsOutputOfFullReads: output of a read that filled its buffer
// waits for the next read's and both go out in one write; flushHeld
// writes what is held; the held output never exceeds maxHeldOutput.
func TestEmitHoldsOutputOfFullReads(t *testing.T) {
	rec := &writeRecorder{}
	c := &conn{srv: New(Config{}), nc: rec}

	if !c.emit([]byte("first half,"), true) || len(rec.writes) != 0 {
		t.Fatalf("output of a full read was written at once: %q", rec.writes)
	}
	if !c.emit([]byte(" second half"), false) {
		t.Fatal("emit failed")
	}
	if len(rec.writes) != 1 || string(rec.writes[0]) != "first half, second half" {
		t.Fatalf("writes %q, want one write of both halves", rec.writes)
	}
	if c.held != nil {
		t.Fatal("buffer still held after the write")
	}

	rec.writes = nil
	c.emit([]byte("held"), true)
	if !c.flushHeld() || len(rec.writes) != 1 || string(rec.writes[0]) != "held" {
		t.Fatalf("flushHeld wrote %q, want %q", rec.writes, "held")
	}

	rec.writes = nil
	chunk := bytes.Repeat([]byte{'x'}, 64<<10)
	for range 40 {
		c.emit(chunk, true)
	}
	c.flushHeld()
	total := 0
	for _, w := range rec.writes {
		if len(w) > maxHeldOutput {
			t.Fatalf("a write of %d bytes: more than maxHeldOutput was held", len(w))
		}
		total += len(w)
	}
	if total != 40*len(chunk) || len(rec.writes) < 40*len(chunk)/maxHeldOutput {
		t.Fatalf("%d writes, %d bytes in all; want %d bytes", len(rec.writes), total, 40*len(chunk))
	}
	if n := len(c.srv.held.free); n != int(c.srv.held.made.Load()) {
		t.Fatalf("%d of %d buffers back on the free list after every flush", n, c.srv.held.made.Load())
	}

	// With every buffer in use nothing is held.
	rec.writes = nil
	var taken []*[]byte
	for b := c.srv.held.get(); b != nil; b = c.srv.held.get() {
		taken = append(taken, b)
	}
	if len(taken) != heldBuffersPerServer {
		t.Fatalf("got %d buffers, want %d", len(taken), heldBuffersPerServer)
	}
	c.emit([]byte("no buffer free"), true)
	if len(rec.writes) != 1 {
		t.Fatalf("with no buffer free: %d writes, want the output written at once", len(rec.writes))
	}
}
