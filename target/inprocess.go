package target

import (
	"context"
	"fmt"
	"net"
	"runtime/debug"
)

// memoryHost is the Host of in-process targets' requests; the name is
// reserved (RFC 6761) and never dialled.
const memoryHost = "wsfuzz.invalid"

// inProcess is the part every in-process target shares: each connection
// is a pipe whose server end is handed to serve, in a goroutine of its own
// that turns a panic into the connection's end.
type inProcess struct {
	serve func(p *pipe)
}

func (t inProcess) URL() string { return "ws://" + memoryHost + "/" }

func (t inProcess) open() *pipe {
	p := newPipe()
	p.serverStarted()
	go func() {
		defer p.serverReturned()
		defer recoverInto(p)
		t.serve(p)
	}()
	return p
}

func (t inProcess) Dial(ctx context.Context) (net.Conn, error) {
	return &t.open().client, nil
}

func (t inProcess) Exchange(ctx context.Context, in Input) (*Outcome, error) {
	return exchange(ctx, t, in, true)
}

// recoverInto records a panic of the server's code in p; deferred around
// everything that runs the server.
func recoverInto(p *pipe) {
	if v := recover(); v != nil {
		p.serverPanicked(fmt.Sprintf("panic: %v\n\n%s", v, debug.Stack()))
	}
}

// Conn is a server that takes a raw connection: serve gets the server's
// end of an in-memory connection (deadlines work; Close ends it) before
// the opening handshake, as from net.Listener.Accept, for servers such as
// gobwas/ws's ws.Upgrade, lxzan/gws or hand-written ones. serve may return
// at once and go on in goroutines of its own. A panic in serve itself is
// reported as the connection's crash; one in another goroutine crashes the
// process, which go test -fuzz also reports.
func Conn(serve func(net.Conn)) Target {
	return inProcess{serve: func(p *pipe) { serve(&p.server) }}
}
