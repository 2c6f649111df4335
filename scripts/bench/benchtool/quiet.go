package main

import (
	"fmt"
	"time"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/cpustat"
)

// waitQuiet waits until the other processes on the machine use less than
// limit cores over a 300 ms window, for at most maxWait, and prints how
// many milliseconds it waited and the last load it saw (cores). Between cells the
// server under test is idle, so what it sees is everyone else.
func waitQuiet(limit float64, maxWait time.Duration) error {
	start := time.Now()
	const window = 300 * time.Millisecond
	var busy float64
	for {
		b0, err := cpustat.MachineBusy()
		if err != nil {
			return err
		}
		t0 := time.Now()
		time.Sleep(window)
		b1, err := cpustat.MachineBusy()
		if err != nil {
			return err
		}
		busy = (b1 - b0).Seconds() / time.Since(t0).Seconds()
		if busy < limit || time.Since(start) >= maxWait {
			break
		}
	}
	fmt.Printf("%d %.2f\n", time.Since(start).Milliseconds(), busy)
	return nil
}
