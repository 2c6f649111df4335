package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// normalClient is the well-behaved client beside every attack: one
// connection echoing a 1 KiB binary message every 10 ms, and every half
// second a fresh connection that upgrades, echoes once and closes. It
// records the round trips of the echoes and how many fresh connections
// got through.
type normalClient struct {
	mu       sync.Mutex
	rtts     []time.Duration
	failures int // echoes that failed or took over 2 s
	fresh    int
	freshOK  int
	stopped  bool
}

const normalTimeout = 2 * time.Second

// run runs the client until ctx ends.
func (n *normalClient) run(ctx context.Context, addr string) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); n.echoLoop(ctx, addr) }()
	go func() { defer wg.Done(); n.freshLoop(ctx, addr) }()
	wg.Wait()
}

var normalMessage = bytes.Repeat([]byte("normal client "), 1024/14+1)[:1024]

// echo sends one message on c and reads its echo.
func echo(c *wsConn) (time.Duration, error) {
	start := time.Now()
	c.nc.SetDeadline(start.Add(normalTimeout))
	if _, err := c.nc.Write(frame(wire.OpBinary, true, false, normalMessage)); err != nil {
		return 0, err
	}
	for {
		f, err := c.readFrame()
		if err != nil {
			return 0, err
		}
		if f.op == wire.OpBinary && f.length == int64(len(normalMessage)) {
			return time.Since(start), nil
		}
		if f.op == wire.OpClose {
			return 0, io.ErrUnexpectedEOF
		}
	}
}

func (n *normalClient) echoLoop(ctx context.Context, addr string) {
	var c *wsConn
	defer func() {
		if c != nil {
			c.nc.Close()
		}
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if c == nil {
			var err error
			if c, err = upgraded(addr, false, normalTimeout); err != nil {
				n.record(0, false)
				c = nil
				continue
			}
		}
		rtt, err := echo(c)
		if err != nil {
			c.nc.Close()
			c = nil
		}
		n.record(rtt, err == nil)
	}
}

func (n *normalClient) freshLoop(ctx context.Context, addr string) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		ok := false
		c, err := upgraded(addr, false, normalTimeout)
		if err == nil {
			_, err = echo(c)
			ok = err == nil
			c.nc.Close()
		}
		if err != nil && os.Getenv("ABUSE_DEBUG") != "" {
			log.Printf("normal client: fresh connection: %v", err)
		}
		n.mu.Lock()
		if !n.stopped {
			n.fresh++
			if ok {
				n.freshOK++
			}
		}
		n.mu.Unlock()
	}
}

func (n *normalClient) record(rtt time.Duration, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.stopped:
	case ok:
		n.rtts = append(n.rtts, rtt)
	default:
		n.failures++
	}
}

// summary stops recording and returns the p99 round trip (-1 without
// samples), the failed echoes and the fresh connections that got through
// of those tried.
func (n *normalClient) summary() (p99 time.Duration, failures, freshOK, fresh int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.stopped = true
	p99 = -1
	if len(n.rtts) > 0 {
		s := slices.Clone(n.rtts)
		slices.Sort(s)
		p99 = s[min(len(s)-1, len(s)*99/100)]
	}
	return p99, n.failures, n.freshOK, n.fresh
}
