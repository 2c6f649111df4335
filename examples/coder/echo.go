// Package coder fuzzes an echo server built on github.com/coder/websocket,
// written as that library's echo example (internal/examples/echo) writes
// it: websocket.Accept, then for each message a Reader copied into a
// Writer of the same type, under a fresh ten-second context, until the
// connection ends. The example's subprotocol check and rate limiter are
// left out: the fuzz client offers no subprotocol, and the limiter only
// slows the echo down.
package coder

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// Echo is the example's handler, without its logging.
func Echo(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		if err := echo(c); err != nil {
			return
		}
	}
}

// echo reads one message and writes it back, as the example's echo does.
func echo(c *websocket.Conn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, r, err := c.Reader(ctx)
	if err != nil {
		return err
	}
	w, err := c.Writer(ctx, typ)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	return w.Close()
}
