package target

import (
	"context"
	"net"
	"sync"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// Reference is wsfuzz's own strict server: the sans-I/O server.Session
// with cfg's limits, negotiating each connection's permessage-deflate
// offer afresh with default preferences, as the network shell does
// (cfg.Compression is ignored).
//
// Exchange drives the session directly, in memory and without
// goroutines, so a fuzz input costs what the session costs; the outcome is
// the one the network shell would produce: the server closes TCP once the
// closing handshake is done, and when it failed the connection it waits
// for the client's close frame first. Dial serves the same configuration
// through the network shell (server.Server) over an in-memory connection,
// for clients that run a script of their own (replay, conform).
func Reference(cfg server.SessionConfig) Target {
	cfg.Compression = nil
	return &referenceTarget{cfg: cfg}
}

type referenceTarget struct {
	cfg server.SessionConfig

	once  sync.Once
	shell inProcess
}

// negotiator is the reference server's permessage-deflate negotiation.
var negotiator = server.Deflate(deflate.Preferences{})

func (t *referenceTarget) URL() string { return "ws://" + memoryHost + "/" }

func (t *referenceTarget) Dial(ctx context.Context) (net.Conn, error) {
	t.once.Do(func() {
		ln := newPipeListener()
		srv := server.New(server.Config{
			MaxMessageSize: t.cfg.MaxMessageSize,
			MaxFrameSize:   t.cfg.MaxFrameSize,
			Negotiate:      negotiator,
		})
		go srv.Serve(ln)
		t.shell = inProcess{serve: func(p *pipe) { ln.conns <- &p.server }}
	})
	return t.shell.Dial(ctx)
}

func (t *referenceTarget) Exchange(ctx context.Context, in Input) (*Outcome, error) {
	return exchange(ctx, t, in, true)
}

// openLink starts a connection to the reference session: the handshake
// is the negotiation of offer, which always succeeds.
func (t *referenceTarget) openLink(offer string, o *Outcome) link {
	o.Status, o.Ending = 101, EndClientClosed
	cfg := t.cfg
	if OfferSendable(offer) {
		o.Extensions, cfg.Compression = negotiator([]string{offer})
	}
	return referenceLink{server.NewSession(cfg)}
}

// referenceLink is a Session straight into the sans-I/O session, in
// memory and without goroutines. It produces the outcome the network shell
// would: the server closes TCP once the closing handshake is done, and
// when it failed the connection it waits for the client's close frame
// first.
type referenceLink struct{ sess *server.Session }

func (l referenceLink) send(o *Outcome, piece []byte) bool {
	out, _, _ := l.sess.Feed(piece)
	l.sess.Release()
	o.Output = append(o.Output, out...)
	o.Sent++
	if l.sess.Done() {
		o.Ending = EndServerClosed
	}
	return true
}

func (l referenceLink) over(*Outcome) bool { return l.sess.Done() }

func (l referenceLink) finish(o *Outcome, sent []byte) {
	if !l.sess.Done() {
		return
	}
	o.Ending = EndServerClosed
	if _, _, clientClosed := findClientClose(sent); !clientClosed {
		// The server failed the connection: the client answers its close
		// frame, and the shell then closes TCP.
		_, code, _ := findClose(o.Output)
		o.Replied, o.ReplyCode = true, max(code, 0)
	}
}

func (l referenceLink) close() error { return nil }
