package server

import "time"

// Defaults of Config's zero fields.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultIdleTimeout      = 120 * time.Second
	DefaultCloseTimeout     = 5 * time.Second
	DefaultWriteTimeout     = 30 * time.Second
	DefaultStallTimeout     = 10 * time.Second
	DefaultMinMessageRate   = 1 << 10
	DefaultMaxConnections   = 10000
	DefaultMaxHandshakes    = 1000
	DefaultReadBufferSize   = 32 << 10
)

// NoMemoryLimit, as Config.MaxMemory, turns the memory budget off.
const NoMemoryLimit = -1

// Config configures a Server. The zero value is a strict server with safe
// limits and no extensions.
type Config struct {
	// MaxMessageSize and MaxFrameSize bound a message (after inflation)
	// and a frame; see SessionConfig.
	MaxMessageSize int64
	MaxFrameSize   int64
	// MaxMemory is the server-wide budget, in octets, for message
	// buffers, inflation, held output and long-read buffers (see
	// MemoryBudget): a connection whose message would take more than is
	// left is failed with 1013 (try again later); every other connection
	// goes on. Zero means DefaultMaxMemory(), a quarter of the machine's
	// memory; NoMemoryLimit means no budget.
	MaxMemory int64
	// HandshakeTimeout bounds the time from accepting TCP to the end of
	// the opening handshake request. A client that sent part of a request
	// by then gets 408 (request timeout); one that sent nothing is
	// dropped.
	HandshakeTimeout time.Duration
	// IdleTimeout is how long a connection may send nothing before the
	// server closes it with 1001.
	IdleTimeout time.Duration
	// StallTimeout and MinMessageRate fail a message that stalls: while a
	// message is in progress, every StallTimeout must bring at least
	// MinMessageRate octets per second of its payload (and at least one
	// octet), or the server closes the connection with 1008 (policy
	// violation) and releases the message's memory at once. Pings and
	// pongs are not progress. A negative MinMessageRate asks for one
	// octet per StallTimeout only.
	StallTimeout   time.Duration
	MinMessageRate int64
	// CloseTimeout is how long the server waits for the client's close
	// frame after sending its own, and for the client to close TCP after
	// the closing handshake.
	CloseTimeout time.Duration
	// WriteTimeout bounds each write to a client that does not read: when
	// it passes, the connection is dropped (TCP closed without a close
	// frame, which could not be written either).
	WriteTimeout time.Duration
	// MaxConnections bounds the upgraded connections served at once; a
	// handshake beyond it is answered with 503.
	MaxConnections int
	// MaxHandshakes bounds the connections still in the opening
	// handshake, apart from MaxConnections, so that clients that never
	// finish their request (slowloris) cannot take the places of upgraded
	// ones. When all are taken, a new connection takes the place of the
	// one that has waited longest, which is answered with 503.
	MaxHandshakes int
	// ReadBufferSize is the size of the read buffers connections borrow
	// from a pool for each read; it is raised to at least
	// MaxHandshakeSize.
	ReadBufferSize int
	// Negotiate chooses extensions (permessage-deflate); nil offers none.
	Negotiate Negotiator
	// Logf, when set, gets one line per connection event.
	Logf func(format string, args ...any)
}

// withDefaults returns c with its zero fields set to the defaults.
func (c Config) withDefaults() Config {
	if c.MaxMemory == 0 {
		c.MaxMemory = DefaultMaxMemory()
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.MinMessageRate == 0 {
		c.MinMessageRate = DefaultMinMessageRate
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.MaxHandshakes <= 0 {
		c.MaxHandshakes = DefaultMaxHandshakes
	}
	if c.ReadBufferSize < MaxHandshakeSize {
		c.ReadBufferSize = max(DefaultReadBufferSize, MaxHandshakeSize)
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c
}

// stallBytes is what a message in progress must receive in one
// StallTimeout.
func (c *Config) stallBytes() int64 {
	return max(1, int64(float64(max(c.MinMessageRate, 0))*c.StallTimeout.Seconds()))
}
