package server

import "github.com/wsfuzz/wsfuzz/server/wire"

// EventKind says what happened in a session.
type EventKind uint8

// The events a Session reports.
const (
	// EventText and EventBinary: a whole message arrived and was echoed.
	EventText EventKind = iota + 1
	EventBinary
	// EventPing: a ping arrived and was answered with a pong.
	EventPing
	// EventPong: an unsolicited pong arrived and was ignored.
	EventPong
	// EventClose: the peer's close frame arrived (Code is its code,
	// wire.CloseNoStatus for an empty one).
	EventClose
	// EventFail: the session failed the connection with Code because of
	// Err, and sent a close frame saying so.
	EventFail
)

func (k EventKind) String() string {
	switch k {
	case EventText:
		return "text"
	case EventBinary:
		return "binary"
	case EventPing:
		return "ping"
	case EventPong:
		return "pong"
	case EventClose:
		return "close"
	case EventFail:
		return "fail"
	}
	return "unknown"
}

// Event is one thing that happened while feeding a session. Data is the
// message or control payload; it aliases the session's buffers and is valid
// until the next call to Feed, Close or Release. A binary message that
// arrived as one frame spanning several chunks is streamed through rather
// than held, so its event has no Data: its payload left in the output as it
// arrived. A compressed message has none either: it is inflated in pieces
// that are checked and compressed again for the echo as they come, and
// never held whole.
type Event struct {
	Kind EventKind
	Data []byte
	Code wire.CloseCode
	Err  error
}
