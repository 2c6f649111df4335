package fuzz

import (
	"net"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/target"
)

// BenchmarkServer measures executions per second of the fuzz.Server
// harness on the reference server reached in each way, over the shipped
// seed corpus, side by side in one run, with the old bare-session check
// and an empty body for scale:
//
//	go test ./fuzz -run '^$' -bench '^BenchmarkServer$' -cpu 1 -count 5 | benchstat -
//
//	bare-session   FuzzSession's check of the sans-I/O session alone
//	FuzzSession    what FuzzSession runs now: the harness on target.Reference, then the bare check
//	reference      the harness on target.Reference (the session, no connection)
//	handler        the harness on target.Handler: an http.Handler over in-memory connections
//	conn           the harness on target.Conn: the network shell over in-memory connections
//	url            the harness on target.URL: the network shell on a 127.0.0.1 port
//	trivial        nothing: the loop's own cost
func BenchmarkServer(b *testing.B) {
	seeds := ShippedSeeds()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Config{Negotiate: server.Deflate(deflate.Preferences{})})
	go srv.Serve(ln)
	defer ln.Close()
	harness := func(t target.Target, opts ...Option) func(r *recorder, s Seed) {
		o := newServerOptions(opts)
		return func(r *recorder, s Seed) { checkServer(r, t, o, s.Stream, s.Chops, s.Extensions) }
	}
	ref := target.Reference(server.SessionConfig{MaxMessageSize: sessionMaxMessage})
	fuzzSession := harness(ref, Strict(), MaxMessageSize(sessionMaxMessage))
	rows := []struct {
		name string
		run  func(r *recorder, s Seed)
	}{
		{"bare-session", func(r *recorder, s Seed) { checkSession(r, negotiateSession(s.Extensions), s.Stream, s.Chops) }},
		{"FuzzSession", func(r *recorder, s Seed) {
			fuzzSession(r, s)
			checkSession(r, negotiateSession(s.Extensions), s.Stream, s.Chops)
		}},
		{"reference", harness(target.Reference(server.SessionConfig{}))},
		{"handler", harness(target.Handler(referenceHandler))},
		{"conn", harness(target.Conn(serveReferenceShell))},
		{"url", harness(target.URL("ws://" + ln.Addr().String() + "/"))},
		{"trivial", func(r *recorder, s Seed) {}},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			var r recorder
			for i := range seeds { // warm up: first connections make what a server keeps
				row.run(&r, seeds[i])
			}
			r = recorder{}
			for i := 0; b.Loop(); i++ {
				row.run(&r, seeds[i%len(seeds)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
			b.ReportMetric(float64(len(r.failures)), "failures")
			if len(r.failures) > 0 {
				b.Logf("%d failing executions (the seeds pass one by one in TestServerShippedSeedsOnReference); the first: %s", len(r.failures), r.failures[0])
			}
		})
	}
}
