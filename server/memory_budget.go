package server

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryBudget bounds the memory a server's connections hold in message
// buffers, inflation and held output, all connections together. Sessions
// reserve from it as their buffers grow and give back when they drop
// them; a session whose buffer would take the total past the limit fails
// its connection with 1013 (try again later) and lets go of its buffers,
// and every other connection goes on.
//
// The last eighth of the budget is kept for small buffers (up to
// smallBuffer octets): a flood of large messages exhausts the budget for
// large messages only, and connections exchanging small ones still get
// their buffers.
//
// A buffer given back is garbage until the collector frees it, and still
// takes memory: it stays counted, as garbage, until a collection has run
// since. When garbage is all that stands in the way of a reservation, the
// budget runs a collection (at most one every collectEvery) and counts the
// garbage of before it as freed. So the heap the budget's buffers take,
// live or not yet collected, stays within the limit.
//
// A nil *MemoryBudget is no budget: every reservation succeeds and
// nothing is counted. The methods are safe for concurrent use.
type MemoryBudget struct {
	limit   int64
	used    atomic.Int64 // reserved by buffers in use
	garbage atomic.Int64 // given back, not known to be collected

	collectMu   sync.Mutex
	lastCollect time.Time
}

// smallBuffer is the largest buffer that may use the part of a budget that
// large ones cannot.
const smallBuffer = 64 << 10

// collectEvery is the shortest time between two collections a budget
// runs.
const collectEvery = 10 * time.Millisecond

// NewMemoryBudget returns a budget of limit octets; limit <= 0 returns nil,
// no budget.
func NewMemoryBudget(limit int64) *MemoryBudget {
	if limit <= 0 {
		return nil
	}
	return &MemoryBudget{limit: limit}
}

// Limit returns the budget's size in octets, 0 for no budget.
func (b *MemoryBudget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// InUse returns the octets reserved by buffers in use now.
func (b *MemoryBudget) InUse() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// reserve takes n octets for a buffer of size octets (the buffer's whole
// capacity after the growth of n), reporting false, and taking nothing,
// when that would pass the limit: the whole limit for a buffer of at most
// smallBuffer octets, seven eighths of it for a larger one.
func (b *MemoryBudget) reserve(n, size int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	limit := b.limit
	if size > smallBuffer {
		limit -= limit / 8
	}
	used := b.used.Add(n)
	if used+b.garbage.Load() <= limit {
		return true
	}
	if used <= limit && b.collect() && b.used.Load()+b.garbage.Load() <= limit {
		return true
	}
	b.used.Add(-n)
	return false
}

// collect runs a garbage collection, unless one ran within collectEvery,
// and counts the garbage of before it as freed. It reports true, so that
// the caller checks again.
func (b *MemoryBudget) collect() bool {
	b.collectMu.Lock()
	defer b.collectMu.Unlock()
	if time.Since(b.lastCollect) < collectEvery {
		return true
	}
	before := b.garbage.Load()
	runtime.GC()
	b.garbage.Add(-before)
	b.lastCollect = time.Now()
	return true
}

// release gives back n octets reserved earlier; they count as garbage
// until the next collection the budget runs.
func (b *MemoryBudget) release(n int64) {
	if b != nil && n > 0 {
		b.used.Add(-n)
		b.garbage.Add(n)
	}
}
