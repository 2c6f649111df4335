package server

import "time"

// Defaults of Config's zero fields.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultIdleTimeout      = 120 * time.Second
	DefaultCloseTimeout     = 5 * time.Second
	DefaultWriteTimeout     = 30 * time.Second
	DefaultMaxConnections   = 10000
	DefaultReadBufferSize   = 32 << 10
)

// Config configures a Server. The zero value is a strict server with safe
// limits and no extensions.
type Config struct {
	// MaxMessageSize and MaxFrameSize bound a message (after inflation)
	// and a frame; see SessionConfig.
	MaxMessageSize int64
	MaxFrameSize   int64
	// HandshakeTimeout bounds the time from accepting TCP to the end of
	// the opening handshake request; a client that is slower is dropped.
	HandshakeTimeout time.Duration
	// IdleTimeout is how long a connection may send nothing before the
	// server closes it with 1001.
	IdleTimeout time.Duration
	// CloseTimeout is how long the server waits for the client's close
	// frame after sending its own, and for the client to close TCP after
	// the closing handshake.
	CloseTimeout time.Duration
	// WriteTimeout bounds each write to a client that does not read.
	WriteTimeout time.Duration
	// MaxConnections bounds the connections served at once; more are
	// answered with 503.
	MaxConnections int
	// ReadBufferSize is the size of each connection's read buffer; it is
	// raised to at least MaxHandshakeSize.
	ReadBufferSize int
	// Negotiate chooses extensions (permessage-deflate); nil offers none.
	Negotiate Negotiator
	// Logf, when set, gets one line per connection event.
	Logf func(format string, args ...any)
}

// withDefaults returns c with its zero fields set to the defaults.
func (c Config) withDefaults() Config {
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
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
	if c.ReadBufferSize < MaxHandshakeSize {
		c.ReadBufferSize = max(DefaultReadBufferSize, MaxHandshakeSize)
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c
}
