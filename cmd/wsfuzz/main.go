// Command wsfuzz is the toolkit's command line: the strict reference echo
// server, the Autobahn report importer and the replayer.
//
//	wsfuzz serve   [flags]            run the reference echo server
//	wsfuzz import  [flags] REPORT...  turn Autobahn reports into fuzz corpus entries
//	wsfuzz replay  [flags] REPORT...  replay Autobahn cases against a server and judge them
//	wsfuzz conform [flags]            run Autobahn's 517 server cases against a server and judge them
//	wsfuzz fuzz    --target URL       fuzz a live server over TCP
//
// Run "wsfuzz COMMAND --help" for a command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

// command is one subcommand: its name, a one-line summary and its entry
// point, which gets the arguments after the name.
type command struct {
	name, summary string
	run           func(args []string) error
}

var commands = []command{
	{"serve", "run the strict reference echo server (RFC 6455 + RFC 7692)", runServe},
	{"import", "turn Autobahn reports into seed corpus entries for the fuzz targets", runImport},
	{"replay", "replay Autobahn cases against a server and judge them as Autobahn does", runReplay},
	{"conform", "run Autobahn|Testsuite's 517 server cases against a server, judge and report them", runConform},
	{"fuzz", "fuzz a live server of any language over TCP, judged by the same oracle", runFuzz},
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage: wsfuzz COMMAND [flags] [args]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(os.Stderr, "\nRun \"wsfuzz COMMAND --help\" for a command's flags.\n")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(exitUsage)
	}
	name := os.Args[1]
	if name == "-h" || name == "--help" || name == "help" {
		usage()
		return
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(os.Args[2:])
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(os.Stderr, "wsfuzz %s: %v\n", name, err)
			}
			os.Exit(exitStatus(err))
		}
	}
	fmt.Fprintf(os.Stderr, "wsfuzz: unknown command %q\n\n", name)
	usage()
	os.Exit(exitUsage)
}
