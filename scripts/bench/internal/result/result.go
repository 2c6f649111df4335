// Package result is the record the load generator prints for each run and
// the table reads back.
package result

// Result is one run against one server, one JSON line.
type Result struct {
	Server     string  `json:"server,omitempty"`
	Conns      int     `json:"conns"`
	Size       int     `json:"size"`
	Type       string  `json:"type"`
	Compress   bool    `json:"compress"`
	Messages   int64   `json:"messages"`
	Seconds    float64 `json:"seconds"`
	Rate       float64 `json:"msgs_per_s"`
	MBps       float64 `json:"mb_per_s"`
	P50us      float64 `json:"p50_us"`
	P99us      float64 `json:"p99_us"`
	Maxus      float64 `json:"max_us"`
	Mismatches int64   `json:"mismatches"`
	Failed     int     `json:"failed_conns"`
	Error      string  `json:"error,omitempty"`
	// CPU used during the measured window, in cores (CPU seconds per
	// second): by the load generator, by the server (when its pid was
	// given), and by everything else on the machine, steal included.
	ClientCPU float64 `json:"client_cpu"`
	// ClientCores is how many cores the load generator could use
	// (GOMAXPROCS, which follows its CPU affinity).
	ClientCores int     `json:"client_cores,omitempty"`
	ServerCPU   float64 `json:"server_cpu,omitempty"`
	OtherCPU    float64 `json:"other_cpu,omitempty"`
}

// OK reports whether the run completed with every echo correct.
func (r *Result) OK() bool {
	return r.Error == "" && r.Mismatches == 0 && r.Failed == 0 && r.Messages > 0
}

// ClientBound reports whether the load generator used nearly all the cores
// it had (90% or more): the rate then says as much about the client as
// about the server.
func (r *Result) ClientBound() bool {
	return r.ClientCores > 0 && r.ClientCPU >= 0.9*float64(r.ClientCores)
}
