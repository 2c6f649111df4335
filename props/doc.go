// Package props is a property-based regression suite for WebSocket
// implementations (RFC 6455, RFC 7692), built on gopter, together with the
// generators it is made of.
//
// A fuzz target hunts for the one input that breaks an implementation; a
// property states what must hold for every input and checks it on many
// generated ones, shrinking any failure to a small counterexample. The
// properties here are functions of the implementation under test, so the
// same statement checks the reference server of this module, a deliberately
// broken variant in this package's tests, or your own code:
//
//	func TestMyCodecRoundTrip(t *testing.T) {
//		props.Check(t, props.FrameRoundTrip(props.FrameCodec{
//			Encode: myEncode,
//			Decode: myDecode,
//		}))
//	}
//
// # Generators
//
// Every generator says in its doc comment what it covers, and every value
// it produces shrinks towards the simplest value that still fails:
//
//   - [Length], [Header], [HeaderBytes]: frame headers over every opcode,
//     RSV combination and masking, with lengths concentrated at the
//     encoding boundaries (0, 1, 125, 126, 127, 65535, 65536) and a few huge
//     ones up to 2^63-1; arbitrary header-like bytes.
//   - [MaskKey], [MaskOffset], [Payload]: masking inputs.
//   - [ValidUTF8], [InvalidUTF8], [UTF8Text]: text with each kind of
//     defect (overlong forms, surrogates, code points above U+10FFFF,
//     truncated sequences, stray continuation bytes, impossible bytes) at
//     the start, middle and end.
//   - [CloseCode], [ClosePayloads]: close codes of every class of the RFC
//     table and close payloads with reasons of 0..123 bytes, valid or not.
//   - [Messages]: fragmented messages with control frames interleaved.
//   - [Chops]: how a byte stream is cut into reads.
//   - [DeflateOffers], [ValidDeflateOffers], [DeflatePreferences],
//     [DeflateMessages]: permessage-deflate parameter offers (valid, and
//     breaking each rule of RFC 7692 section 7), server preferences, and
//     message sequences that reach back into earlier messages.
//   - [Actions], [ActionFor]: what a client sends, frame by frame, for
//     whole-session properties and the stateful model.
//
// # Properties
//
// [FrameRoundTrip], [DecodeEncodeIdempotent], [MaskInvolution],
// [MaskMatchesDefinition], [MaskOffsetComposition], [UTF8SplitInvariance],
// [UTF8FailFast], [CloseCodeClassification], [ClosePayloadVerdict],
// [FragmentedEcho], [FailFastMidFrame], [ChopInvariance],
// [DeflateNegotiation], [DeflateRoundTrip], [CompressedEcho] and
// [SessionModel]. The implementations they take are
// small interfaces or function types in the vocabulary of package wire
// ([FrameCodec], [MaskFunc], [UTF8Stream], [ParseCloseFunc], [Server],
// [NewDeflateServer], [DeflateCodec]); the reference implementations of
// this module come adapted ([WireCodec], [WireUTF8], [WireSendable],
// [WireParseClose], [SessionServer], [DeflateSessionServer],
// [ReferenceDeflate]), and servers behind a target.Target come adapted by
// [TargetServer] and [TargetDeflateServer].
//
// # Your own server
//
// The whole-session properties take a [NewServer] (or, for
// [CompressedEcho], a [NewDeflateServer]): the reference session comes as
// [SessionServer], and any server reached through a target.Target comes
// as [TargetServer] and [TargetDeflateServer], so the same properties
// check your http.Handler (target.Handler), your server that takes a raw
// net.Conn (target.Conn), or a server of any language listening on this
// machine (target.URL):
//
//	func TestMyServerSessionModel(t *testing.T) {
//		srv := props.TargetServer(target.Handler(myHandler))
//		props.Check(t, props.SessionModel(srv, myLimit, 4096), props.Weight(0.02), props.MaxSize(40))
//	}
//
// Each case opens a fresh connection, performs the opening handshake
// (offering nothing, or the case's permessage-deflate offers), and sends the
// client's bytes in the case's pieces through a target.Session, which waits
// after each piece until the server has answered: in memory until the
// server reads again with nothing left to read, over TCP until it has been
// silent for the settle time (20 ms; target.WithSettle changes it). The
// server is done once it closes the connection or sends its close frame.
// A server that cannot be reached, refuses the handshake, hangs past the
// deadline (target.WithDeadline, 2 s by default) or panics fails the
// property with that reason ([Faulty]). A case costs a connection, so give
// these properties a small [Weight].
//
// # Running
//
// [Check] runs a property with the case count from PROPS_N (default
// [DefaultN], scaled by the property's [Weight]) and the seed from
// PROPS_SEED (random when unset). A failure prints the shrunk
// counterexample, the seed, and the go test command that reruns exactly
// that case, for example:
//
//	seed 1512937052; rerun: cd /src/wsfuzz && PROPS_SEED=1512937052 PROPS_N=10000 go test ./props -run '^TestFragmentedEcho$'
//
// Every can-fail test (TestCanFail*: a property against a deliberately
// broken implementation, which it must catch and shrink to a small
// counterexample) must do so for every seed; scripts/canfail-seeds.sh runs
// them all for seeds 1 to 1000 and lists any seed that misses.
//
// This package's own tests give the properties that drive whole sessions a
// fraction of PROPS_N: FragmentedEcho, FailFastMidFrame and SessionModel a
// quarter (the model runs sequences of up to 40 actions), ChopInvariance a
// half, DeflateRoundTrip a twentieth and CompressedEcho a fiftieth.
package props
