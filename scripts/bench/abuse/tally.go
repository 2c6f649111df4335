package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// tally counts what the attackers of a scenario got, by name ("close
// 1013", "HTTP 503", "echo", "drop", "open"), optionally per group.
type tally struct {
	mu     sync.Mutex
	counts map[string]int
}

func (t *tally) add(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = make(map[string]int)
	}
	t.counts[name]++
}

// String lists the outcomes, most frequent first: "close 1013 x940, echo x60".
func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.counts))
	for n := range t.counts {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := t.counts[b] - t.counts[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s ×%d", n, t.counts[n])
	}
	return strings.Join(parts, ", ")
}
