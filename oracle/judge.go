package oracle

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/target"
)

// Options are what the judge knows of the server under test.
type Options struct {
	// Strict fails NON-STRICT verdicts and what only strict mode holds
	// against a server, as replay --strict does.
	Strict bool
	// MaxMessageSize is the server's own message size limit: a 1009 for a
	// message above it is allowed, a 1009 below it is FAILED. 0 means
	// DefaultMaxMessageSize.
	MaxMessageSize int64
	// AllocLimit bounds what the server may allocate for one connection;
	// 0 means 1 MiB plus 8 times the input's size, where compressed
	// messages count what they inflate to, plus 2 MiB for the compression
	// contexts when permessage-deflate was agreed.
	AllocLimit int64
}

// DefaultMaxMessageSize is the reference server's message size limit.
const DefaultMaxMessageSize = 16 << 20

func (o Options) maxMessage() int {
	if o.MaxMessageSize <= 0 {
		return DefaultMaxMessageSize
	}
	return int(min(o.MaxMessageSize, math.MaxInt32))
}

// compressionAllowance is what an agreed permessage-deflate may cost on
// top: a compressor and a decompressor with their windows and tables.
const compressionAllowance = 2 << 20

// allocLimit is what the server may allocate for the connection: the
// option's limit, or 1 MiB plus 8 times the input's size, where the size
// of compressed input counts what it inflates to, plus the compression
// contexts' allowance when permessage-deflate was agreed.
func (o Options) allocLimit(stream []byte, agreed negotiated, inflated int) int64 {
	if o.AllocLimit > 0 {
		return o.AllocLimit
	}
	limit := 1<<20 + 8*int64(len(stream)+inflated)
	if agreed.deflate {
		limit += compressionAllowance
	}
	return limit
}

// Judge judges one exchange: in is what the client sent, o what it saw.
//
// Crashes come first: a panic, a hang, or memory above the limit. Then the
// server's frames must be valid for a server (unmasked, known opcodes,
// whole control frames, valid UTF-8 text, a valid close). Then the model
// predicts what a strict server answers, and corpus/replay's judge
// compares the two with Autobahn's rules: the events must match, the close
// must come from the right side with an allowed code (or TCP dropped where
// a failure allows it). Where a strict prediction fails, Autobahn's
// latitude is tried: invalid UTF-8 found only at the end of the message
// (NON-STRICT), and a message above the server's limit refused with 1009.
func Judge(in target.Input, o *target.Outcome, opt Options) Verdict {
	stream := joinPieces(in.Pieces)
	switch {
	case o.Ending == target.EndPanicked:
		return Verdict{Kind: Panicked, Explanation: []string{"the server panicked:", o.Panic}}
	case o.Ending == target.EndHung:
		return Verdict{Kind: Hung, Explanation: []string{fmt.Sprintf("the server neither reacted nor closed within the deadline (%s)", o.Hang)}}
	}
	offer := sendableOffer(in.Offer)
	if o.Ending == target.EndRefused {
		if offer != "" && o.Status >= 400 && o.Status < 500 {
			return Verdict{Kind: Informational, Explanation: []string{fmt.Sprintf("the server refused the handshake with the offer %q: %s", offer, o.HandshakeError)}}
		}
		return Verdict{Kind: Failed, Explanation: []string{"the opening handshake did not complete: " + o.HandshakeError}}
	}
	agreed, err := readAgreement(offer, o.Extensions)
	if err != nil {
		return Verdict{Kind: Failed, Explanation: []string{err.Error()}}
	}
	if limit := opt.allocLimit(stream, agreed, predict(stream, agreed, opt.maxMessage(), latitude{}).inflated); o.Allocated > limit {
		return Verdict{Kind: Memory, Explanation: []string{fmt.Sprintf("the server allocated %d bytes for a connection whose input is %d bytes (limit %d)",
			o.Allocated, len(stream), limit)}}
	}
	var first Verdict
	for i, lat := range latitudes {
		v := judgeWith(stream, in.Pieces, o, agreed, opt, lat)
		if i == 0 {
			first = v
		}
		if v.Pass(false) {
			if i > 0 {
				v.Explanation = append([]string{"passes only with latitude: " + lat.name}, v.Explanation...)
			}
			return v
		}
	}
	return first
}

// latitude is a way a server may differ from the strict model and still
// pass Autobahn.
type latitude struct {
	name string
	// lateUTF8 validates text only at the end of a message, and the
	// verdict is NON-STRICT.
	lateUTF8 bool
	// noLimit lifts the message size limit: a server may echo a message
	// above its documented limit instead of refusing it with 1009.
	noLimit bool
}

