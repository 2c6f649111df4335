package replay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Options tune a replay. The zero value replays as described in the
// package documentation.
type Options struct {
	// TimeScale multiplies the waits that pace a case: its continue-later
	// timers, after which the script goes on. 0 means 0.1; 1 waits exactly
	// as Autobahn does.
	TimeScale float64
	// GuardScale multiplies the waits that only end the case of a server
	// that stopped answering: close-after and kill-after timers, and the
	// protocol's waits for the closing handshake and for the server to drop
	// TCP. Against a server that answers they cost nothing, so 0 means 1,
	// exactly as Autobahn; raise it on a loaded machine.
	GuardScale float64
	// MinWait is the shortest a scaled wait may become (0 means 20 ms), so
	// that a server on a busy machine still has time to answer.
	MinWait time.Duration
	// SyncGap is the pause after each write Autobahn flushed on its own
	// (sync frames, chopped frames), standing in for the reactor turn it
	// takes between them (0 means 20 µs; negative means none).
	SyncGap time.Duration
	// Limit bounds a whole case; a server that keeps the connection open
	// past it is dropped (0 means 30 s).
	Limit time.Duration
	// Dial opens the TCP connection; nil means a net.Dialer with a 5 s
	// timeout.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Trace records what happens in Observed.Trace.
	Trace bool
	// WireLog records the wire log in Observed.Wire, every octet sent and
	// received, for writing the run as an Autobahn report.
	WireLog bool
}

func (o Options) withDefaults() Options {
	if o.TimeScale <= 0 {
		o.TimeScale = 0.1
	}
	if o.GuardScale <= 0 {
		o.GuardScale = 1
	}
	if o.MinWait <= 0 {
		o.MinWait = 20 * time.Millisecond
	}
	if o.SyncGap == 0 {
		o.SyncGap = 20 * time.Microsecond
	}
	if o.Limit <= 0 {
		o.Limit = 30 * time.Second
	}
	if o.Dial == nil {
		d := &net.Dialer{Timeout: 5 * time.Second}
		o.Dial = d.DialContext
	}
	return o
}

// pace turns one of the case's pacing waits into the replay's.
func (o Options) pace(seconds float64) time.Duration {
	d := time.Duration(seconds * o.TimeScale * float64(time.Second))
	return max(d, o.MinWait)
}

// guard turns one of the waits that end a silent server's case into the
// replay's.
func (o Options) guard(seconds float64) time.Duration {
	return time.Duration(seconds * o.GuardScale * float64(time.Second))
}

// Run replays a compiled case against the WebSocket server at target (a
// ws:// URL) and returns what the client observed. It fails only when the
// replay cannot take place (a bad target, a refused connection); how the
// server behaves is in the Observed, for Judge.
func Run(ctx context.Context, p *Plan, target string, opt Options) (*Observed, error) {
	t, err := ParseTarget(target)
	if err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	if p.Echo != nil && (p.Echo.Count < 1 || p.Echo.Message == nil) {
		return nil, fmt.Errorf("case %s: the echo script needs a message function and a count of at least 1", p.Case.ID)
	}
	req, key, err := buildRequest(p.Request, t)
	if err != nil {
		return nil, &NotReplayableError{ID: p.Case.ID, Kind: SkipBadRequest, Reason: err.Error()}
	}
	conn, err := opt.Dial(ctx, "tcp", t.Addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	s := newSession(p, opt, conn, key)
	s.offer = extensionOffer(string(req))
	s.run(ctx, req)
	s.obs.Wire, s.obs.Stats = s.log.entries, s.log.stats
	return s.obs, nil
}

// writer performs a session's writes in order, off the session's loop, so
// that a server that does not read never blocks the client: Autobahn's
// client never blocks on a write either.
type writer struct {
	conn net.Conn
	gap  time.Duration

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []writeOp
	closed bool
	done   chan struct{}
}

// writeOp is one write (flushed on its own when sync), or the end of the
// connection once everything before it is written.
type writeOp struct {
	data  []byte
	sync  bool
	close bool
}

func newWriter(conn net.Conn, gap time.Duration) *writer {
	w := &writer{conn: conn, gap: gap, done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

func (w *writer) push(op writeOp) {
	w.mu.Lock()
	if !w.closed {
		w.queue = append(w.queue, op)
		w.cond.Signal()
	}
	w.mu.Unlock()
}

// stop discards what is not written yet and ends the writer.
func (w *writer) stop() {
	w.mu.Lock()
	w.closed = true
	w.queue = nil
	w.cond.Signal()
	w.mu.Unlock()
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	failed := false
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.closed {
			w.cond.Wait()
		}
		if w.closed {
			w.mu.Unlock()
			return
		}
		op := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		switch {
		case op.close:
			w.conn.Close()
			failed = true
		case !failed:
			if _, err := w.conn.Write(op.data); err != nil {
				failed = true
			} else if op.sync && w.gap > 0 {
				pause(w.gap)
			}
		}
	}
}

// pause waits for d. Sleeping rounds short waits up to the timer's
// granularity (often a millisecond or more under load), which would make
// a frame chopped into a hundred writes take longer than the case's own
// timers; short waits spin instead, yielding the processor.
func pause(d time.Duration) {
	if d >= time.Millisecond {
		time.Sleep(d)
		return
	}
	for end := time.Now().Add(d); time.Now().Before(end); {
		runtime.Gosched()
	}
}

// readResult is one read of the server's octets.
type readResult struct {
	data []byte
	err  error
}

func reader(conn net.Conn, out chan<- readResult, done <-chan struct{}) {
	buf := make([]byte, 64<<10)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			select {
			case out <- readResult{data: append([]byte(nil), buf[:n]...)}:
			case <-done:
				return
			}
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				err = errClosedByClient
			}
			select {
			case out <- readResult{err: err}:
			case <-done:
			}
			return
		}
	}
}

