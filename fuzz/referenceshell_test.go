package fuzz

import (
	"net"
	"sync"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// serveReferenceShell serves one raw connection with the reference
// server's network shell, as target.Conn wants it.
func serveReferenceShell(c net.Conn) {
	shellOnce.Do(func() {
		shellListener = &oneConnListener{conns: make(chan net.Conn)}
		srv := server.New(server.Config{Negotiate: server.Deflate(deflate.Preferences{})})
		go srv.Serve(shellListener)
	})
	shellListener.conns <- c
}

var (
	shellOnce     sync.Once
	shellListener *oneConnListener
)

// oneConnListener hands the connections it is given to a server.Server.
type oneConnListener struct{ conns chan net.Conn }

func (l *oneConnListener) Accept() (net.Conn, error) { return <-l.conns, nil }
func (l *oneConnListener) Close() error              { return nil }
func (l *oneConnListener) Addr() net.Addr            { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