var latitudes = []latitude{
	{name: "none"},
	{name: "a message above the size limit is echoed", noLimit: true},
	{name: "invalid UTF-8 found only at the end of the message (NON-STRICT)", lateUTF8: true},
	{name: "invalid UTF-8 found at the message end, and no size limit (NON-STRICT)", lateUTF8: true, noLimit: true},
}

// noLimitInflate bounds inflation when the size limit is lifted, so that a
// decompression bomb in the input costs the judge little.
const noLimitInflate = 64 << 20

// prediction is the model's answer to a stream under one latitude.
type prediction struct {
	cfg func() ModelConfig
	// inflated is what the client's compressed messages inflated to.
	inflated int
	frames   []Frame
	done     bool
	failed   bool
}

func predict(stream []byte, agreed negotiated, maxMessage int, lat latitude) prediction {
	var last *countingInflater
	cfg := func() ModelConfig {
		c := ModelConfig{MaxMessage: maxMessage, LateUTF8: lat.lateUTF8}
		limit := maxMessage
		if lat.noLimit {
			c.MaxMessage, limit = math.MaxInt, noLimitInflate
		}
		if agreed.deflate {
			last = agreed.clientInflater(limit)
			c.Inflate = last.modelInflate
		}
		return c
	}
	p := prediction{cfg: cfg}
	p.frames, p.done, p.failed = Predict(stream, cfg())
	if last != nil {
		p.inflated = last.produced
	}
	return p
}

// endPiece returns the index of the piece in which the model's session
// ends (by a failure or the client's close), by bisecting the prefixes of
// whole pieces.
func (p prediction) endPiece(pieces [][]byte) int {
	ends := make([]int, len(pieces))
	n := 0
	for i, piece := range pieces {
		n += len(piece)
		ends[i] = n
	}
	stream := joinPieces(pieces)
	return sort.Search(len(pieces), func(i int) bool {
		_, done, _ := Predict(stream[:ends[i]], p.cfg())
		return done
	})
}

// failsOnClose reports whether the model's session fails on the client's
// first close frame: it is still open before that frame and ends with it.
func (p prediction) failsOnClose(stream []byte) bool {
	start, end, ok := clientCloseFrame(stream)
	if !ok {
		return false
	}
	_, doneBefore, _ := Predict(stream[:start], p.cfg())
	_, doneWith, _ := Predict(stream[:end], p.cfg())
	return !doneBefore && doneWith
}

// endsBeforeClientClose reports whether the model's session ends before
// the client's first close frame begins.
func (p prediction) endsBeforeClientClose(stream []byte) bool {
	start, _, ok := clientCloseFrame(stream)
	if !ok {
		return false
	}
	_, done, _ := Predict(stream[:start], p.cfg())
	return done
}

// judgeWith judges the exchange against the model under one latitude.
func judgeWith(stream []byte, pieces [][]byte, o *target.Outcome, agreed negotiated, opt Options, lat latitude) Verdict {
	var serverInflate *countingInflater
	if agreed.deflate {
		serverInflate = agreed.serverInflater(noLimitInflate)
	}
	r := readServer(o.Output, serverInflate)
	if r.violation != "" {
		return Verdict{Kind: Failed, Explanation: []string{r.violation}}
	}
	p := predict(stream, agreed, opt.maxMessage(), lat)
	c := expectation(p, stream)
	obs := observe(r, o, pieces, p.endsBeforeClientClose(stream))
	v := Verdict{Autobahn: replay.Judge(c, obs)}
	v.Autobahn.Strict = append(v.Autobahn.Strict, r.strict...)
	v.Kind = kindOf(v.Autobahn)
	if lat.lateUTF8 && v.Kind == OK {
		v.Kind = NonStrict
	}
	if p.failed && v.Kind == OK && r.closed && len(pieces) > 1 {
		if want, got := p.endPiece(pieces), closePiece(r, o); got > want {
			v.Kind = NonStrict
			v.Explanation = append(v.Explanation, fmt.Sprintf("the server failed the connection only after piece %d; the violation was complete in piece %d", got+1, want+1))
		}
	}
	v.Explanation = append(v.Explanation, v.Autobahn.Diff...)
	return v
}

