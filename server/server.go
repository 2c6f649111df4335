package server

import (
	"container/list"
	"context"
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("server closed")

// Large read buffers (largeReadSize each): connections reading long
// frames borrow one for each read and its Feed. A goroutine preempted in
// between holds its buffer until it runs again, so with many connections
// busy at once many are in use: up to longReadBuffersInUse (128 MiB, from
// the memory budget), of which the server keeps longReadBuffersKept (32
// MiB) while they are not. With all in use a connection reads through
// its ordinary buffer.
const (
	longReadBuffersInUse = 1024
	longReadBuffersKept  = 256
)

// Server is the network shell around Session: it accepts TCP connections,
// answers the opening handshake, then reads, feeds the session and writes
// what it returns, enforcing the Config's timeouts and limits.
type Server struct {
	cfg Config

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	pending   list.List // connections in the opening handshake, oldest first
	closing   bool
	wg        sync.WaitGroup
	active    atomic.Int64 // connections served, in the handshake or upgraded
	upgraded  atomic.Int64 // of which upgraded (admitted under MaxConnections)
	nextID    atomic.Uint64

	// Memory shared by the connections: the budget, and the buffers
	// they borrow. Small read buffers come from a sync.Pool and are held
	// only between a read and the next wait, so they are not budgeted.
	budget      *MemoryBudget
	held        *bufferList // output held back (held_output.go)
	longReads   *bufferList // large read buffers for long frames
	readBuffers sync.Pool
	heavy       heavySlots
}

// New returns a server with cfg's zero fields set to the defaults.
func New(cfg Config) *Server {
	s := &Server{
		cfg:       cfg.withDefaults(),
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*conn]struct{}),
		heavy:     newHeavySlots(max(1, runtime.GOMAXPROCS(0)-1)),
	}
	s.budget = NewMemoryBudget(s.cfg.MaxMemory)
	s.held = newBufferList(heldBuffersPerServer, heldBuffersPerServer, maxHeldOutput, s.budget)
	s.longReads = newBufferList(longReadBuffersInUse, longReadBuffersKept, largeReadSize, s.budget)
	size := s.cfg.ReadBufferSize
	s.readBuffers.New = func() any { b := make([]byte, size); return &b }
	return s
}

// ListenAndServe listens on the TCP address addr and serves it.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln until Shutdown, serving each in its own
// goroutine. It always returns an error; ErrServerClosed after Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		c := &conn{srv: s, nc: nc, id: s.nextID.Add(1)}
		if !s.track(c) {
			nc.Close()
			return ErrServerClosed
		}
		go c.serve()
	}
}

// Shutdown stops accepting, sends every upgraded connection a close frame
// with 1001 (going away) and answers those still in the opening handshake
// with 503, and waits for the connections to end, up to ctx's deadline;
// then it drops the rest and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.goAway()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// Active returns the number of connections being served, in the opening
// handshake or upgraded.
func (s *Server) Active() int { return int(s.active.Load()) }

// Stats is a snapshot of what a server holds.
type Stats struct {
	Handshaking int   // connections in the opening handshake
	Upgraded    int   // upgraded connections
	MemoryInUse int64 // octets reserved from the memory budget
	MemoryLimit int64 // the budget, 0 for none
}

// Stats returns what the server holds now.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	handshaking := s.pending.Len()
	s.mu.Unlock()
	return Stats{
		Handshaking: handshaking,
		Upgraded:    int(s.upgraded.Load()),
		MemoryInUse: s.budget.InUse(),
		MemoryLimit: s.budget.Limit(),
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// track registers a new connection, in the opening handshake; false when
// the server is closing. When MaxHandshakes connections are already in the
// handshake, the one that has waited longest is evicted (answered 503).
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	if s.pending.Len() >= s.cfg.MaxHandshakes {
		oldest := s.pending.Front().Value.(*conn)
		s.pending.Remove(oldest.pending)
		oldest.pending = nil
		oldest.evict()
	}
	c.pending = s.pending.PushBack(c)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.active.Add(1)
	return true
}

// handshakeOver takes c off the list of connections in the handshake.
func (s *Server) handshakeOver(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.pending != nil {
		s.pending.Remove(c.pending)
		c.pending = nil
	}
}

// admit counts c as upgraded, unless MaxConnections are already.
func (s *Server) admit(c *conn) bool {
	if s.upgraded.Add(1) > int64(s.cfg.MaxConnections) {
		s.upgraded.Add(-1)
		return false
	}
	c.admitted = true
	return true
}

func (s *Server) untrack(c *conn) {
	s.handshakeOver(c)
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	if c.admitted {
		s.upgraded.Add(-1)
	}
	s.active.Add(-1)
	s.wg.Done()
}
