// Package gobwas fuzzes an echo server built on github.com/gobwas/ws,
// written as that library's README writes its higher-level echo server:
// ws.UpgradeHTTP in an http.Handler, then a goroutine that reads each
// message with wsutil.ReadClientData and writes it back with
// wsutil.WriteServerMessage, with the message size bound the README sets.
package gobwas

import (
	"net/http"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// MaxMessageSize is the README's bound on the messages the wsutil helpers
// read, in all their fragments.
const MaxMessageSize = 1 << 20

func init() {
	// The README sets it in main, before serving; it is process-wide.
	wsutil.SetMaxMessageSize(MaxMessageSize)
}

// Echo is the README's handler, with its "handle error" placeholders
// filled in by the one thing an echo server can do: stop.
func Echo(w http.ResponseWriter, r *http.Request) {
	conn, _, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		return
	}
	go func() {
		defer conn.Close()
		for {
			msg, op, err := wsutil.ReadClientData(conn)
			if err != nil {
				return
			}
			if err := wsutil.WriteServerMessage(conn, op, msg); err != nil {
				return
			}
		}
	}()
}
