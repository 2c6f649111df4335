//go:build unix

package main

import (
	"os"
	"syscall"
)

// reportSignals ask a running server to log its memory (logMemory).
var reportSignals = []os.Signal{syscall.SIGUSR1}
