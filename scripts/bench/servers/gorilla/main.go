// Command gorilla is an echo server built on github.com/gorilla/websocket,
// written the way that library's own echo example is: ReadMessage, then
// WriteMessage with the same type.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/gorilla/websocket"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/memreport"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "listen address (loopback only)")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	flag.Parse()
	memreport.OnSignal() // for scripts/bench/abuse: SIGUSR1 logs the live heap

	ln, err := loopback.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	upgrader := websocket.Upgrader{
		EnableCompression: *compress,
		CheckOrigin:       func(*http.Request) bool { return true },
	}
	echo := func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(16 << 20)
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(echo)))
}
