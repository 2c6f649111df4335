//go:build !unix

package deflate

import "time"

// processCPU is not measured here; the benchmarks then report no CPU figure.
func processCPU() time.Duration { return 0 }
