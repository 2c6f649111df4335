// Command abuse attacks the reference server and gorilla/websocket's echo
// server the way a hostile client would, on loopback, and prints one table
// of what each server spent and what each attacker got. scripts/abuse.sh
// builds the servers and runs it.
//
//	abuse -wsfuzz BIN -gorilla BIN [-only NAME,...] [-json FILE]
//
// Each scenario runs against each server in a fresh process on a free
// 127.0.0.1 port, with a well-behaved client beside the attackers (one
// connection echoing 1 KiB every 10 ms, and a fresh connection every half
// second). Every scenario is bounded in time and the whole run stops by
// itself; a server whose RSS passes -rss-cap is killed, so that a server
// that holds whatever it is sent cannot take the machine's memory.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
)

// env is what a scenario needs of the server under test.
type env struct {
	addr string
	proc *process

	normal  *normalProcess
	baseRSS int64 // right after start
	cpu0    time.Duration

	// Filled by measure, at the moment the scenario chooses: the server's
	// memory and CPU so far, and the normal client's figures so far.
	measured        bool
	rss, peak       int64
	liveHeap        int64
	cpu             time.Duration
	p99             time.Duration
	failed, freshOK int
	fresh           int
	load            string // the machine's load average
	note            string
}

// measure records the server's memory, its CPU time so far and the
// normal client's figures now.
func (e *env) measure() {
	if e.measured {
		return
	}
	e.measured = true
	e.rss, e.peak = e.proc.memory()
	e.cpu = e.proc.cpu() - e.cpu0
	if f, err := e.normal.figures(); err == nil {
		e.p99, e.failed, e.freshOK, e.fresh = f.P99, f.Failed, f.FreshOK, f.Fresh
	} else {
		e.p99 = -1
		log.Printf("normal client: %v", err)
	}
	e.liveHeap = e.proc.liveHeap()
	e.load = loadAverage()
}

// loadAverage reads the machine's one-minute load average, the run queue
// every process here shares, as text ("" if unknown).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return ""
}

// perConnection renders the RSS added per connection over n connections.
func perConnection(e *env, n int) string {
	if n == 0 || e.rss == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f KiB RSS per connection", float64(e.rss-e.baseRSS)/float64(n)/1024)
}

// result is one scenario against one server, a JSON line.
type result struct {
	Scenario   string  `json:"scenario"`
	Server     string  `json:"server"`
	Seconds    float64 `json:"seconds"`
	PeakRSS    int64   `json:"peak_rss"`
	RSS        int64   `json:"rss"`
	LiveHeap   int64   `json:"live_heap"`
	CPU        float64 `json:"cpu_s"`
	NormalP99  float64 `json:"normal_p99_ms"`
	NormalFail int     `json:"normal_failed_echoes"`
	FreshOK    int     `json:"normal_fresh_ok"`
	Fresh      int     `json:"normal_fresh"`
	Attackers  string  `json:"attackers"`
	Load       string  `json:"load_average"`
	Note       string  `json:"note,omitempty"`
}

func main() {
	var (
		bins   = map[string]*string{"wsfuzz": flag.String("wsfuzz", "", "the reference server binary (wsfuzz)"), "gorilla": flag.String("gorilla", "", "the gorilla echo server binary (scripts/bench/servers/gorilla)")}
		only   = flag.String("only", "", "comma-separated scenarios to run (default: all)")
		jsonTo = flag.String("json", "", "also write the results as JSON lines to this file")
		rssCap = flag.Int64("rss-cap", 6<<30, "kill a server whose RSS passes this many bytes")
		limit  = flag.Duration("timeout", 20*time.Minute, "stop the whole run after this long")
		normal = flag.String("normal", "", "run as the well-behaved client against this address (started by abuse itself)")
		sc     scale
	)
	flag.IntVar(&sc.idle, "idle", 10000, "idle connections")
	flag.IntVar(&sc.slowloris, "slowloris", 10000, "slowloris connections")
	flag.IntVar(&sc.fragmented, "fragmented", 1000, "connections sending a fragmented 16 MiB message")
	flag.IntVar(&sc.stalled, "stalled", 64, "connections stalling a 16 MiB message one byte short")
	flag.IntVar(&sc.slowReaders, "slow-readers", 64, "connections that send and never read")
	flag.IntVar(&sc.bombers, "bombers", 4, "connections sending near-limit bombs back to back")
	flag.IntVar(&sc.junk, "junk", 200, "connections sending junk")
	flag.IntVar(&sc.overLimit, "over-limit", 1200, "connections against --max-connections 1000")
	flag.Parse()
	if *normal != "" {
		runNormal(*normal)
		return
	}
	for name, bin := range bins {
		if *bin == "" {
			log.Fatalf("-%s is required", name)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *limit)
	defer cancel()

	var out io.Writer = io.Discard
	if *jsonTo != "" {
		f, err := os.Create(*jsonTo)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		out = f
	}
	var results []result
	for _, s := range scenarios {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), s.name) {
			continue
		}
		for _, name := range []string{"wsfuzz", "gorilla"} {
			if ctx.Err() != nil {
				log.Fatalf("stopped after %v", *limit)
			}
			log.Printf("%s against %s", s.name, name)
			r, err := runOne(ctx, s, specs[name](*bins[name]), &sc, *rssCap)
			if err != nil {
				log.Fatalf("%s against %s: %v", s.name, name, err)
			}
			results = append(results, r)
			json.NewEncoder(out).Encode(r)
		}
	}
	printTable(os.Stdout, results, &sc)
}

// runOne runs scenario s against a fresh process of spec.
func runOne(ctx context.Context, s scenario, spec serverSpec, sc *scale, rssCap int64) (result, error) {
	p, err := start(spec, s.wsfuzzFlags)
	if err != nil {
		return result{}, err
	}
	defer p.stop()
	if err := loopback.Check(p.addr); err != nil {
		return result{}, err
	}
	go p.guard(rssCap)
	e := &env{addr: p.addr, proc: p}
	e.baseRSS, _ = p.memory()
	e.cpu0 = p.cpu()
	began := time.Now()
	if e.normal, err = startNormal(p.addr); err != nil {
		return result{}, err
	}
	t := s.run(ctx, e, sc)
	e.measure()
	e.normal.stop()
	select {
	case <-p.exited: // the figures of measure are the last there are
	default:
		_, e.peak = p.memory()
		e.cpu = p.cpu() - e.cpu0
	}
	r := result{
		Scenario: s.name, Server: spec.name, Seconds: time.Since(began).Seconds(),
		PeakRSS: e.peak, RSS: e.rss, LiveHeap: e.liveHeap, CPU: e.cpu.Seconds(),
		NormalP99: float64(e.p99) / float64(time.Millisecond), NormalFail: e.failed, FreshOK: e.freshOK, Fresh: e.fresh,
		Attackers: t.String(), Load: e.load, Note: e.note,
	}
	if why := p.killedWhy(); why != "" {
		r.Note = strings.TrimPrefix(r.Note+"; "+why, "; ")
	}
	return r, nil
}

// dialTCP connects to a loopback address.
func dialTCP(addr string) (net.Conn, error) {
	return net.DialTimeout("tcp", addr, 10*time.Second)
}

func newConn(nc net.Conn) *wsConn { return &wsConn{nc: nc, br: newReader(nc)} }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
