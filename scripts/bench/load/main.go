// Command load is the load generator of the benchmark harness: N
// connections to one ws:// URL on this machine, each sending a message,
// waiting for its echo, checking it byte for byte, and sending the next.
//
// It reports messages per second over the measured window and the p50,
// p99 and maximum round-trip latency (exact, from every sample), and
// fails (exit status 1) if any echo differs from what was sent or any
// connection breaks. A run is bounded both in time (-duration, plus
// -grace for the last echoes) and in messages (-messages in total).
//
// The client side is github.com/gobwas/ws for the opening handshake only;
// frames are built by hand. Every message is prepared once, masked and
// (with -compress) deflated, and shared by all connections, so the client
// spends its CPU on little more than write, read and compare: the client
// must not be what limits the numbers.
//
// Each connection needs one file descriptor here and one in the server;
// Go raises the soft RLIMIT_NOFILE to the hard limit at start, so 1000
// connections need a hard limit above about 1100 (see ulimit -Hn).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/cpustat"
	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/result"
)

func main() {
	var (
		target   = flag.String("url", "", "ws:// URL of the echo server; the host must be a loopback IP such as 127.0.0.1")
		conns    = flag.Int("conns", 1, "number of connections, one goroutine each")
		sizeStr  = flag.String("size", "16", "message size: 16, 1KiB, 64KiB, 1MiB, ...")
		text     = flag.Bool("text", false, "send text messages (English-ish words) instead of binary (random bytes)")
		compress = flag.Bool("compress", false, "offer permessage-deflate (no context takeover either way) and send compressed messages; fail if declined")
		duration = flag.Duration("duration", 3*time.Second, "stop sending new messages after this long")
		warmup   = flag.Duration("warmup", 0, "leave out messages sent during this first part of -duration")
		maxMsgs  = flag.Int64("messages", 1_000_000, "stop after this many messages in total, whichever of this and -duration comes first")
		grace    = flag.Duration("grace", 15*time.Second, "after -duration, how long outstanding echoes may take before the run fails")
		dialTO   = flag.Duration("dial-timeout", 10*time.Second, "timeout for each connect and handshake")
		label    = flag.String("label", "", "server name to put in the result")
		srvPid   = flag.Int("server-pid", 0, "pid of the server under test, to report its CPU time and that of other processes")
		jsonOut  = flag.Bool("json", false, "print the result as one JSON line on stdout")
	)
	flag.Parse()

	size, err := parseSize(*sizeStr)
	if err != nil {
		usage(err)
	}
	if *conns < 1 || *conns > 20000 {
		usage(fmt.Errorf("-conns must be in 1..20000"))
	}
	if *duration <= 0 || *warmup < 0 || *warmup >= *duration || *maxMsgs < 1 {
		usage(fmt.Errorf("need -duration > -warmup >= 0 and -messages >= 1"))
	}
	if *compress && !*text {
		fmt.Fprintln(os.Stderr, "load: note: -compress with binary random bytes measures incompressible data; add -text for compressible text")
	}
	u, err := url.Parse(*target)
	if err != nil || u.Scheme != "ws" || u.Port() == "" {
		usage(fmt.Errorf("-url must look like ws://127.0.0.1:PORT/"))
	}
	if err := loopback.Check(u.Host); err != nil {
		usage(fmt.Errorf("refusing to load %s: %w", *target, err))
	}

	res := result.Result{Server: *label, Conns: *conns, Size: size, Type: "binary", Compress: *compress}
	if *text {
		res.Type = "text"
	}
	run(&res, *target, size, *text, *compress, *duration, *warmup, *maxMsgs, *grace, *dialTO, *srvPid)

	summary := fmt.Sprintf("%s conns=%d size=%d %s compress=%v: %d msgs in %.2fs = %.0f msg/s (%.1f MB/s) p50=%.0fus p99=%.0fus max=%.0fus mismatches=%d failed_conns=%d cpu(cores): client=%.2f",
		res.Server, res.Conns, res.Size, res.Type, res.Compress, res.Messages, res.Seconds, res.Rate, res.MBps,
		res.P50us, res.P99us, res.Maxus, res.Mismatches, res.Failed, res.ClientCPU)
	if *srvPid > 0 {
		summary += fmt.Sprintf(" server=%.2f other=%.2f", res.ServerCPU, res.OtherCPU)
	}
	if res.Error != "" {
		summary += " error: " + res.Error
	}
	fmt.Fprintln(os.Stderr, "load:", summary)
	if *jsonOut {
		b, _ := json.Marshal(res)
		fmt.Println(string(b))
	}
	if !res.OK() {
		os.Exit(1)
	}
}

