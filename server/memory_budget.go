package server

import "sync/atomic"

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
// A nil *MemoryBudget is no budget: every reservation succeeds and
// nothing is counted. The methods are safe for concurrent use.
type MemoryBudget struct {
	limit int64
	used  atomic.Int64
}

// smallBuffer is the largest buffer that may use the part of a budget that
// large ones cannot.
const smallBuffer = 64 << 10

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

// InUse returns the octets reserved now.
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
	if b.used.Add(n) > limit {
		b.used.Add(-n)
		return false
	}
	return true
}

// release gives back n octets reserved earlier.
func (b *MemoryBudget) release(n int64) {
	if b != nil && n > 0 {
		b.used.Add(-n)
	}
}
