package server

// DefaultMaxMemory returns the memory budget a server gets when
// Config.MaxMemory is zero: a quarter of the machine's physical memory in
// whole MiB, or fallbackMaxMemory where that cannot be read.
func DefaultMaxMemory() int64 {
	if quarter := physicalMemory() / 4 &^ (1<<20 - 1); quarter > 0 {
		return quarter
	}
	return fallbackMaxMemory
}

// fallbackMaxMemory is the default budget on a system whose memory size
// is unknown.
const fallbackMaxMemory = 1 << 30
