// Package server is the strict reference echo server of RFC 6455 and
// RFC 7692 (permessage-deflate).
//
// Its core is Session, a sans-I/O state machine: bytes from the client go
// in, in chunks of any size, and bytes for the client come out, with the
// events that happened. It has no sockets, goroutines or clocks, so fuzz
// targets and properties drive it in memory. Handshake answers the opening
// handshake the same way. Server is the thin network shell around both: it
// reads, feeds, writes, and enforces timeouts and connection limits. Its
// read loop (read_pump.go, socket_pump.go) waits for the socket after a
// short read instead of trying another read, and the echo of a message
// read in several pieces goes out in one write (held_output.go): two
// system calls per small message, as few as the protocol allows.
//
// Under abuse the shell keeps every cost bounded: one MemoryBudget for all
// connections' buffers (1013 when a message does not fit), stalled
// messages failed and released (stall_watch.go), read buffers borrowed
// only between a read and the next wait, connections in the handshake
// limited apart from upgraded ones and read into a small buffer
// (conn_handshake.go), and large inflations bound to GOMAXPROCS-1 slots
// (inflate_slots.go).
package server
