package deflate

import (
	"runtime"
	"testing"
	"time"
)

// benchModes are the context takeover settings benchmarked. "released" calls
// Release after every message: the cost of holding only the context.
var benchModes = []struct {
	name    string
	p       Params
	release bool
}{
	{"takeover", Params{}, false},
	{"takeover_released", Params{}, true},
	{"no_takeover", Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true}, false},
}

// cpuMeter reports, besides the wall-clock MB/s of b.SetBytes, the
// throughput per second of process CPU time as "cpuMB/s".
type cpuMeter struct {
	start time.Duration
	bytes int64
}

func startCPU() cpuMeter { return cpuMeter{start: processCPU()} }

func (m *cpuMeter) report(b *testing.B) {
	if used := processCPU() - m.start; used > 0 && m.start > 0 {
		b.ReportMetric(float64(m.bytes)/used.Seconds()/1e6, "cpuMB/s")
	}
}

var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}}

// benchMessages are distinct text-like messages of n octets, cycled
// through. There are enough of them (at least 16, and 1 MiB in all) that a
// message comes back only long after it left the 32 KiB window: context
// takeover sees realistic, not repeated, traffic.
func benchMessages(n int) [][]byte {
	msgs := make([][]byte, max(16, (1<<20)/n))
	for i := range msgs {
		msgs[i] = textLike(uint64(100+i), n)
	}
	return msgs
}

// BenchmarkCompress measures Compress throughput (MB/s of message) and
// reports the compressed size as a percentage of the input.
func BenchmarkCompress(b *testing.B) {
	for _, size := range benchSizes {
		for _, mode := range benchModes {
			b.Run(size.name+"/"+mode.name, func(b *testing.B) {
				msgs := benchMessages(size.n)
				c := NewCompressor(mode.p, DefaultLevel)
				buf := make([]byte, 0, 2*size.n)
				in, out := 0, 0
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				cpu := startCPU()
				for i := 0; b.Loop(); i++ {
					var err error
					buf, err = c.Compress(buf[:0], msgs[i%len(msgs)])
					if err != nil {
						b.Fatal(err)
					}
					if mode.release {
						c.Release()
					}
					in += size.n
					out += len(buf)
				}
				cpu.bytes = int64(in)
				cpu.report(b)
				b.ReportMetric(100*float64(out)/float64(in), "%size")
			})
		}
	}
}

// BenchmarkInflate measures Inflate throughput (MB/s of inflated message).
func BenchmarkInflate(b *testing.B) {
	for _, size := range benchSizes {
		for _, mode := range benchModes {
			b.Run(size.name+"/"+mode.name, func(b *testing.B) {
				// What a client would send: compressed under the mirrored
				// parameters, in order. Cycling through them is valid under
				// takeover too: message 0 refers to nothing before it.
				msgs := benchMessages(size.n)
				client := NewCompressor(mode.p.Mirror(), DefaultLevel)
				zs := make([][]byte, len(msgs))
				for i, m := range msgs {
					zs[i], _ = client.Compress(nil, m)
				}
				d := NewDecompressor(mode.p)
				buf := make([]byte, 0, size.n)
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				cpu := startCPU()
				for i := 0; b.Loop(); i++ {
					var err error
					buf, err = d.Inflate(buf[:0], zs[i%len(zs)], 1<<20)
					if err != nil {
						b.Fatal(err)
					}
					if mode.release {
						d.Release()
					}
					cpu.bytes += int64(size.n)
				}
				cpu.report(b)
			})
		}
	}
}

// idleModes are the settings whose idle cost per connection is measured.
var idleModes = []struct {
	name    string
	p       Params
	release bool
	conns   int
}{
	{"no_takeover", Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true}, false, 1000},
	{"takeover_live", Params{}, false, 100}, // each holds a writer of about 0.8 MiB
	{"takeover_released", Params{}, true, 1000},
	{"takeover_released_window9", Params{ServerMaxWindowBits: 9, ClientMaxWindowBits: 9}, true, 1000},
}

// idleBytes returns the heap retained per connection after every
// connection of the mode has sent and received one 4 KiB message and, if
// the mode says so, released its state. Pools are emptied by the GCs before
// each measurement, so what is counted is what connections themselves hold.
func idleBytes(tb testing.TB, p Params, release bool, conns int) float64 {
	msg := textLike(1, 4<<10)
	fromClient, err := NewCompressor(p.Mirror(), DefaultLevel).Compress(nil, msg)
	if err != nil {
		tb.Fatal(err)
	}
	type pair struct {
		c *Compressor
		d *Decompressor
	}
	pairs := make([]pair, conns)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	out := make([]byte, 0, 8<<10)
	for i := range pairs {
		pairs[i] = pair{NewCompressor(p, DefaultLevel), NewDecompressor(p)}
		if out, err = pairs[i].c.Compress(out[:0], msg); err != nil {
			tb.Fatal(err)
		}
		if out, err = pairs[i].d.Inflate(out[:0], fromClient, 1<<20); err != nil {
			tb.Fatal(err)
		}
		if release {
			pairs[i].c.Release()
			pairs[i].d.Release()
		}
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(pairs)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(conns)
}

// TestIdleMemory reports the memory an idle connection retains in each
// mode and checks the bounds the package documents.
func TestIdleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 100 MiB")
	}
	limits := map[string]float64{
		"no_takeover":               512,            // two small structs
		"takeover_released":         2*32<<10 + 512, // one window each way
		"takeover_released_window9": 2*512 + 512,
	}
	for _, m := range idleModes {
		perConn := idleBytes(t, m.p, m.release, m.conns)
		t.Logf("%-26s %10.0f bytes per idle connection (compressor + decompressor, %d connections)", m.name, perConn, m.conns)
		if limit, ok := limits[m.name]; ok && perConn > limit {
			t.Errorf("%s: %.0f bytes per idle connection, want at most %.0f", m.name, perConn, limit)
		}
	}
}

// BenchmarkIdleConnection reports the same figures as B/conn.
func BenchmarkIdleConnection(b *testing.B) {
	for _, m := range idleModes {
		b.Run(m.name, func(b *testing.B) {
			var perConn float64
			for b.Loop() {
				perConn = idleBytes(b, m.p, m.release, m.conns)
			}
			b.ReportMetric(perConn, "B/conn")
		})
	}
}
