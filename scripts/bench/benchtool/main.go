// Command benchtool holds the small chores of scripts/bench.sh that are
// awkward in shell:
//
//	benchtool port                   print a free TCP port on 127.0.0.1
//	benchtool wait ADDR [TIMEOUT]    wait until ADDR (loopback) accepts TCP
//	benchtool table FILE [REF]       print the comparison table of the
//	                                 JSON lines in FILE (from load -json);
//	                                 REF names the reference server column
//	benchtool durations DIR [REF]    print the Autobahn durations table of
//	                                 the reports in DIR/round-N/SERVER/
//	                                 (from bench.sh --autobahn)
//	benchtool split-cpus             print the allowed CPUs as two taskset
//	                                 lists, one for the load, one for servers
//	benchtool quiet MAXWAIT          wait (at most MAXWAIT) until other
//	                                 processes use under 0.2 cores; print
//	                                 milliseconds waited and the load seen
package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "port":
		err = freePort()
	case "split-cpus":
		err = splitCPUs()
	case "quiet":
		if len(os.Args) < 3 {
			usage()
		}
		var d time.Duration
		if d, err = time.ParseDuration(os.Args[2]); err == nil {
			err = waitQuiet(0.2, d)
		}
	case "wait":
		if len(os.Args) < 3 {
			usage()
		}
		timeout := 15 * time.Second
		if len(os.Args) > 3 {
			if timeout, err = time.ParseDuration(os.Args[3]); err != nil {
				break
			}
		}
		err = waitTCP(os.Args[2], timeout)
	case "table", "durations":
		if len(os.Args) < 3 {
			usage()
		}
		ref := "wsfuzz"
		if len(os.Args) > 3 {
			ref = os.Args[3]
		}
		show := table
		if os.Args[1] == "durations" {
			show = durations
		}
		err = show(os.Stdout, os.Args[2], ref)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtool port | wait ADDR [TIMEOUT] | table FILE [REF] | durations DIR [REF] | split-cpus | quiet MAXWAIT")
	os.Exit(2)
}

func freePort() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	return nil
}

func waitTCP(addr string, timeout time.Duration) error {
	if err := loopback.Check(addr); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not accepting connections after %v: %w", addr, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
