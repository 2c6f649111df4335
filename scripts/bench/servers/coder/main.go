// Command coder is an echo server built on github.com/coder/websocket,
// written the way that library's own echo example is: for each message,
// copy its Reader into a Writer of the same type.
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"net/http"

	"github.com/coder/websocket"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "listen address (loopback only)")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	flag.Parse()

	ln, err := loopback.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	opts := &websocket.AcceptOptions{
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	}
	if *compress {
		opts.CompressionMode = websocket.CompressionNoContextTakeover
	}
	echo := func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, opts)
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(16 << 20)
		ctx := r.Context()
		for {
			if err := echoOne(ctx, c); err != nil {
				return
			}
		}
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(echo)))
}

func echoOne(ctx context.Context, c *websocket.Conn) error {
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