// expectation turns a prediction into Autobahn's expectations: the events
// (echoed messages and pongs) and the expected close.
func expectation(p prediction, stream []byte) *corpus.Case {
	var events []corpus.Event
	var ec corpus.ExpectedClose
	for _, f := range p.frames {
		switch f.Op {
		case OpText, OpBinary:
			events = append(events, corpus.Event{Kind: "message", Data: f.Payload, Binary: f.Op == OpBinary})
		case OpPong:
			events = append(events, corpus.Event{Kind: "pong", Data: f.Payload})
		case OpClose:
			ec.CloseCode = []int{int(f.Code)}
		}
	}
	switch {
	case p.failed && p.failsOnClose(stream):
		// The client started the closing handshake with a close frame
		// the server must refuse (Autobahn's 7.3.*, 7.5.1, 7.9.*).
		ec.ClosedByMe = true
	case p.failed:
		ec.ClosedByWrongEndpointIsFatal = ec.CloseCode[0] == CodeInvalidData
	case p.done:
		// The client closed: the server echoes its code, or says 1000.
		ec.ClosedByMe, ec.RequireClean = true, true
		if !slices.Contains(ec.CloseCode, CodeNormal) {
			ec.CloseCode = append([]int{CodeNormal}, ec.CloseCode...)
		}
	default:
		// Nobody closes: the client drops the connection after its last
		// piece, and the server must not have closed.
		ec = corpus.ExpectedClose{CloseCode: []int{CodeNormal}, ClosedByMe: true}
	}
	return &corpus.Case{ID: "fuzz", Expected: map[string][][]corpus.Event{replay.OK: {events}}, ExpectedClose: ec}
}

// observe turns what the client saw into Autobahn's observations.
//
// Who closed first is read from the pieces: the server did when its close
// frame arrived before the piece that completed the client's close. When
// both fall in the same piece, the model's word decides: the server closed
// first when the session ended before the client's close frame
// (serverEndsFirst).
func observe(r serverReading, o *target.Outcome, pieces [][]byte, serverEndsFirst bool) *replay.Observed {
	obs := &replay.Observed{Open: true, Events: r.events, CloseReceived: r.closed, Duration: o.Duration}
	cl := &obs.Closing
	cl.RemoteCloseCode = r.closeCode
	clientEnd, clientCode, clientClosed := clientClose(pieces[:o.Sent])
	serverFirst := r.closed && (!clientClosed || closePiece(r, o) < pieceOf(pieces, clientEnd) ||
		closePiece(r, o) == pieceOf(pieces, clientEnd) && serverEndsFirst)
	switch {
	case clientClosed && !serverFirst:
		cl.ClosedByMe, cl.LocalCloseCode = true, max(clientCode, 0)
		obs.CloseCodeSent = clientCode > 0
		cl.WasClean = r.closed
	case r.closed:
		cl.WasClean = o.Replied
		cl.LocalCloseCode, obs.CloseCodeSent = o.ReplyCode, o.ReplyCode > 0
	case o.Ending == target.EndServerClosed:
		// The server dropped TCP without a close frame.
	default:
		// Nobody closed: the client drops the connection.
		cl.ClosedByMe, cl.WasClean = true, true
	}
	if r.closed && o.Ending == target.EndClientClosed {
		cl.DroppedByMe = true
		cl.WasNotCleanReason = "the server did not close TCP after the closing handshake"
	}
	return obs
}

// closePiece is the index of the piece after which the server's close
// frame had arrived (len(After) when it came only at the end).
func closePiece(r serverReading, o *target.Outcome) int {
	for i, n := range o.After {
		if n >= r.closeEnd {
			return i
		}
	}
	return len(o.After)
}

// pieceOf is the index of the piece holding stream offset end-1.
func pieceOf(pieces [][]byte, end int) int {
	n := 0
	for i, p := range pieces {
		n += len(p)
		if n >= end {
			return i
		}
	}
	return len(pieces)
}

// clientClose finds the client's first whole close frame in what it sent:
// where it ends and its code (-1 for none).
func clientClose(pieces [][]byte) (end, code int, ok bool) {
	stream := joinPieces(pieces)
	start, end, ok := clientCloseFrame(stream)
	if !ok {
		return 0, 0, false
	}
	h, hn, _ := peekHeader(stream[start:])
	payload := stream[start+hn : end]
	if len(payload) < 2 {
		return end, -1, true
	}
	return end, int(payload[0]^h.key[0])<<8 | int(payload[1]^h.key[1]), true
}

// clientCloseFrame finds where the client's first whole close frame
// starts and ends in stream.
func clientCloseFrame(stream []byte) (start, end int, ok bool) {
	for off := 0; ; {
		h, hn, ok := peekHeader(stream[off:])
		if !ok || uint64(len(stream)-off-hn) < h.length {
			return 0, 0, false
		}
		next := off + hn + int(h.length)
		if h.op == OpClose {
			return off, next, true
		}
		off = next
	}
}

func joinPieces(pieces [][]byte) []byte {
	var n int
	for _, p := range pieces {
		n += len(p)
	}
	s := make([]byte, 0, n)
	for _, p := range pieces {
		s = append(s, p...)
	}
	return s
}
