package server

import "net"

// readPump reads a connection in a loop and hands every read to a handler.
//
// buffer is called before each read and returns where the read goes; got
// is called with the number of bytes read into that buffer and reports
// whether to keep reading. beforeWait is called whenever the pump is about
// to wait for the client: a handler that held output back (expecting more
// input at once) must write it now, or both sides would wait for each
// other; it reports whether to keep reading.
//
// pumpReads (socket_pump.go) returns nil when a handler stops it, and
// otherwise the read error: io.EOF when the client closed, an error that
// is os.ErrDeadlineExceeded under errors.Is when a read deadline passed.
type readPump struct {
	buffer     func() []byte
	got        func(n int) bool
	beforeWait func() bool
}

// pumpWithConnRead is the portable pump: net.Conn.Read in a loop. It is
// what pumpReads falls back to for a connection that is not a system-call
// socket (net.Pipe in tests) and on systems without socket_pump.go.
func (p readPump) pumpWithConnRead(nc net.Conn) error {
	for {
		// net.Conn.Read may wait inside, so write held output first.
		if !p.beforeWait() {
			return nil
		}
		n, err := nc.Read(p.buffer())
		if n > 0 && !p.got(n) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
