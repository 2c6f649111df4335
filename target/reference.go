package target

import (
	"context"
	"net"
	"sync"
	"time"

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
	allocs := newAllocCounter()
	before := allocs.read()
	start := time.Now()
	o := &Outcome{Status: 101, Ending: EndClientClosed}
	cfg := t.cfg
	if OfferSendable(in.Offer) {
		o.Extensions, cfg.Compression = negotiator([]string{in.Offer})
	}
	sess := server.NewSession(cfg)
	var sent []byte
	for _, piece := range in.Pieces {
		if sess.Done() || ctx.Err() != nil {
			break
		}
		out, _, _ := sess.Feed(piece)
		sess.Release()
		sent = append(sent, piece...)
		o.Output = append(o.Output, out...)
		o.Sent++
		o.After = append(o.After, len(o.Output))
	}
	if sess.Done() {
		o.Ending = EndServerClosed
		if _, _, clientClosed := findClose(sent); !clientClosed {
			// The server failed the connection: the client answers its
			// close frame, and the shell then closes TCP.
			_, code, _ := findClose(o.Output)
			o.Replied, o.ReplyCode = true, max(code, 0)
		}
	}
	o.Duration = time.Since(start)
	if before >= 0 {
		o.Allocated = allocs.read() - before
	}
	return o, nil
}
