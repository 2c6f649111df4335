package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
)

const serveUsage = `usage: wsfuzz serve [flags]

Runs the strict reference echo server: every text and binary message is
echoed back, pings are answered, and every violation of RFC 6455 fails the
connection with the exact close code (1002 protocol error, 1007 invalid
UTF-8 or undecodable compressed data, 1009 message too big, counted after
inflation). permessage-deflate (RFC 7692) is accepted unless
--no-compression. Point Autobahn|Testsuite's fuzzingclient or
your own client at ws://ADDR/.

SIGINT or SIGTERM shuts down gracefully: every client gets a close frame
with 1001 and the server waits up to --shutdown-timeout for them to close.

flags:
`

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	var (
		cfg             server.Config
		maxMessage      = byteSize(server.DefaultMaxMessageSize)
		maxFrame        byteSize
		addr            = fs.String("addr", "127.0.0.1:9001", "TCP address to listen on")
		verbose         = fs.Bool("verbose", false, "log one line per connection event")
		shutdownTimeout = fs.Duration("shutdown-timeout", 5*time.Second, "how long a graceful shutdown waits for clients to close")
	)
	fs.Var(&maxMessage, "max-message-size", "largest message (after inflation); larger ones fail with 1009")
	fs.Var(&maxFrame, "max-frame-size", "largest frame payload; larger ones fail with 1009 (0: same as --max-message-size)")
	fs.DurationVar(&cfg.HandshakeTimeout, "handshake-timeout", server.DefaultHandshakeTimeout, "drop a client that has not sent its opening handshake by then")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close (1001) a connection silent for this long")
	fs.DurationVar(&cfg.CloseTimeout, "close-timeout", server.DefaultCloseTimeout, "how long to wait for the client's close frame or TCP close")
	fs.IntVar(&cfg.MaxConnections, "max-connections", server.DefaultMaxConnections, "connections served at once; more get 503")
	var prefs deflate.Preferences
	noCompression := fs.Bool("no-compression", false, "decline permessage-deflate offers (RFC 7692)")
	fs.IntVar(&prefs.ServerMaxWindowBits, "server-max-window-bits", 15, "largest LZ77 window (8..15) the server compresses with; clients may ask for less")
	fs.IntVar(&prefs.ClientMaxWindowBits, "client-max-window-bits", 15, "window (9..15) the server asks clients to stay within when their offer allows it")
	fs.BoolVar(&prefs.ServerNoContextTakeover, "server-no-context-takeover", false, "compress every message afresh (less memory per connection, larger output)")
	fs.BoolVar(&prefs.ClientNoContextTakeover, "client-no-context-takeover", false, "ask clients to compress every message afresh (no inflate window kept per connection)")
	fs.IntVar(&prefs.Level, "compression-level", 1, "flate level 1 (fastest) .. 9 (smallest)")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(positional); err != nil {
		return err
	}
	if maxMessage <= 0 {
		return usageError{"--max-message-size must be positive"}
	}
	cfg.MaxMessageSize, cfg.MaxFrameSize = int64(maxMessage), int64(maxFrame)
	if prefs.ServerMaxWindowBits < 8 || prefs.ServerMaxWindowBits > 15 {
		return usageError{"--server-max-window-bits must be 8..15"}
	}
	if prefs.ClientMaxWindowBits < 9 || prefs.ClientMaxWindowBits > 15 {
		return usageError{"--client-max-window-bits must be 9..15"}
	}
	if prefs.Level < 1 || prefs.Level > 9 {
		return usageError{"--compression-level must be 1..9"}
	}
	if !*noCompression {
		cfg.Negotiate = server.Deflate(prefs)
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	if *verbose {
		cfg.Logf = logger.Printf
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Printf("wsfuzz reference server listening on ws://%s/", ln.Addr())
	return serveUntilSignal(server.New(cfg), ln, *shutdownTimeout, logger)
}

// serveUntilSignal serves ln until SIGINT or SIGTERM, then shuts the server
// down gracefully: every client gets a close frame with 1001, and those
// still open after timeout are dropped.
func serveUntilSignal(srv *server.Server, ln net.Listener, timeout time.Duration, logger *log.Logger) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case sig := <-stop:
		logger.Printf("%v: closing %d connections with 1001", sig, srv.Active())
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			logger.Printf("shutdown: %v; remaining connections dropped", err)
		}
		<-served
		return nil
	}
}
