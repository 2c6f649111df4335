package fuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/wsfuzz/wsfuzz/oracle"
	"sync"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/target"
)

// sessionMaxMessage is the message size limit of the sessions FuzzSession
// drives: 65 KiB, far below the server's default of 16 MiB, so that a
// declared length or a decompression bomb costs little per run while
// every size rule (1009 on a frame, on a fragmented message, on an
// inflated message) stays reachable with small inputs. It is above 65535,
// so that a frame in the 64-bit length form can still be accepted.
const sessionMaxMessage = 64<<10 + 1024

// FuzzSession feeds a client byte stream (what follows the opening
// handshake) to the sans-I/O session and checks it with checkSession.
// chops lists the sizes of the reads the stream arrives in (unsigned
// varints, see forEachPiece); extensions is the client's
// Sec-WebSocket-Extensions offer, negotiated as the server does with
// server.Deflate and default preferences.
//
// FuzzSession is also Server's harness on target.Reference, so the oracle
// that judges any server judges the reference on every input too, under
// strict rules; checkSession then holds the reference to the more it
// promises (byte-exact chop invariance, unfragmented echoes, minimal
// lengths).
func FuzzSession(f *testing.F) {
	ref := target.Reference(server.SessionConfig{MaxMessageSize: sessionMaxMessage})
	opts := newServerOptions([]Option{Strict(), MaxMessageSize(sessionMaxMessage)})
	f.Fuzz(func(t *testing.T, stream, chops []byte, extensions string) {
		checkServer(t, ref, opts, stream, chops, extensions)
		checkSession(t, negotiateSession(extensions), stream, chops)
	})
}

// sessionSetup is what checkSession needs of a negotiated connection: a
// way to open the session under test, and the model's view of the same
// configuration. Each is called afresh for every run, because compression
// contexts are per connection.
type sessionSetup struct {
	open func() echoSession
	// model returns the model's configuration and the reader of the
	// server's compressed frames (nil without compression).
	model func() (oracle.ModelConfig, func([]byte) ([]byte, bool))
}

// sessionPrefs are the server's permessage-deflate preferences in
// FuzzSession: the defaults, which accept any valid offer.
var sessionPrefs = deflate.Preferences{}

// plainSetup is the setup of a connection without extensions.
var plainSetup = sessionSetup{
	open: func() echoSession { return server.NewSession(server.SessionConfig{MaxMessageSize: sessionMaxMessage}) },
	model: func() (oracle.ModelConfig, func([]byte) ([]byte, bool)) {
		return oracle.ModelConfig{MaxMessage: sessionMaxMessage}, nil
	},
}

// negotiateSession negotiates extensions as the server's handshake does
// (server.Deflate) and returns the setup of such a connection. The model
// shares nothing with server/deflate: it reads the server's answer with
// the oracle's own reading of RFC 7692 (oracle.JudgePMDResponse, which
// fails the input when the answer accepts no offer), inflates the
// client's compressed messages with oracle.Inflater (compress/flate, and
// the oracle's own walk of the window and end-of-message rules) and the
// server's compressed frames with compress/flate alone.
func negotiateSession(extensions string) sessionSetup {
	if extensions == "" {
		return plainSetup
	}
	offers := []string{extensions}
	n := lastNegotiation.get(extensions)
	if !n.accepted {
		return plainSetup
	}
	return sessionSetup{
		open: func() echoSession {
			_, codec := server.Deflate(sessionPrefs)(offers)
			return server.NewSession(server.SessionConfig{MaxMessageSize: sessionMaxMessage, Compression: codec})
		},
		model: func() (oracle.ModelConfig, func([]byte) ([]byte, bool)) {
			agreed := n.agreed
			if agreed.ClientMaxWindowBits == 8 {
				// The reference holds a client that promised 8 window bits
				// to 9, as zlib's 8 is 9 (see oracle.Inflater).
				agreed.ClientMaxWindowBits = 9
			}
			in := oracle.NewInflater(agreed, sessionMaxMessage)
			inflate := func(compressed []byte) ([]byte, bool, bool) {
				msg, err := in.Inflate(compressed)
				return msg, err == nil, errors.Is(err, oracle.ErrTooBig)
			}
			out := &referenceInflater{takeover: !agreed.ServerNoContextTakeover}
			return oracle.ModelConfig{MaxMessage: sessionMaxMessage, Inflate: inflate}, out.inflate
		},
	}
}

// lastNegotiation remembers the model's reading of the last offer's
// answer: the fuzzing engine often mutates the stream and keeps the
// offer, and negotiating costs as much as a short session.
var lastNegotiation negotiationCache

// negotiation is the oracle's reading of the server's answer to an offer.
type negotiation struct {
	accepted bool
	agreed   oracle.PMDAgreement
}

type negotiationCache struct {
	mu    sync.Mutex
	offer string
	last  negotiation
}

// get returns the oracle's reading of the server's answer to one offer
// header value (never ""): the last reading again when the offer is the
// same. An answer the oracle does not accept counts as no agreement; the
// session then fails the model's compressed frames, and FuzzHandshake
// holds the answer itself to oracle.DefaultPMDAnswer.
func (c *negotiationCache) get(offer string) negotiation {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offer != offer || c.offer == "" {
		resp, _ := server.Deflate(sessionPrefs)([]string{offer})
		agreed, i, err := oracle.JudgePMDResponse(oracle.ParsePMDOffers(offer), resp)
		c.offer, c.last = offer, negotiation{accepted: err == nil && i >= 0, agreed: agreed}
	}
	return c.last
}

// checkSession is FuzzSession's property, over the session under test:
//
//   - feeding the stream whole and feeding it in the pieces chops lists
//     give the same output bytes (with the compression state released
//     after every piece, see feedPieces);
//   - the output is a valid stream of server frames (parseServerStream:
//     unmasked, unfragmented, minimal lengths, control frames of at most
//     125 bytes, a sendable close code last);
//   - its frames are exactly the ones the model predicts: each echoed
//     message (inflated, when compressed) and pong with the same payload,
//     then the close frame with the predicted code (the echoed code, or
//     1002, 1007 or 1009 for a failure);
//   - the session is done exactly when the model's is, and has an error
//     exactly when the model failed the connection.
func checkSession(r reporter, setup sessionSetup, stream, chops []byte) {
	r.Helper()
	whole := setup.open()
	out := feedPieces(whole, stream, nil)
	if _, n := binary.Uvarint(chops); n <= 0 {
		// No piece sizes: the chopped run would be the whole run again.
	} else if got := feedPieces(setup.open(), stream, chops); !bytes.Equal(got, out) {
		var sizes []int
		forEachPiece(stream, chops, func(p []byte) { sizes = append(sizes, len(p)) })
		r.Errorf("stream %x: chopped as %v the output is\n%x\nbut whole it is\n%x", clip(stream), sizes, clip(got), clip(out))
		return
	}
	cfg, inflateOut := setup.model()
	frames, err := parseServerStream(out, inflateOut)
	if err != nil {
		r.Errorf("stream %x: invalid server output %x: %v", clip(stream), clip(out), err)
		return
	}
	want, done, failed := oracle.Predict(stream, cfg)
	if !oracle.SameFrames(frames, want) {
		r.Errorf("stream %x:\nserver sent %s\nmodel says  %s", clip(stream), oracle.DescribeFrames(frames), oracle.DescribeFrames(want))
		return
	}
	if whole.Done() != done || (whole.Err() != nil) != failed {
		r.Errorf("stream %x: session done=%v err=%v; model done=%v failed=%v", clip(stream), whole.Done(), whole.Err(), done, failed)
	}
}
