package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// A scenario is one kind of abuse, run against each server in turn. run
// attacks the server at e.addr, calls e.measure once at the moment that
// matters (every attacker in place, or at the end), and returns what the
// attackers got. wsfuzzFlags are the reference server's flags for it (the
// defaults unless the scenario needs a limit shorter or smaller).
type scenario struct {
	name, what  string
	wsfuzzFlags []string
	run         func(ctx context.Context, e *env, s *scale) *tally
}

// scale sets the sizes of the attacks.
type scale struct {
	idle, slowloris, fragmented, stalled, slowReaders, bombers, junk, overLimit int
}

var scenarios = []scenario{
	{"baseline", "no attack: the well-behaved client alone for 5 s (the machine's noise floor)", nil, baseline},
	{"idle", "N connections upgrade, echo 16 B once and stay idle", []string{"--max-connections", "11000"}, idle},
	{"slowloris", "N connections send a request line and a header byte a second", nil, slowloris},
	{"slow-readers", "N connections send 1 MiB messages and never read", []string{"--write-timeout", "3s"}, slowReaders},
	{"fragmented-16MiB", "N connections each send a 16 MiB message in 64 KiB fragments", []string{"--max-memory", "1GiB"}, fragmented},
	{"stalled-16MiB", "N connections leave a 16 MiB message unfinished: half one byte short and silent, half without the last fragment and a ping a second", nil, stalled},
	{"bomb-1GiB", "one connection sends 1 MiB that inflates to 1 GiB", nil, bomb1GiB},
	{"near-limit-bombs", "N connections send 16 KB that inflates to 16 MiB - 1 KiB, back to back for 10 s", nil, nearLimitBombs},
	{"junk", "N connections send 100 random bytes and wait", nil, junk},
	{"connection-limit", "N connections upgrade against --max-connections 1000", []string{"--max-connections", "1000"}, connectionLimit},
	{"sigterm", "SIGTERM with clients idle, in the handshake, mid-message, mid-frame and not reading", nil, sigterm},
}

// spawn runs fn(i) for i < n in goroutines, at most parallel of them in
// their setup at once: fn calls ready() when its connection is set up.
// wait waits for every fn to return; inPlace, for every ready.
type crowd struct {
	wg, ready sync.WaitGroup
}

func spawn(n, parallel int, fn func(i int, ready func())) *crowd {
	c := &crowd{}
	sem := make(chan struct{}, parallel)
	c.wg.Add(n)
	c.ready.Add(n)
	go func() {
		for i := range n {
			sem <- struct{}{}
			go func() {
				defer c.wg.Done()
				once := sync.OnceFunc(func() { <-sem; c.ready.Done() })
				defer once()
				fn(i, once)
			}()
		}
	}()
	return c
}

func (c *crowd) inPlace() { c.ready.Wait() }
func (c *crowd) wait()    { c.wg.Wait() }

