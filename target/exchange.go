package target

import (
	"context"
	"fmt"
	"runtime/metrics"
	"time"
)

// exchange runs in on a fresh Session to t: the opening handshake, the
// pieces one by one while the server is still in the conversation, then
// the end of the connection as Autobahn's client makes it (see
// Target.Exchange). measure says whether the process's allocations during
// the exchange are the server's (in-process targets). It fails only when
// t cannot be dialled.
func exchange(ctx context.Context, t Target, in Input, measure bool) (*Outcome, error) {
	var allocs *allocCounter
	before := int64(-1)
	if measure {
		allocs = newAllocCounter()
		before = allocs.read()
	}
	start := time.Now()
	s, err := open(ctx, t, in.Offer, sessionConfig{deadline: in.Deadline, settle: in.Settle, expect: in.Expect})
	if err != nil {
		return nil, err
	}
	run(ctx, s, in.Pieces)
	s.Close()
	o := &s.o
	o.Duration = time.Since(start)
	if before >= 0 {
		o.Allocated = allocs.read() - before
	}
	return o, nil
}

// run sends pieces on s while the server is still in the conversation and
// the context lasts, then ends the connection.
func run(ctx context.Context, s *Session, pieces [][]byte) {
	o := &s.o
	if o.Ending == EndRefused || o.Ending == EndHung {
		return
	}
	for i, piece := range pieces {
		if s.link.over(o) || ctx.Err() != nil {
			break
		}
		if !s.send(piece) {
			o.Hang = fmt.Sprintf("after piece %d of %d: %s", i+1, len(pieces), o.Hang)
			return
		}
		o.After = append(o.After, len(o.Output))
		if o.Ending == EndServerClosed && o.ClosedAfter < 0 {
			o.ClosedAfter = i
		}
	}
	s.link.finish(o, s.sent)
}

// allocCounter measures what the process allocates, for in-process
// targets: runtime/metrics reads it without stopping the world.
type allocCounter struct{ sample [1]metrics.Sample }

func newAllocCounter() *allocCounter {
	c := &allocCounter{}
	c.sample[0].Name = "/gc/heap/allocs:bytes"
	return c
}

func (c *allocCounter) read() int64 {
	metrics.Read(c.sample[:])
	if c.sample[0].Value.Kind() != metrics.KindUint64 {
		return -1
	}
	return int64(c.sample[0].Value.Uint64())
}
