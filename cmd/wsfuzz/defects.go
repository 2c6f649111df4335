//go:build wsfuzz_defects

package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus/replay/defect"
	"github.com/wsfuzz/wsfuzz/server"
)

// This file exists only in builds with the wsfuzz_defects tag: it adds
// "serve-defective", the reference server with deliberate defects, so that
// Autobahn|Testsuite can be run against a server known to be broken and
// its reports compared with what replay says of the same server.

const serveDefectiveUsage = `usage: wsfuzz serve-defective --defect NAME[,NAME] [flags]

Runs the reference echo server with deliberate defects (test builds only,
-tags wsfuzz_defects):

  utf8-late    does not fail fast on invalid UTF-8: a text message is seen
               only when its last frame arrives
  close-1000   answers a close frame with an invalid code with 1000
               instead of failing with 1002

flags:
`

func init() {
	commands = append(commands, command{"serve-defective", "run the reference server with deliberate defects (test builds only)", runServeDefective})
}

func runServeDefective(args []string) error {
	fs := flag.NewFlagSet("serve-defective", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveDefectiveUsage)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:9002", "TCP address to listen on")
	names := fs.String("defect", "", "comma-separated defects (utf8-late, close-1000)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	defects, err := defect.Parse(*names)
	if err != nil {
		return usageError{err.Error()}
	}
	if len(defects) == 0 {
		return usageError{"--defect is required"}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	wrapped, err := defect.Listen(ln, defects...)
	if err != nil {
		ln.Close()
		return err
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	logger.Printf("defective reference server (%s) listening on ws://%s/", *names, ln.Addr())
	return serveUntilSignal(server.New(server.Config{}), wrapped, 5*time.Second, logger)
}
