package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// The well-behaved client runs in a process of its own ("abuse -normal
// ADDR"), so that the attackers' goroutines in this process do not delay
// it: what it measures is the server. On SIGUSR1 it stops recording and
// prints its figures as one JSON line; on SIGTERM it exits.

// normalFigures is what the well-behaved client measured.
type normalFigures struct {
	P99     time.Duration `json:"p99_ns"`
	Failed  int           `json:"failed"`
	FreshOK int           `json:"fresh_ok"`
	Fresh   int           `json:"fresh"`
}

// runNormal is the child process's main.
func runNormal(addr string) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	report := make(chan os.Signal, 1)
	signal.Notify(report, syscall.SIGUSR1)
	n := &normalClient{}
	go n.run(ctx, addr)
	for {
		select {
		case <-ctx.Done():
			return
		case <-report:
			var f normalFigures
			f.P99, f.Failed, f.FreshOK, f.Fresh = n.summary()
			json.NewEncoder(os.Stdout).Encode(f)
		}
	}
}

// normalProcess is the parent's handle on the child.
type normalProcess struct {
	cmd   *exec.Cmd
	lines chan string
}

func startNormal(addr string) (*normalProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-normal", addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &normalProcess{cmd: cmd, lines: make(chan string, 1)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	return p, nil
}

// figures asks the child for its figures.
func (p *normalProcess) figures() (normalFigures, error) {
	var f normalFigures
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		return f, err
	}
	select {
	case line, ok := <-p.lines:
		if !ok {
			return f, fmt.Errorf("the normal client exited")
		}
		return f, json.Unmarshal([]byte(line), &f)
	case <-time.After(5 * time.Second):
		return f, fmt.Errorf("no figures from the normal client")
	}
}

func (p *normalProcess) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}
