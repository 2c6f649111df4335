//go:build !unix

package main

import "os"

// reportSignals is empty where there is no SIGUSR1.
var reportSignals []os.Signal