func usage(err error) {
	fmt.Fprintln(os.Stderr, "load:", err)
	flag.Usage()
	os.Exit(2)
}

func run(res *result.Result, target string, size int, text, deflate bool, duration, warmup time.Duration, maxMsgs int64, grace, dialTO time.Duration, serverPid int) {
	msgs, err := makeMessages(size, text, deflate)
	if err != nil {
		res.Error = err.Error()
		return
	}

	// Connect everything first, a few at a time so the listen backlog
	// never overflows, then start all senders together.
	clients := make([]*client, res.Conns)
	var (
		wg       sync.WaitGroup
		sem      = make(chan struct{}, 32)
		mu       sync.Mutex
		dialErrs []error
	)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(context.Background(), i, target, deflate, dialTO)
			if err != nil {
				mu.Lock()
				dialErrs = append(dialErrs, err)
				mu.Unlock()
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	if len(dialErrs) > 0 {
		for _, c := range clients {
			if c != nil {
				c.conn.Close()
			}
		}
		res.Failed = len(dialErrs)
		res.Error = fmt.Sprintf("%d of %d connections failed to open; first: %v", len(dialErrs), res.Conns, dialErrs[0])
		return
	}

	start := time.Now()
	measureFrom := start.Add(warmup)
	stopAt := start.Add(duration)
	hardStop := stopAt.Add(grace)
	var budget atomic.Int64
	budget.Store(maxMsgs)
	for _, c := range clients {
		c.conn.SetDeadline(hardStop)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.run(msgs, &budget, measureFrom, stopAt)
			c.close()
		}()
	}
	// CPU use over the measured window: the client's, the server's, and
	// everyone else's (other processes, steal), which makes a cell noisy.
	time.Sleep(time.Until(measureFrom))
	cpu0 := cpustat.Take(serverPid)
	wg.Wait()
	cpu1 := cpustat.Take(serverPid)
	if wall := cpu1.At.Sub(cpu0.At); wall > 0 {
		res.ClientCPU = (cpu1.Self - cpu0.Self).Seconds() / wall.Seconds()
		res.ClientCores = runtime.GOMAXPROCS(0)
		if cpu0.OK && cpu1.OK && serverPid > 0 {
			res.ServerCPU = (cpu1.Server - cpu0.Server).Seconds() / wall.Seconds()
			other := (cpu1.Machine - cpu0.Machine) - (cpu1.Server - cpu0.Server) - (cpu1.Self - cpu0.Self)
			res.OtherCPU = max(0, other.Seconds()/wall.Seconds())
		}
	}

	var (
		samples []int64
		end     time.Time
		errs    []error
	)
	for _, c := range clients {
		samples = append(samples, c.samples...)
		res.Mismatches += c.mismatches
		if c.lastDone.After(end) {
			end = c.lastDone
		}
		if c.err != nil {
			errs = append(errs, c.err)
		}
	}
	res.Failed = len(errs)
	if len(errs) > 0 {
		res.Error = fmt.Sprintf("%d connections failed; first: %v", len(errs), errs[0])
		if errors.Is(errs[0], errServerClosed) {
			res.Error += " (did the server reject the message?)"
		}
	}
	res.Messages = int64(len(samples))
	if len(samples) == 0 || !end.After(measureFrom) {
		if res.Error == "" {
			res.Error = "no message completed in the measured window"
		}
		return
	}
	res.Seconds = end.Sub(measureFrom).Seconds()
	res.Rate = float64(res.Messages) / res.Seconds
	res.MBps = res.Rate * float64(size) / 1e6
	slices.Sort(samples)
	res.P50us = float64(percentile(samples, 0.50)) / 1e3
	res.P99us = float64(percentile(samples, 0.99)) / 1e3
	res.Maxus = float64(samples[len(samples)-1]) / 1e3
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []int64, p float64) int64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
