package fuzz

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"

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

// referenceHandler is the reference session written as an http.Handler,
// the way a library user writes a server: answer the upgrade, hijack,
// then read, feed the session and write what it answers until it is done.
var referenceHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	res := server.AnswerHandshake(r, server.Deflate(deflate.Preferences{}))
	if !res.Accepted() {
		http.Error(w, res.Reason, res.Status)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.Write(res.Response); err != nil {
		return
	}
	sess := server.NewSession(server.SessionConfig{Compression: res.Codec})
	buf := make([]byte, 4<<10) // as gorilla's default read buffer
	for !sess.Done() {
		n, err := rw.Reader.Read(buf)
		if n > 0 {
			out, _, _ := sess.Feed(buf[:n])
			if _, werr := conn.Write(out); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
	// Linger as the network shell does: shut the writing half, so the
	// client reads the close frame and end of stream, and read until it
	// closes too.
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	conn.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, rw.Reader)
})
