// Package cpustat reads CPU time from /proc (Linux): the machine's busy
// time, a process's, and this process's own.
package cpustat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// ClockTick is the unit of /proc CPU times (USER_HZ), 100 on Linux.
const ClockTick = 10 * time.Millisecond

// Sample is what the CPUs were doing at one moment: all of them
// together, this process, and the server under test (if its pid is known).
type Sample struct {
	At      time.Time
	Machine time.Duration // busy time of all CPUs (including steal)
	Self    time.Duration
	Server  time.Duration
	OK      bool // machine and server figures could be read
}

// Take samples the CPU times now; serverPid may be 0.
func Take(serverPid int) Sample {
	s := Sample{At: time.Now(), Self: Self()}
	var err error
	s.Machine, err = MachineBusy()
	if err != nil {
		return s
	}
	if serverPid > 0 {
		if s.Server, err = ProcessCPU(serverPid); err != nil {
			return s
		}
	}
	s.OK = true
	return s
}

// Self is the user plus system CPU time this process has used.
func Self() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MachineBusy sums the non-idle fields of the first line of /proc/stat:
// user, nice, system, irq, softirq and steal.
func MachineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, err := strconv.ParseInt(string(f[i]), 10, 64)
		if err != nil {
			return 0, err
		}
		busy += v
	}
	return time.Duration(busy) * ClockTick, nil
}

// ProcessCPU reads utime plus stime of pid from /proc/PID/stat.
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields resume after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	st, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * ClockTick, nil
}
