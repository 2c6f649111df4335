//go:build !linux

package server

// physicalMemory returns 0: the size of RAM is read on Linux only, and
// DefaultMaxMemory falls back to fallbackMaxMemory elsewhere.
func physicalMemory() int64 { return 0 }
