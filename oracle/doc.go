// Package oracle decides what a correct WebSocket server may answer to a
// client, and judges what a server under test did answer.
//
// It has two halves. The model (Predict) is the plainest reading of RFC
// 6455 (and RFC 7692 for compressed messages): given the client's byte
// stream it predicts the frames a strict echo server sends back (echoed
// messages, pongs, the close frame and its code) and whether the session
// ends or fails. The judge (Judge) turns that prediction into Autobahn's
// expectations and what the client saw of a target.Outcome into Autobahn's
// observations, and lets corpus/replay's judge, the one every wsfuzz
// driver shares, apply Autobahn's latitude: which close codes, whether a
// dropped connection is acceptable, NON-STRICT for invalid UTF-8 found late.
// On top it reports what Autobahn cannot see: panics, hangs, and memory
// taken far beyond what the input justifies.
//
// The model shares no code with the reference server it was written to
// check (package server and its subpackages): a bug there is not in the
// prediction too.
package oracle
