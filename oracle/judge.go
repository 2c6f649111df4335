package oracle

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

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
				v.Explanation = append([]string{"passes only with latitude: " + lat.String()}, v.Explanation...)
			}
			return v
		}
	}
	return first
}

// latitude is a set of ways a server may differ from the strict model and
// still pass: each flag relaxes one rule.
type latitude struct {
	// noLimit lifts the message size limit: a server may echo a message
	// above its documented limit instead of refusing it with 1009.
	noLimit bool
	// earlyHeader judges what a header's first two bytes decide as soon as
	// they arrive (ModelConfig.EarlyHeader).
	earlyHeader bool
	// lateUTF8 validates text only at the end of a message: NON-STRICT.
	lateUTF8 bool
	// nonMinimal accepts lengths not in their minimal form: NON-STRICT,
	// since the strict reading fails them.
	nonMinimal bool
	// zlibWindow reads a client's promise of an 8-bit window as 9 bits,
	// as servers built on zlib do (zlib cannot make an 8-bit window and
	// silently uses 9): a back-reference up to 512 octets then passes.
	zlibWindow bool
}

// nonStrict reports whether passing only with lat is NON-STRICT.
func (lat latitude) nonStrict() bool { return lat.lateUTF8 || lat.nonMinimal }

func (lat latitude) String() string {
	var parts []string
	if lat.noLimit {
		parts = append(parts, "a message above the size limit echoed")
	}
	if lat.earlyHeader {
		parts = append(parts, "a header failed on its first two bytes")
	}
	if lat.lateUTF8 {
		parts = append(parts, "invalid UTF-8 found only at the end of the message (NON-STRICT)")
	}
	if lat.nonMinimal {
		parts = append(parts, "a length not in its minimal form accepted (NON-STRICT)")
	}
	if lat.zlibWindow {
		parts = append(parts, "a client's 8-bit window read as zlib's 9 bits")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// latitudes are every combination of the flags, the strict model first,
// then those that still earn OK, then the NON-STRICT ones, fewer flags
// before more.
var latitudes = func() []latitude {
	var all []latitude
	for bits := range 32 {
		all = append(all, latitude{noLimit: bits&1 != 0, earlyHeader: bits&2 != 0, lateUTF8: bits&4 != 0, nonMinimal: bits&8 != 0, zlibWindow: bits&16 != 0})
	}
	rank := func(l latitude) int {
		n := 0
		for _, f := range []bool{l.noLimit, l.earlyHeader, l.lateUTF8, l.nonMinimal, l.zlibWindow} {
			if f {
				n++
			}
		}
		if l.nonStrict() {
			n += 10
		}
		return n
	}
	slices.SortStableFunc(all, func(a, b latitude) int { return rank(a) - rank(b) })
	return all
}()

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
		c := ModelConfig{MaxMessage: maxMessage, LateUTF8: lat.lateUTF8, EarlyHeader: lat.earlyHeader, AcceptNonMinimal: lat.nonMinimal}
		limit := maxMessage
		if lat.noLimit {
			c.MaxMessage, limit = math.MaxInt, noLimitInflate
		}
		if agreed.deflate {
			last = agreed.clientInflater(limit, lat.zlibWindow)
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

// clientClosing is the client's first close frame that can start the
// closing handshake (final, no RSV bits, masked, at most 125 bytes, as
// target.Exchange counts it), and how the model's session meets it.
type clientClosing struct {
	ok         bool
	start, end int // where the frame starts and ends in the stream
	code       int // its close code, -1 for none
	// endsBefore: the session ended before the frame began (the server
	// failed the connection first); failsOn: the session was open when
	// the frame's header was whole, and the frame's payload failed it
	// (a close code or reason the server must refuse).
	endsBefore, failsOn bool
}

func (p prediction) clientClosing(stream []byte) clientClosing {
	var cc clientClosing
	cc.start, cc.end, cc.code, cc.ok = clientCloseFrame(stream)
	if !cc.ok {
		return cc
	}
	_, cc.endsBefore, _ = Predict(stream[:cc.start], p.cfg())
	_, hn, _ := peekHeader(stream[cc.start:])
	_, doneAtHeader, _ := Predict(stream[:cc.start+hn], p.cfg())
	_, doneWith, failedWith := Predict(stream[:cc.end], p.cfg())
	cc.failsOn = !doneAtHeader && doneWith && failedWith
	return cc
}

// judgeWith judges the exchange against the model under one latitude.
func judgeWith(stream []byte, pieces [][]byte, o *target.Outcome, agreed negotiated, opt Options, lat latitude) Verdict {
	var serverInflate *countingInflater
	if agreed.deflate {
		serverInflate = agreed.serverInflater(noLimitInflate)
	}
	r := readServer(o.Output, serverInflate, echoableCode(stream))
	if r.violation != "" {
		return Verdict{Kind: Failed, Explanation: []string{r.violation}}
	}
	p := predict(stream, agreed, opt.maxMessage(), lat)
	cc := p.clientClosing(stream)
	c, undefined := expectation(p, cc)
	obs := observe(r, o, pieces, cc)
	v := Verdict{Autobahn: replay.Decide(c, obs)}
	v.Autobahn.Strict = append(v.Autobahn.Strict, r.strict...)
	v.Kind = kindOf(v.Autobahn)
	if undefined && v.Kind == OK {
		v.Kind = Informational
		v.Explanation = append(v.Explanation, fmt.Sprintf("close code %d is undefined by RFC 6455: echoing it, 1000 or 1002 are all informational (Autobahn's 7.13.*)", cc.code))
	}
	if lat.nonStrict() && v.Kind == OK {
		v.Kind = NonStrict
	}
	if p.failed && v.Kind == OK && len(pieces) > 1 {
		// When the server failed the connection: its close frame, or for
		// a server that dropped TCP without one, the drop.
		got := -1
		switch {
		case r.closed:
			got = closePiece(r, o)
		case o.Ending == target.EndServerClosed:
			got = o.ClosedAfter
			if got < 0 {
				got = len(pieces) // only after the last piece
			}
		}
		if want := p.endPiece(pieces); got > want {
			v.Kind = NonStrict
			v.Explanation = append(v.Explanation, fmt.Sprintf("the server failed the connection only after piece %d; the violation was complete in piece %d", got+1, want+1))
		}
	}
	if !v.Pass(opt.Strict) {
		v.Autobahn.Diff = replay.Explain(c, obs, v.Autobahn)
		v.Explanation = append(v.Explanation, v.Autobahn.Diff...)
	}
	return v
}

// expectation turns a prediction into Autobahn's expectations: the events
// (echoed messages and pongs) and the expected close. undefined is true
// when the client closed with a code above 4999, which RFC 6455 leaves
// undefined: Autobahn (7.13.*) accepts 1000, the code echoed or 1002 and
// calls any of them informational.
func expectation(p prediction, cc clientClosing) (c *corpus.Case, undefined bool) {
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
	case p.failed && cc.ok && cc.failsOn && cc.code >= 5000:
		ec = corpus.ExpectedClose{CloseCode: []int{CodeNormal, cc.code, CodeProtocolError}, ClosedByMe: true}
		undefined = true
	case p.failed && cc.ok && cc.failsOn:
		// The client started the closing handshake with a close frame
		// the server must refuse (Autobahn's 7.3.*, 7.5.1, 7.9.*); a
		// reason that is not UTF-8 may be refused with 1002 or 1007.
		ec.ClosedByMe = true
		if ec.CloseCode[0] == CodeInvalidData {
			ec.CloseCode = append(ec.CloseCode, CodeProtocolError)
		}
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
	return &corpus.Case{ID: "fuzz", Expected: map[string][][]corpus.Event{replay.OK: {events}}, ExpectedClose: ec}, undefined
}

// observe turns what the client saw into Autobahn's observations.
//
// Who closed first is read from the pieces: the server did when its close
// frame arrived before the piece that completed the client's close. When
// both fall in the same piece, the model's word decides: the server closed
// first when the session ended before the client's close frame. So it does
// for a server that dropped TCP without a close frame.
func observe(r serverReading, o *target.Outcome, pieces [][]byte, cc clientClosing) *replay.Observed {
	obs := &replay.Observed{Open: true, Events: r.events, CloseReceived: r.closed, Duration: o.Duration}
	cl := &obs.Closing
	cl.RemoteCloseCode = r.closeCode
	sent := 0
	for _, p := range pieces[:o.Sent] {
		sent += len(p)
	}
	clientClosed := cc.ok && cc.end <= sent
	clientCode := cc.code
	serverFirst := r.closed && (!clientClosed || closePiece(r, o) < pieceOf(pieces, cc.end) ||
		closePiece(r, o) == pieceOf(pieces, cc.end) && cc.endsBefore)
	serverDropped := !r.closed && o.Ending == target.EndServerClosed
	switch {
	case clientClosed && !serverFirst && !(serverDropped && cc.endsBefore):
		cl.ClosedByMe, cl.LocalCloseCode = true, max(clientCode, 0)
		obs.CloseCodeSent = clientCode > 0
		cl.WasClean = r.closed
	case r.closed:
		// The closing handshake is complete when both sides sent a close
		// frame: the client's answer, or one its stream already held.
		cl.WasClean = o.Replied || clientClosed
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

// echoableCode is the undefined close code (above 4999) of the client's
// close frame, which a server may echo; -1 when there is none.
func echoableCode(stream []byte) int {
	if _, _, code, ok := clientCloseFrame(stream); ok && code >= 5000 {
		return code
	}
	return -1
}

// clientCloseFrame finds the client's first whole close frame that can
// start the closing handshake: where it starts and ends in stream, and its
// code (-1 for none).
func clientCloseFrame(stream []byte) (start, end, code int, ok bool) {
	for off := 0; ; {
		h, hn, ok := peekHeader(stream[off:])
		if !ok || uint64(len(stream)-off-hn) < h.length {
			return 0, 0, 0, false
		}
		next := off + hn + int(h.length)
		if h.op == OpClose && h.fin && h.rsv == 0 && h.masked && h.length <= 125 {
			payload := stream[off+hn : next]
			if len(payload) < 2 {
				return off, next, -1, true
			}
			return off, next, int(payload[0]^h.key[0])<<8 | int(payload[1]^h.key[1]), true
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
