// Package gws fuzzes an echo server built on github.com/lxzan/gws,
// written as that library's echo example (examples/echo) writes it: an
// Upgrader with UTF-8 checks, panic recovery and permessage-deflate with
// context takeover both ways, an event handler that answers pings with
// their payload and writes each message back with its opcode, and the
// connection's ReadLoop in a goroutine of its own.
package gws

import (
	"net/http"

	"github.com/lxzan/gws"
)

// handler is the example's event handler.
type handler struct {
	gws.BuiltinEventHandler
}

func (handler) OnPing(socket *gws.Conn, payload []byte) {
	_ = socket.WritePong(payload)
}

func (handler) OnMessage(socket *gws.Conn, message *gws.Message) {
	defer message.Close()
	_ = socket.WriteMessage(message.Opcode, message.Bytes())
}

// upgrader is the example's; its read limit is gws's default, 16 MiB.
var upgrader = gws.NewUpgrader(handler{}, &gws.ServerOption{
	CheckUtf8Enabled: true,
	Recovery:         gws.Recovery,
	PermessageDeflate: gws.PermessageDeflate{
		Enabled:               true,
		ServerContextTakeover: true,
		ClientContextTakeover: true,
	},
})

// Echo is the example's handler.
func Echo(w http.ResponseWriter, r *http.Request) {
	socket, err := upgrader.Upgrade(w, r)
	if err != nil {
		return
	}
	go func() {
		socket.ReadLoop()
	}()
}
