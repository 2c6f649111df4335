package target

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Handler is a server written as an http.Handler (gorilla/websocket,
// coder/websocket, gobwas/ws's UpgradeHTTP, ...), served in-process by a
// net/http Server over in-memory connections: no port is opened. Hijacking
// works as on a real connection. A panic in the handler is reported as
// the connection's crash instead of being swallowed by net/http.
func Handler(h http.Handler) Target {
	t := &handlerTarget{ln: newPipeListener()}
	t.srv = &http.Server{
		Handler:           panicCatcher{h},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if e, ok := c.(*pipeEnd); ok {
				return context.WithValue(ctx, pipeKey{}, e.p)
			}
			return ctx
		},
	}
	t.inProcess = inProcess{serve: t.accept}
	return t
}

type handlerTarget struct {
	inProcess
	ln   *pipeListener
	srv  *http.Server
	once sync.Once
}

// accept hands the pipe's server end to the http.Server, started on first
// use.
func (t *handlerTarget) accept(p *pipe) {
	t.once.Do(func() { go t.srv.Serve(t.ln) })
	t.ln.conns <- &p.server
}

type pipeKey struct{}

// panicCatcher runs the handler and records its panic in the connection's
// pipe (net/http would log it and go on).
type panicCatcher struct{ h http.Handler }

func (c panicCatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p, ok := r.Context().Value(pipeKey{}).(*pipe); ok {
		p.serverStarted()
		defer p.serverReturned()
		defer recoverInto(p)
	}
	c.h.ServeHTTP(w, r)
}

// pipeListener is the net.Listener the in-process http.Server accepts
// pipes from.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr(memoryHost) }
