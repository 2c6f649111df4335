package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// splitCPUs prints the CPUs this process may run on split in two halves,
// as two taskset lists: the first for the load generator, the second for
// the server. It fails if there are fewer than two.
func splitCPUs() error {
	cpus, err := allowedCPUs()
	if err != nil {
		return err
	}
	if len(cpus) < 2 {
		return fmt.Errorf("only %d CPU available, nothing to split", len(cpus))
	}
	half := len(cpus) / 2
	fmt.Println(join(cpus[:half]), join(cpus[half:]))
	return nil
}

// allowedCPUs reads Cpus_allowed_list from /proc/self/status, e.g. "0-3,8".
func allowedCPUs() ([]int, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		list, ok := strings.CutPrefix(sc.Text(), "Cpus_allowed_list:")
		if !ok {
			continue
		}
		var cpus []int
		for _, part := range strings.Split(strings.TrimSpace(list), ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err := strconv.Atoi(lo)
			if err != nil {
				return nil, fmt.Errorf("bad Cpus_allowed_list %q", list)
			}
			b := a
			if isRange {
				if b, err = strconv.Atoi(hi); err != nil || b < a {
					return nil, fmt.Errorf("bad Cpus_allowed_list %q", list)
				}
			}
			for c := a; c <= b; c++ {
				cpus = append(cpus, c)
			}
		}
		return cpus, nil
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("no Cpus_allowed_list in /proc/self/status")
}

func join(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}
