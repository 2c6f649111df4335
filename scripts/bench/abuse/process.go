package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/cpustat"
)

// serverSpec says how to start one of the servers compared.
type serverSpec struct {
	name string
	bin  string
	// args returns the command line for a listen address and the
	// scenario's extra flags (which only the reference server takes).
	args func(addr string, extra []string) []string
}

var specs = map[string]func(bin string) serverSpec{
	"wsfuzz": func(bin string) serverSpec {
		return serverSpec{"wsfuzz", bin, func(addr string, extra []string) []string {
			return append([]string{"serve", "--addr", addr}, extra...)
		}}
	},
	"gorilla": func(bin string) serverSpec {
		return serverSpec{"gorilla", bin, func(addr string, _ []string) []string {
			return []string{"-addr", addr, "-compress"}
		}}
	},
}

// process is a server under test, started afresh for each scenario, so
// that its peak RSS (VmHWM) is the scenario's.
type process struct {
	spec   serverSpec
	addr   string
	cmd    *exec.Cmd
	log    *lineLog
	exited chan struct{}

	mu     sync.Mutex
	killed string // why the harness killed it, if it did
}

// start starts the server on a free loopback port and waits until it
// accepts connections.
func start(spec serverSpec, extra []string) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p := &process{spec: spec, addr: addr, log: &lineLog{}, exited: make(chan struct{})}
	p.cmd = exec.Command(spec.bin, spec.args(addr, extra)...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return p, nil
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("%s exited at start: %s", spec.name, p.log.tail())
		default:
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not start listening on %s", spec.name, addr)
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// memory reads the process's resident set now and at its peak, in bytes.
func (p *process) memory() (rss, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 2 {
			continue
		}
		kib, _ := strconv.ParseInt(string(f[1]), 10, 64)
		switch string(f[0]) {
		case "VmRSS:":
			rss = kib << 10
		case "VmHWM:":
			peak = kib << 10
		}
	}
	return rss, peak
}

// cpu returns the CPU time the process has used.
func (p *process) cpu() time.Duration {
	d, _ := cpustat.ProcessCPU(p.cmd.Process.Pid)
	return d
}

// guard kills the process when its RSS passes limit, so that a server
// that holds whatever it is sent cannot take the machine's memory; it
// returns when the process exits.
func (p *process) guard(limit int64) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.exited:
			return
		case <-t.C:
			if rss, _ := p.memory(); rss > limit {
				p.mu.Lock()
				p.killed = fmt.Sprintf("killed at %s RSS", mib(rss))
				p.mu.Unlock()
				p.cmd.Process.Kill()
				return
			}
		}
	}
}

// killedWhy returns why the harness killed the process, or "".
func (p *process) killedWhy() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killed
}

var liveHeapLine = regexp.MustCompile(`live heap (\d+) bytes`)

// liveHeap asks the process for its live heap (SIGUSR1, see
// internal/memreport) and waits for the line it logs; -1 when none comes.
func (p *process) liveHeap() int64 {
	before := p.log.count()
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return -1
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, line := range p.log.since(before) {
			if m := liveHeapLine.FindStringSubmatch(line); m != nil {
				n, _ := strconv.ParseInt(m[1], 10, 64)
				return n
			}
		}
	}
	return -1
}

// terminate sends SIGTERM and reports how long the process took to exit
// (at most wait; -1 if it had not exited by then).
func (p *process) terminate(wait time.Duration) time.Duration {
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return time.Since(start)
	case <-time.After(wait):
		return -1
	}
}

// stop ends the process: SIGTERM, then SIGKILL after a few seconds.
func (p *process) stop() {
	if p.terminate(5*time.Second) < 0 {
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// lineLog collects a process's output lines.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	partial []byte
}

func (l *lineLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		if len(l.lines) < 10000 {
			l.lines = append(l.lines, string(l.partial[:i]))
		}
		l.partial = l.partial[i+1:]
	}
	return len(b), nil
}

func (l *lineLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *lineLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[min(n, len(l.lines)):]...)
}

func (l *lineLog) tail() string {
	lines := l.since(max(0, l.count()-3))
	return fmt.Sprint(lines)
}

// mib renders a byte count in MiB.
func mib(n int64) string {
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