var errClosedByClient = errors.New("closed by the client")

// timerKind names the timers of a session.
type timerKind int

const (
	timerContinue timerKind = iota
	timerKill
	timerClose
	timerOpenHandshake
	timerCloseHandshake
	timerServerDrop
)

type timerFire struct {
	id     int
	kind   timerKind
	action *Action
}

// after arms a timer; it fires into the session's loop.
func (s *session) after(d time.Duration, kind timerKind, a *Action) int {
	s.nextTimer++
	id := s.nextTimer
	f := timerFire{id: id, kind: kind, action: a}
	s.timers[id] = time.AfterFunc(d, func() {
		select {
		case s.timerCh <- f:
		case <-s.done:
		}
	})
	return id
}

func (s *session) cancel(id int) {
	if t, ok := s.timers[id]; ok {
		t.Stop()
		delete(s.timers, id)
	}
}

// run is the session's loop: like Autobahn's reactor, one event at a time
// (octets read, a timer fired), and the writes each event caused go out
// together at its end.
func (s *session) run(ctx context.Context, req []byte) {
	reads := make(chan readResult, 16)
	go reader(s.conn, reads, s.done)
	defer func() {
		close(s.done)
		for _, t := range s.timers {
			t.Stop()
		}
		s.w.stop()
		s.conn.Close()
	}()
	limit := time.NewTimer(s.opt.Limit)
	defer limit.Stop()

	s.tracef("TX opening handshake (%d octets)", len(req))
	s.obs.Request = string(req)
	s.log.octets(corpus.TxOctets, req, false)
	s.w.push(writeOp{data: req})
	s.openTimer = s.after(s.opt.guard(5), timerOpenHandshake, nil)
	for {
		select {
		case r := <-reads:
			if r.err != nil {
				s.connectionLost(r.err)
				return
			}
			s.dataReceived(r.data)
		case f := <-s.timerCh:
			if _, ok := s.timers[f.id]; ok {
				delete(s.timers, f.id)
				s.fire(f)
			}
		case <-limit.C:
			s.obs.TimedOut = true
			s.tracef("gave up after %v", s.opt.Limit)
			s.dropConnection(true)
		case <-ctx.Done():
			s.tracef("cancelled: %v", ctx.Err())
			s.dropConnection(true)
			ctx = context.Background()
		}
		s.flushTurn()
	}
}

func (s *session) tracef(format string, args ...any) {
	if !s.opt.Trace {
		return
	}
	at := time.Since(s.begin)
	s.obs.Trace = append(s.obs.Trace, fmt.Sprintf("%8.3fms %s", float64(at.Microseconds())/1000, fmt.Sprintf(format, args...)))
}
