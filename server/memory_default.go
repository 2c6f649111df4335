package server

// DefaultMaxMemory returns the memory budget a server gets when
// Config.MaxMemory is zero: a quarter of the machine's physical memory,
// or fallbackMaxMemory where that cannot be read.
func DefaultMaxMemory() int64 {
	if total := physicalMemory(); total > 0 {
		return total / 4
	}
	return fallbackMaxMemory
}

// fallbackMaxMemory is the default budget on a system whose memory size
// is unknown.
const fallbackMaxMemory = 1 << 30
