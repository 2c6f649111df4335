package props

import (
	"context"
	"strings"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/target"
)

// TargetServer drives the server behind t (your http.Handler, your
// net.Conn server, a URL on this machine, or the reference) as a Server,
// so that the whole-session properties (ChopInvariance, FragmentedEcho,
// FailFastMidFrame, SessionModel) check it:
//
//	props.Check(t, props.FragmentedEcho(props.TargetServer(target.Handler(myHandler))))
//
// Each call of the NewServer opens a fresh connection and performs the
// opening handshake without extensions; Feed sends one piece and returns
// the server's answer to it (see target.Session for how the end of an
// answer is known); Done reports that the server closed the connection or
// sent its close frame, after which Feed sends nothing. A server that
// cannot be reached, refuses the handshake, hangs or panics fails the
// property with that reason (see Faulty). opts set the session's deadline
// and settle time (target.WithDeadline, target.WithSettle).
func TargetServer(t target.Target, opts ...target.SessionOption) NewServer {
	return func() Server { return openTarget(t, "", opts) }
}

// TargetDeflateServer is TargetServer for CompressedEcho: the client's
// offers go in its opening handshake (several joined as one
// Sec-WebSocket-Extensions value), and the server answers with its own
// preferences, whatever the property's are; the property then holds the
// server to the response it gave. A server that agrees to no extension
// declines the offer.
func TargetDeflateServer(t target.Target, opts ...target.SessionOption) NewDeflateServer {
	return func(offers []string, _ deflate.Preferences) (string, Server) {
		srv := openTarget(t, strings.Join(offers, ", "), opts)
		if srv.err != nil {
			return "", srv
		}
		resp := srv.s.Extensions()
		if resp == "" {
			srv.Close()
			return "", nil
		}
		return resp, srv
	}
}

// openTarget opens one connection to t as a Server.
func openTarget(t target.Target, offer string, opts []target.SessionOption) *targetServer {
	s, err := target.Open(context.Background(), t, offer, opts...)
	return &targetServer{s: s, err: err, done: err != nil}
}

// targetServer is one connection to a Target, as a Server.
type targetServer struct {
	s *target.Session
	// err is why the server could not be driven: it could not be
	// reached, refused the handshake, hung or panicked.
	err error
	// done is set once the server closed or sent its close frame.
	done bool
}

func (s *targetServer) Feed(p []byte) []byte {
	if s.err != nil || s.Done() {
		return nil
	}
	out, err := s.s.Send(p)
	s.err = err
	return out
}

func (s *targetServer) Done() bool {
	if !s.done {
		_, closeSent := s.s.CloseFrame()
		s.done = s.s.Closed() || closeSent
	}
	return s.done
}

func (s *targetServer) Fault() error { return s.err }

func (s *targetServer) Close() error {
	if s.s == nil {
		return nil
	}
	return s.s.Close()
}
