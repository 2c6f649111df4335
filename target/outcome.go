package target

import "time"

// Input is one client's side of a connection: what it offers in the
// opening handshake and the bytes it sends after it, in the writes it
// makes. It is the fuzz input of fuzz.Server and FuzzSession, decoded.
type Input struct {
	// Offer is the Sec-WebSocket-Extensions header value the client sends
	// ("" for none). An offer with bytes that cannot stand in an HTTP
	// header value is not sent: the connection goes without extensions.
	Offer string
	// Pieces are the client's bytes after the opening handshake, each
	// written on its own. The exchange waits after each piece until the
	// server has reacted (see Settle).
	Pieces [][]byte
	// Deadline is how long the server may take to react to a piece (or
	// to the closing handshake) before it counts as hung; 0 means
	// DefaultDeadline.
	Deadline time.Duration
	// Settle is how long the exchange waits for more output once the
	// server looks done with a piece, for servers whose reaction cannot be
	// observed directly (over TCP, or writes from other goroutines); 0
	// means the target's default.
	Settle time.Duration
	// Expect, when not nil, tells the exchange whether the outcome so far
	// (Sent pieces sent, Output received, Extensions agreed) holds all the
	// server should send in reply. Over TCP, where the end of a reaction
	// cannot be observed, the exchange stops waiting as soon as Expect
	// says so instead of waiting Settle; a server that sends less or more
	// is caught either way.
	Expect func(so *Outcome) bool
}

// DefaultDeadline is how long a server may take to react before it counts
// as hung.
const DefaultDeadline = 2 * time.Second

// Ending is how a connection ended, as the client saw it.
type Ending uint8

const (
	// EndServerClosed: the server closed the connection (TCP) itself.
	EndServerClosed Ending = iota
	// EndClientClosed: the client closed the connection: its pieces were
	// all sent and the server kept the connection open, which is right
	// when the client never asked to close; or the server did not close
	// within the grace after the closing handshake (Outcome.Lingered).
	EndClientClosed
	// EndHung: the server neither reacted nor closed within the deadline.
	EndHung
	// EndPanicked: the server's code panicked (in-process targets).
	EndPanicked
	// EndRefused: the opening handshake did not complete.
	EndRefused
)

func (e Ending) String() string {
	switch e {
	case EndServerClosed:
		return "server closed"
	case EndClientClosed:
		return "client closed"
	case EndHung:
		return "hung"
	case EndPanicked:
		return "panicked"
	case EndRefused:
		return "handshake refused"
	}
	return "unknown"
}

// Outcome is what the client saw of one connection.
type Outcome struct {
	// Status is the HTTP status of the opening handshake response, and
	// Extensions the Sec-WebSocket-Extensions it agreed to ("" for none).
	// HandshakeError says why the handshake did not complete, if it did
	// not.
	Status         int
	Extensions     string
	HandshakeError string
	// Output is every byte the server sent after its 101 response.
	Output []byte
	// After[i] is len(Output) once the server had reacted to Pieces[i]
	// (the pieces not sent, because the server closed first, have none).
	After []int
	// ClosedAfter is the index of the piece after which the server was
	// seen to have closed the connection (TCP, not only a close frame);
	// -1 while it had not by the last piece.
	ClosedAfter int
	// Sent is the number of pieces sent.
	Sent int
	// Replied is true when the client answered a server's close frame
	// with a close frame of its own, as Autobahn's client does; ReplyCode
	// is the code it echoed (0 for none).
	Replied   bool
	ReplyCode int
	// Ending is how the connection ended; Lingered is true when the
	// closing handshake was done but the server did not close TCP within
	// the grace, so the client did.
	Ending   Ending
	Lingered bool
	// Panic is the server's panic value and stack, for EndPanicked; Hang
	// says what the server was doing when it hung.
	Panic string
	Hang  string
	// Allocated is the memory the process allocated while the connection
	// was served (in-process targets; -1 when not measured).
	Allocated int64
	// Duration is the wall time of the exchange.
	Duration time.Duration
}
