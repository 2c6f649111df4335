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
	for range 10 {
		c.emit(chunk, true)
	}
	c.flushHeld()
	total := 0
	for _, w := range rec.writes {
		if len(w) > maxHeldOutput+len(chunk) {
			t.Fatalf("a write of %d bytes: more than maxHeldOutput was held", len(w))
		}
		total += len(w)
	}
	if total != 10*len(chunk) || len(rec.writes) < 10*len(chunk)/(maxHeldOutput+len(chunk)) {
		t.Fatalf("%d writes, %d bytes in all; want %d bytes", len(rec.writes), total, 10*len(chunk))
	}
}
