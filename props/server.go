package props

import (
	"io"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// Server is the server side of one WebSocket connection after the opening
// handshake, as a state machine without I/O: the whole-session properties
// feed it a client's byte stream and compare what it writes back.
type Server interface {
	// Feed processes the next read of the client's stream and returns the
	// bytes to write to the client. The result may alias the server's
	// buffers: it is used before the next call.
	Feed(p []byte) []byte
	// Done reports whether the server will close the connection: the
	// closing handshake is over or the connection failed.
	Done() bool
}

// Faulty is a Server that can fail to answer at all: one reached through
// a target (TargetServer) that could not be dialled, refused the
// handshake, hung or panicked. The whole-session properties fail with
// Fault's reason when it is not nil, and close a Server that is an
// io.Closer once they are done with it.
type Faulty interface {
	Fault() error
}

// serverFault returns the first fault of srvs, as a property's failure
// ("" for none).
func serverFault(srvs ...Server) string {
	for _, srv := range srvs {
		if f, ok := srv.(Faulty); ok {
			if err := f.Fault(); err != nil {
				return "the server did not answer: " + err.Error()
			}
		}
	}
	return ""
}

// closeServer closes srv when it holds a connection.
func closeServer(srv Server) {
	if c, ok := srv.(io.Closer); ok {
		c.Close()
	}
}

// NewServer starts a server for a fresh connection.
type NewServer func() Server

// SessionServer returns the reference session of package server, with
// cfg, as a NewServer.
func SessionServer(cfg server.SessionConfig) NewServer {
	return func() Server { return sessionServer{server.NewSession(cfg)} }
}

type sessionServer struct{ s *server.Session }

func (s sessionServer) Feed(p []byte) []byte {
	out, _, _ := s.s.Feed(p)
	return out
}

func (s sessionServer) Done() bool { return s.s.Done() }

// FeedChopped feeds stream to srv in the reads of chop and returns all it
// wrote.
func FeedChopped(srv Server, stream []byte, chop Chop) []byte {
	var out []byte
	for _, piece := range chop.Split(stream) {
		out = append(out, srv.Feed(piece)...)
	}
	return out
}

// NewDeflateServer starts a server for a connection whose client offered
// permessage-deflate with offers (the Sec-WebSocket-Extensions values),
// negotiating with prefs. It returns the response value and the server, or
// a nil server when it declines every offer.
type NewDeflateServer func(offers []string, prefs deflate.Preferences) (response string, srv Server)

// DeflateSessionServer returns the reference session of package server,
// with cfg and the codec server.Deflate negotiates, as a NewDeflateServer.
func DeflateSessionServer(cfg server.SessionConfig) NewDeflateServer {
	return func(offers []string, prefs deflate.Preferences) (string, Server) {
		resp, codec := server.Deflate(prefs)(offers)
		if codec == nil {
			return "", nil
		}
		cfg.Compression = codec
		return resp, sessionServer{server.NewSession(cfg)}
	}
}
