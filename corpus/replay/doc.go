// Package replay replays Autobahn|Testsuite cases against a WebSocket server
// and judges the outcome with Autobahn's own rules.
//
// A Plan comes from a report (Compile) or from Autobahn's catalogue of
// cases in Go (package catalogue); either way Run plays it with the same
// client and Judge judges it. A plan from the catalogue may also carry an
// Echo script, the cases that judge themselves (9.*, 12.*, 13.*: many
// messages, each sent once the one before came back, optionally under
// permessage-deflate, which the client then negotiates, compresses and
// inflates on its own), and a run can keep its whole wire log
// (Options.WireLog) to be written as a report again.
//
// A report's wire log records what the fuzzing client did: the opening
// handshake, the frames it sent (with their chop sizes and sync flags), the
// timers it armed and the frames it received. Only part of that is the
// case's script; the rest is the client reacting to the server (answering a
// close, failing the connection on a protocol error, closing once the
// expected events arrived). Compile separates the two: the script is sent
// again as logged, octet for octet and chunk for chunk, and the reactions
// are made again by a client that behaves like Autobahn's, so that a server
// that acts differently from the recorded one is met the way the real suite
// would meet it.
//
//	plan, err := replay.Compile(c)           // err: the case cannot be replayed exactly
//	obs, err := replay.Run(ctx, plan, "ws://127.0.0.1:9001/", replay.Options{})
//	v := replay.Judge(c, obs)                // Autobahn's verdicts
//	ok := v.Pass(strict)
//
// Judge is a pure function of the case's expectations and what was observed,
// so it also judges a report's own recorded outcome (FromReport): that is how
// the tests check it against thousands of verdicts the real suite gave.
//
// Timers. Autobahn waits in seconds: a case arms "continue after 1 s",
// "close after 1 s" and "fail the connection after 1 s", and the protocol
// waits 1 s for the closing handshake and for the server to drop TCP. Only
// the continue-later waits pace a case (5.19, 5.20 and 6.4.* use them);
// Options.TimeScale shortens them, 0.1 by default: a 1 s step becomes
// 100 ms. They decide a verdict only against a server that needs longer
// than that to react (a server that fails invalid UTF-8 only after 100 ms
// looks like one that does not fail fast); use TimeScale 1 to wait exactly
// as Autobahn does. Every other wait only ends the case of a server that
// stopped answering, costs nothing against one that answers, and is kept
// as Autobahn has it (Options.GuardScale lengthens them on a loaded
// machine).
package replay
