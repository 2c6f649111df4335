// Command gws is an echo server built on github.com/lxzan/gws, written the
// way that library's own examples are: an event handler whose OnMessage
// writes the message back with the same opcode.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/lxzan/gws"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
)

type handler struct {
	gws.BuiltinEventHandler
}

func (handler) OnMessage(socket *gws.Conn, message *gws.Message) {
	defer message.Close()
	_ = socket.WriteMessage(message.Opcode, message.Bytes())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "listen address (loopback only)")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	flag.Parse()

	ln, err := loopback.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	upgrader := gws.NewUpgrader(handler{}, &gws.ServerOption{
		ReadMaxPayloadSize: 16 << 20,
		PermessageDeflate:  gws.PermessageDeflate{Enabled: *compress},
	})
	echo := func(w http.ResponseWriter, r *http.Request) {
		socket, err := upgrader.Upgrade(w, r)
		if err != nil {
			return
		}
		go socket.ReadLoop()
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(echo)))
}
