package conform

import (
	"runtime"
	"testing"
)

// TestDefaultParallel: one case more than the processors Go uses, at
// least two.
func TestDefaultParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for procs, want := range map[int]int{1: 2, 2: 3, 8: 9} {
		runtime.GOMAXPROCS(procs)
		if got := DefaultParallel(); got != want {
			t.Errorf("%d processors: %d cases at once, want %d", procs, got, want)
		}
	}
}
