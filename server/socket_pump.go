//go:build unix

package server

import (
	"io"
	"net"
	"os"
	"syscall"
)

// pumpReads runs the pump on nc.
//
// net.Conn.Read always tries the read system call first and waits for the
// socket only when that call finds nothing. In an echo loop the read after
// a short read usually finds nothing, because the client is waiting
// for the echo: three system calls per small message (read, write, the
// empty read) where two suffice. This pump waits for the socket after a
// short read and reads only once it is readable.
//
// The whole loop runs inside one syscall.RawConn.Read call. That matters:
// each RawConn.Read (and net.Conn.Read) starts by forgetting any "socket
// readable" notice the runtime's poller has kept, which is harmless only
// for a caller that then reads before waiting. Inside one call nothing is
// forgotten: a short read leaves the receive queue empty, and every byte
// that arrives after it raises a new notice (the poller is edge-triggered),
// so the wait cannot miss it. A read that fills the buffer may have left
// data behind, so the next read follows at once. Read deadlines work as
// for net.Conn.Read: the wait ends with os.ErrDeadlineExceeded.
func (p readPump) pumpReads(nc net.Conn) error {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return p.pumpWithConnRead(nc)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return p.pumpWithConnRead(nc)
	}
	var readErr error
	if err := raw.Read(func(fd uintptr) (stop bool) {
		for {
			b := p.buffer()
			n, err := syscall.Read(int(fd), b)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				return !p.beforeWait() // then wait until readable
			case err != nil:
				readErr = &net.OpError{Op: "read", Net: "tcp", Source: nc.LocalAddr(), Addr: nc.RemoteAddr(), Err: os.NewSyscallError("read", err)}
				return true
			case n == 0 && len(b) > 0:
				readErr = io.EOF
				return true
			case !p.got(n):
				return true
			case n < len(b):
				return !p.beforeWait() // drained: wait before the next read
			}
		}
	}); err != nil {
		return err
	}
	return readErr
}