// hold waits for d or the end of ctx.
func hold(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func baseline(ctx context.Context, e *env, s *scale) *tally {
	hold(ctx, 5*time.Second)
	e.measure()
	return &tally{}
}

func idle(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	release := make(chan struct{})
	c := spawn(s.idle, 256, func(i int, ready func()) {
		conn, err := upgraded(e.addr, false, 10*time.Second)
		if err != nil {
			t.add("failed to upgrade")
			return
		}
		defer conn.nc.Close()
		conn.nc.Write(frame(wire.OpBinary, true, false, []byte("sixteen bytes!!!")))
		if out := conn.outcome(time.Now().Add(10*time.Second), true); out != "echo" {
			t.add(out)
			return
		}
		ready()
		<-release
		// Still there? A ping must come back as a pong.
		conn.nc.Write(frame(wire.OpPing, true, false, nil))
		conn.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if f, err := conn.readFrame(); err == nil && f.op == wire.OpPong {
			t.add("open")
		} else {
			t.add("lost")
		}
	})
	c.inPlace()
	hold(ctx, 3*time.Second) // past the reference server's 1 s quiet point
	e.measure()
	e.note = perConnection(e, s.idle)
	close(release)
	c.wait()
	return t
}

func slowloris(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	end := time.Now().Add(12 * time.Second) // past the 10 s handshake timeout
	conns := make([]*wsConn, s.slowloris)
	var mu sync.Mutex
	c := spawn(s.slowloris, 256, func(i int, ready func()) {
		nc, err := dialTCP(e.addr)
		if err != nil {
			t.add("failed to connect")
			return
		}
		conn := newConn(nc)
		defer nc.Close()
		if _, err := nc.Write([]byte("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")); err != nil {
			t.add("drop")
			return
		}
		mu.Lock()
		conns[i] = conn
		mu.Unlock()
		ready()
		t.add(conn.httpOutcome(end))
	})
	// One byte of a header line per connection per second.
	go func() {
		for time.Now().Before(end) {
			hold(ctx, time.Second)
			mu.Lock()
			for _, conn := range conns {
				if conn != nil {
					conn.nc.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
					conn.nc.Write([]byte("X"))
				}
			}
			mu.Unlock()
		}
	}()
	c.inPlace()
	hold(ctx, time.Until(end)-time.Second)
	e.measure()
	c.wait()
	return t
}

func slowReaders(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	end := time.Now().Add(10 * time.Second)
	msg := frame(wire.OpBinary, true, false, make([]byte, 1<<20))
	c := spawn(s.slowReaders, 64, func(i int, ready func()) {
		conn, err := upgraded(e.addr, false, 10*time.Second)
		if err != nil {
			t.add("failed to upgrade")
			return
		}
		defer conn.nc.Close()
		ready()
		conn.nc.SetWriteDeadline(end)
		for {
			if _, err := conn.nc.Write(msg); err != nil {
				t.add(errorOutcome(err))
				return
			}
		}
	})
	c.wait()
	e.measure()
	return t
}

// sendFragmented writes size bytes of a message in 64 KiB fragments, the
// last one final when size is 16 MiB; with short, the last fragment is one
// byte short of its declared length. It stops early when stop is closed.
func sendFragmented(conn *wsConn, size int, short bool, stop <-chan struct{}) error {
	const frag = 64 << 10
	payload := make([]byte, frag)
	first, middle, last := frame(wire.OpBinary, false, false, payload), frame(wire.OpContinuation, false, false, payload), frame(wire.OpContinuation, true, false, payload)
	if short {
		last = last[:len(last)-1]
	}
	for sent := 0; sent < size; sent += frag {
		f := middle
		switch {
		case sent == 0:
			f = first
		case sent+frag >= size && size == 16<<20:
			f = last
		}
		select {
		case <-stop:
			return nil
		default:
		}
		if _, err := conn.nc.Write(f); err != nil {
			return err
		}
	}
	return nil
}

func fragmented(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	end := time.Now().Add(90 * time.Second)
	c := spawn(s.fragmented, 256, func(i int, ready func()) {
		conn, err := upgraded(e.addr, false, 10*time.Second)
		if err != nil {
			t.add("failed to upgrade")
			return
		}
		defer conn.nc.Close()
		ready()
		done := make(chan string, 1)
		go func() { done <- conn.outcome(end, true) }()
		stop := make(chan struct{})
		go func() {
			conn.nc.SetWriteDeadline(end)
			sendFragmented(conn, 16<<20, false, stop)
		}()
		t.add(<-done)
		close(stop)
	})
	c.wait()
	e.measure()
	return t
}

// stalled leaves 16 MiB messages unfinished: half the connections send
// all of it but the last byte and fall silent, the other half all but
// the last fragment and then a ping a second (control frames may come
// between fragments), which keeps them from being idle.
func stalled(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	end := time.Now().Add(15 * time.Second) // past the 10 s stall timeout
	c := spawn(s.stalled, 64, func(i int, ready func()) {
		conn, err := upgraded(e.addr, false, 10*time.Second)
		if err != nil {
			t.add("failed to upgrade")
			return
		}
		defer conn.nc.Close()
		pinging := i%2 == 1
		size := 16 << 20
		if pinging {
			size -= 64 << 10 // the final fragment never comes
		}
		if err := sendFragmented(conn, size, !pinging, nil); err != nil {
			t.add(errorOutcome(err))
			return
		}
		ready()
		done := make(chan string, 1)
		go func() { done <- conn.outcome(end, false) }()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case out := <-done:
				t.add(out)
				return
			case <-tick.C:
				if pinging {
					conn.nc.Write(frame(wire.OpPing, true, false, []byte("still here")))
				}
			}
		}
	})
	c.inPlace()
	hold(ctx, time.Until(end)-500*time.Millisecond)
	e.measure()
	c.wait()
	return t
}

func bomb1GiB(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	conn, err := upgraded(e.addr, true, 10*time.Second)
	if err != nil {
		t.add("failed to upgrade")
		return t
	}
	defer conn.nc.Close()
	go conn.nc.Write(frame(wire.OpBinary, true, true, bomb(64)))
	t.add(conn.outcome(time.Now().Add(40*time.Second), true))
	e.measure()
	return t
}

func nearLimitBombs(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	msg := frame(wire.OpBinary, true, true, nearLimitBomb())
	end := time.Now().Add(10 * time.Second)
	c := spawn(s.bombers, s.bombers, func(i int, ready func()) {
		conn, err := upgraded(e.addr, true, 10*time.Second)
		if err != nil {
			t.add("failed to upgrade")
			return
		}
		defer conn.nc.Close()
		ready()
		for time.Now().Before(end) {
			conn.nc.SetWriteDeadline(end)
			if _, err := conn.nc.Write(msg); err != nil {
				t.add(errorOutcome(err))
				return
			}
			out := conn.outcome(end.Add(5*time.Second), true)
			t.add(out)
			if out != "echo" {
				return
			}
		}
	})
	c.wait()
	e.measure()
	return t
}

