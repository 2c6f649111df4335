// Package conform runs Autobahn|Testsuite's catalogue of server cases
// (package catalogue) against a WebSocket server, judges every case as the
// real suite does, and writes the reports the real suite writes.
//
//	rep, err := conform.Run(ctx, target.URL("ws://127.0.0.1:9001/"), conform.Options{Cases: []string{"1.*", "6.4.*"}})
//	for _, r := range rep.Results {
//		fmt.Println(r.Case.ID, r.Verdict.Behavior, r.Verdict.BehaviorClose, r.Pass)
//	}
//	err = rep.WriteReports("reports/conform") // index.json, per-case JSON, index.html, junit.xml
//
// Each case runs on a connection of its own from the target's Dial, with
// corpus/replay's client, which acts as Autobahn's fuzzing client does,
// and is judged by replay.Judge. Cases run several at a time
// (Options.Parallel); the ones that move the most data start first, so
// that the run ends soon after its longest case.
//
// The reports are those of Autobahn's fuzzingclient, in its own format:
// index.json (agent -> case -> verdicts, duration, close code, report
// file) and one JSON report per case with the expected and received
// events, the closing handshake and the wire log. Unlike Autobahn's, the
// wire log holds every octet whole, so that `wsfuzz import` turns a failed
// case into fuzz corpus entries and `wsfuzz replay` runs it again exactly.
// index.html summarizes the run for a person, junit.xml for a CI system.
package conform
