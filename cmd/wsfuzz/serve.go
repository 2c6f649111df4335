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
inflation; a compressed message may be up to an eighth longer than
--max-message-size on the wire). permessage-deflate (RFC 7692) is accepted
unless --no-compression; an echo whose compressed form would not be
shorter (short or random messages up to 256 KiB) goes out uncompressed.
Point Autobahn|Testsuite's fuzzingclient or your own client at ws://ADDR/.

Limits, and what a client that meets them gets:
  - --max-memory: all connections' message buffers, inflation and held
    output together. A message that would take more than is left fails its
    connection with 1013 (try again later); the last eighth is kept for
    messages of up to 64 KiB. Every other connection goes on.
  - --stall-timeout, --min-message-rate: a message in progress that brings
    less than the rate (at least one byte) in a stall timeout is failed
    with 1008 and its memory released. Pings and pongs are not progress.
  - --idle-timeout: a connection that sends nothing gets 1001.
  - --write-timeout: a client that reads nothing while the server has
    output for it is dropped (TCP closed, no close frame: it could not be
    written either).
  - --max-handshakes: connections still in the opening handshake; when all
    are taken, a new connection takes the place of the one that has waited
    longest, which gets 503. --max-connections: upgraded connections; a
    handshake beyond it gets 503.
  - Before the handshake: bytes that cannot begin "GET " get 400 at once; a
    request not complete within --handshake-timeout gets 408; a connection
    that sent nothing by then is dropped without an answer.
  - A client in the middle of a binary frame the server echoes as it
    arrives cannot be sent a close frame (the echo frame is half written):
    on stall, idle timeout or shutdown it gets no close frame, and TCP is
    closed after --close-timeout.

SIGINT or SIGTERM shuts down gracefully: every upgraded client gets a close
frame with 1001 (except one in the middle of such a frame), every client
still in the handshake gets 503, and the server waits up to
--shutdown-timeout for them to close. SIGUSR1 logs the connections, the
memory budget in use and the live heap (after a garbage collection).

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
	maxMemory := byteSize(server.DefaultMaxMemory())
	minRate := byteSize(server.DefaultMinMessageRate)
	fs.Var(&maxMemory, "max-memory", "memory budget for all message buffers, inflation and held output, a quarter of RAM by default; a message beyond it fails with 1013; 0: no budget")
	fs.Var(&minRate, "min-message-rate", "bytes per second a message in progress must bring, checked every --stall-timeout; 0: one byte per stall timeout")
	fs.DurationVar(&cfg.StallTimeout, "stall-timeout", server.DefaultStallTimeout, "fail (1008) a message in progress that brings too little in this long (pings do not count), releasing its memory")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "drop a client that reads nothing for this long while the server has output for it")
	fs.IntVar(&cfg.MaxHandshakes, "max-handshakes", server.DefaultMaxHandshakes, "connections in the opening handshake at once; beyond it the longest waiting gets 503")
	fs.Var(&maxMessage, "max-message-size", "largest message (after inflation); larger ones fail with 1009")
	fs.Var(&maxFrame, "max-frame-size", "largest frame payload; larger ones fail with 1009 (0: same as --max-message-size)")
	fs.DurationVar(&cfg.HandshakeTimeout, "handshake-timeout", server.DefaultHandshakeTimeout, "answer 408 to a client whose opening handshake is not complete by then (drop one that sent nothing)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close (1001) a connection silent for this long")
	fs.DurationVar(&cfg.CloseTimeout, "close-timeout", server.DefaultCloseTimeout, "how long to wait for the client's close frame or TCP close")
	fs.IntVar(&cfg.MaxConnections, "max-connections", server.DefaultMaxConnections, "upgraded connections served at once; more get 503")
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
	cfg.MaxMemory, cfg.MinMessageRate = int64(maxMemory), int64(minRate)
	if maxMemory == 0 {
		cfg.MaxMemory = server.NoMemoryLimit
	}
	if minRate == 0 {
		cfg.MinMessageRate = -1 // one byte per stall timeout
	}
	if cfg.MaxHandshakes <= 0 || cfg.MaxConnections <= 0 {
		return usageError{"--max-handshakes and --max-connections must be positive"}
	}
	for _, d := range []time.Duration{cfg.HandshakeTimeout, cfg.IdleTimeout, cfg.StallTimeout, cfg.CloseTimeout, cfg.WriteTimeout} {
		if d <= 0 {
			return usageError{"timeouts must be positive"}
		}
	}
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
	limitRuntimeMemory(cfg.MaxMemory)
	logger.Printf("wsfuzz reference server listening on ws://%s/ (memory budget %s)", ln.Addr(), budgetText(cfg.MaxMemory))
	return serveUntilSignal(server.New(cfg), ln, *shutdownTimeout, logger)
}

// serveUntilSignal serves ln until SIGINT or SIGTERM, then shuts the server
// down (shutDown); on a memory report signal (SIGUSR1) it logs what the
// server holds.
func serveUntilSignal(srv *server.Server, ln net.Listener, timeout time.Duration, logger *log.Logger) error {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	report := make(chan os.Signal, 1)
	if len(reportSignals) > 0 {
		signal.Notify(report, reportSignals...)
		defer signal.Stop(report)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for {
		select {
		case err := <-served:
			return err
		case <-report:
			logMemory(srv, logger)
		case sig := <-stop:
			return shutDown(srv, sig, served, timeout, logger)
		}
	}
}

// shutDown shuts the server down gracefully after sig: every client gets a
// close frame with 1001 (503 in the handshake), and those still open after
// timeout are dropped.
func shutDown(srv *server.Server, sig os.Signal, served <-chan error, timeout time.Duration, logger *log.Logger) error {
	logger.Printf("%v: closing %d connections with 1001", sig, srv.Active())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		logger.Printf("shutdown: %v; remaining connections dropped", err)
	}
	<-served
	return nil
}
