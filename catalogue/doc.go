// Package catalogue is Autobahn|Testsuite's catalogue of server cases in
// Go: the 517 cases of sections 1-7, 9, 10, 12 and 13 of suite 25.x, with
// the same ids, each as what the fuzzing client sends (frames, their
// writes and chop sizes, pauses and timers), what it expects back (events
// and the closing handshake) and, for the cases that judge themselves,
// the echo script they run.
//
// A case becomes a replay.Plan, which corpus/replay's client runs against
// a server and replay.Judge judges, exactly as for a case read from a
// report:
//
//	for _, c := range catalogue.Select([]string{"1.*", "6.4.*"}) {
//		plan := c.Plan()
//		obs, err := replay.Run(ctx, plan, "ws://127.0.0.1:9001/", replay.Options{})
//		v := replay.Judge(plan.Case, obs)
//	}
//
// The facts (sizes, payloads, fragmentation, chop sizes, timers, expected
// events and close codes) are those of Autobahn's case definitions; the
// tests compare every case, one by one, with the reports the real suite
// wrote against the reference server (server/testdata/autobahn). The
// sections live in one file each:
//
//	framing.go        1.*   text and binary messages at length boundaries
//	pings.go          2.*   pings and pongs
//	reserved.go       3.*   reserved bits
//	opcodes.go        4.*   reserved opcodes
//	fragmentation.go  5.*   fragmented messages and interleaved control frames
//	utf8.go           6.*   UTF-8 in text messages, valid and invalid
//	closing.go        7.*   the closing handshake, close codes and reasons
//	limits.go         9.*   large messages and round trips (they judge themselves)
//	autofragment.go   10.*  auto-fragmentation
//	compression.go    12.*, 13.*  permessage-deflate (they judge themselves)
//
// The payloads of 12.* and 13.* are generated here (testdata.go), of the
// same kinds and sizes as the files Autobahn ships (a JSON document, a
// bitmap, a German text, an HTML page, a PDF), not those files.
package catalogue