func junk(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	end := time.Now().Add(12 * time.Second)
	var mu sync.Mutex
	var answered []time.Duration
	c := spawn(s.junk, 64, func(i int, ready func()) {
		nc, err := dialTCP(e.addr)
		if err != nil {
			t.add("failed to connect")
			return
		}
		defer nc.Close()
		b := make([]byte, 100)
		rand.NewChaCha8([32]byte{byte(i), byte(i >> 8)}).Read(b)
		start := time.Now()
		nc.Write(b)
		ready()
		out := newConn(nc).httpOutcome(end)
		if out != "open" {
			mu.Lock()
			answered = append(answered, time.Since(start))
			mu.Unlock()
		}
		t.add(out)
	})
	c.wait()
	e.measure()
	if len(answered) > 0 {
		e.note = "median answer after " + median(answered).Round(time.Millisecond).String()
	}
	return t
}

func connectionLimit(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	release := make(chan struct{})
	c := spawn(s.overLimit, 64, func(i int, ready func()) {
		conn, resp, err := dialWS(e.addr, false, 10*time.Second)
		if err != nil {
			ready()
			t.add(errorOutcome(err))
			return
		}
		defer conn.nc.Close()
		if resp.StatusCode != http.StatusSwitchingProtocols {
			ready()
			t.add(conn.refusalOutcome(resp, time.Now().Add(5*time.Second)))
			return
		}
		t.add("HTTP 101")
		ready()
		<-release
	})
	c.inPlace()
	e.measure()
	close(release)
	c.wait()
	return t
}

// sigterm puts clients in every state, then sends the server SIGTERM and
// records what each group got by the time the server exits (10 s at most).
func sigterm(ctx context.Context, e *env, s *scale) *tally {
	t := &tally{}
	start := make(chan struct{}) // closed when SIGTERM is sent
	var sentAt time.Time
	groups := []struct {
		name  string
		n     int
		setup func(conn *wsConn) error // nil: in the handshake
	}{
		{"idle", 100, func(*wsConn) error { return nil }},
		{"handshake", 100, nil},
		{"mid-message", 20, func(c *wsConn) error {
			_, err := c.nc.Write(frame(wire.OpBinary, false, false, make([]byte, 64<<10)))
			return err
		}},
		{"mid-frame", 20, func(c *wsConn) error {
			f := frame(wire.OpBinary, true, false, make([]byte, 1<<20))
			_, err := c.nc.Write(f[:100<<10])
			return err
		}},
		{"not reading", 20, nil},
	}
	var crowds []*crowd
	for _, g := range groups {
		g := g
		crowds = append(crowds, spawn(g.n, 64, func(i int, ready func()) {
			var conn *wsConn
			switch {
			case g.name == "handshake":
				nc, err := dialTCP(e.addr)
				if err != nil {
					t.add(g.name + ": failed to connect")
					return
				}
				conn = newConn(nc)
				nc.Write([]byte("GET / HTTP/1.1\r\n"))
			default:
				var err error
				if conn, err = upgraded(e.addr, false, 10*time.Second); err != nil {
					t.add(g.name + ": failed to upgrade")
					return
				}
			}
			defer conn.nc.Close()
			if g.name == "not reading" {
				go func() {
					msg := frame(wire.OpBinary, true, false, make([]byte, 1<<20))
					conn.nc.SetWriteDeadline(time.Now().Add(30 * time.Second))
					for {
						if _, err := conn.nc.Write(msg); err != nil {
							return
						}
					}
				}()
			} else if g.setup != nil {
				if err := g.setup(conn); err != nil {
					t.add(g.name + ": " + errorOutcome(err))
					return
				}
			}
			ready()
			<-start
			deadline := sentAt.Add(10 * time.Second)
			if g.name == "handshake" {
				t.add(g.name + ": " + conn.httpOutcome(deadline))
			} else {
				t.add(g.name + ": " + conn.outcome(deadline, false))
			}
		}))
	}
	for _, c := range crowds {
		c.inPlace()
	}
	time.Sleep(time.Second) // let the slow readers fill the server's socket
	e.measure()
	sentAt = time.Now()
	close(start)
	if exit := e.proc.terminate(10 * time.Second); exit >= 0 {
		e.note = "exited " + exit.Round(time.Millisecond).String() + " after SIGTERM"
	} else {
		e.note = "still running 10 s after SIGTERM"
	}
	for _, c := range crowds {
		c.wait()
	}
	return t
}
