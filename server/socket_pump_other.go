//go:build !unix

package server

import "net"

// pumpReads runs the pump on nc with net.Conn.Read; socket_pump.go has
// the version that saves a system call per message on Unix systems.
func (p readPump) pumpReads(nc net.Conn) error { return p.pumpWithConnRead(nc) }
