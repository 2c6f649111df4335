// Package gorilla fuzzes an echo server built on github.com/gorilla/websocket,
// written as that library's own echo example (examples/echo/server.go)
// writes it: a zero Upgrader, then ReadMessage and WriteMessage of the
// same type until an error.
package gorilla

import (
	"net/http"

	"github.com/gorilla/websocket"
)

// upgrader is the example's: all defaults, so no read limit, no
// compression, and the same-origin check (the fuzz client sends no Origin).
var upgrader = websocket.Upgrader{}

// Echo is the example's handler, without its logging.
func Echo(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		mt, message, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(mt, message); err != nil {
			return
		}
	}
}
