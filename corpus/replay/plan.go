package replay

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Plan is a case compiled for replay: the opening handshake and the case's
// script, split into the steps the case ran (the first when the connection
// opened, each further one when a continue-later timer fired).
type Plan struct {
	Case *corpus.Case
	// Request is the opening handshake request as the report shows it;
	// Run replaces its key and Host.
	Request string
	// Steps[0] runs when the connection opens; Steps[i], i > 0, runs when
	// the ContinueLater action whose Next is i fires.
	Steps [][]Action
	// SuppressClose is the case's suppressClose: it never starts the
	// closing handshake itself once the expected events arrived.
	SuppressClose bool
	// Echo, when set, is the script of a case that judges itself; Steps
	// are then not run.
	Echo *Echo
}

// ActionKind is what an Action does.
type ActionKind int

const (
	// Send writes Chunks, each as the write Autobahn made.
	Send ActionKind = iota
	// ContinueLater runs step Next after Seconds (Autobahn's continueLater,
	// CT in the wire log), unless the connection is closed by then.
	ContinueLater
	// KillAfter fails the connection after Seconds (killAfter, KL).
	KillAfter
	// CloseAfter starts the closing handshake after Seconds (closeAfter,
	// TI).
	CloseAfter
)

// Action is one thing a case's script does.
type Action struct {
	Kind ActionKind
	// Chunks are the writes of a Send. Each chunk went out in a write of
	// its own; Sync chunks were flushed on their own before what followed
	// (Autobahn's sync and chopsize).
	Chunks []Chunk
	// Close is set when a Send is the case closing the connection
	// (sendClose): the client then waits for the server's close. CloseCode
	// is the code it carries, if CloseHasCode.
	Close        bool
	CloseCode    int
	CloseHasCode bool
	// What describes a Send for traces ("frame opcode=1 fin=true len=13").
	What string
	// Frame is the frame a Send writes, with its payload unmasked, for
	// the wire log; nil when the Send writes octets outside a frame.
	Frame *corpus.Frame
	// Seconds is the delay of a timer; Tag names a ContinueLater step ("A"
	// for the steps of 6.4.*, "" when the case gave none); Next is the step
	// a ContinueLater runs, -1 when the report never shows it (the recorded
	// connection closed before the timer fired).
	Seconds float64
	Tag     string
	Next    int
}

// Chunk is one write of a Send.
type Chunk struct {
	Data []byte
	Sync bool
}

// NotReplayableError says why a case cannot be replayed exactly: Kind is
// one of the Skip* kinds, Reason the details.
type NotReplayableError struct {
	ID     string
	Kind   string
	Reason string
}

// Why a case cannot be replayed (NotReplayableError.Kind).
const (
	SkipClientReport = "a report of a client under test"
	SkipNoWireLog    = "no wire log"
	SkipSelfJudged   = "the case judges itself (no expected events)"
	SkipExpectedCut  = "the report cut the expected events"
	SkipCompression  = "permessage-deflate"
	SkipCutPayload   = "a sent frame was cut in the report and cannot be rebuilt"
	SkipLoggingOff   = "wire logging was switched off"
	SkipBadLog       = "the wire log does not add up"
	SkipBadRequest   = "no usable opening handshake request"
)

func (e *NotReplayableError) Error() string {
	return fmt.Sprintf("case %s cannot be replayed: %s", e.ID, e.Reason)
}

// ErrNotReplayable matches every *NotReplayableError with errors.Is.
var ErrNotReplayable = errors.New("case cannot be replayed")

func (e *NotReplayableError) Is(target error) bool { return target == ErrNotReplayable }

// context of the wire-log walk: whose doing the entries are.
type walkContext int

const (
	inHandshake walkContext = iota // before the server's handshake response
	inScript                       // the case's own code runs (onOpen, a continuation)
	inReaction                     // the client reacts to data or a timer
)

// txFrame is a frame the client sent, with the octets it is known by.
type txFrame struct {
	entry    int // index of the TF entry
	frame    *corpus.Frame
	scripted bool
	length   int    // octets on the wire, header included
	built    []byte // rebuilt from the TF entry, nil when it cannot be
	seen     []byte // octets of the TO entries so far
	seenOK   bool   // every TO entry of the frame so far was exact
	taken    int    // octets of TO entries attributed so far
	action   actionRef
}

// actionRef locates an action in Plan.Steps (the steps grow while Compile
// walks the log, so pointers into them would go stale).
type actionRef struct{ step, index int }

func (p *Plan) action(r actionRef) *Action { return &p.Steps[r.step][r.index] }

// Compile turns a case into a Plan. It fails with a *NotReplayableError
// when the case cannot be replayed exactly: reports of Autobahn's fuzzing
// server (the implementation under test is a client), cases without a wire
// log (9.*) or with wire logging switched off, compression cases, and
// cases where a frame the script sent was cut in the report and cannot be
// rebuilt (the payload was cut and so were its octets).
//
// Compile tells the script from the client's reactions by where each entry
// stands in the log. Autobahn runs a case's code synchronously, so
// everything the case sends or arms on open is logged right after the
// handshake response, and everything a continuation sends right after its
// CTE entry; frames logged after received data or a fired timer (TIE, KLE)
// are the client's reactions: close frames and pongs, which Run makes
// again itself. The octets of a frame can be logged later than the frame
// (a chopped or sync frame goes out over several reactor turns); they are
// matched to frames in order, since Autobahn writes in order.
func Compile(c *corpus.Case) (*Plan, error) {
	fail := func(kind, format string, args ...any) (*Plan, error) {
		return nil, &NotReplayableError{ID: c.ID, Kind: kind, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.FuzzerIsServer:
		return fail(SkipClientReport, "the report is of a client tested by Autobahn's fuzzing server")
	case len(c.Wire) == 0 || onlyDrops(c.Wire):
		return fail(SkipNoWireLog, "the report has no wire log")
	case offersCompression(c.HTTPRequest):
		return fail(SkipCompression, "the case negotiates permessage-deflate: it judges itself and its report logs none of its messages (wsfuzz conform runs it from the catalogue)")
	case c.ExpectedCut:
		return fail(SkipExpectedCut, "the report shows only the first 1,000 characters of the expected events, so what the case expects is not known")
	case len(c.Expected) == 0:
		return fail(SkipSelfJudged, "the report has no expected events: the case judges itself in its own code (as the 9.* performance cases do)")
	}
	p := &Plan{Case: c, SuppressClose: suppressesClose(c.ID)}
	p.Request = c.HTTPRequest
	ctx := inHandshake
	var (
		fifo      []*txFrame // frames whose octets are not all seen yet
		frames    []*txFrame
		step      = -1
		openCTs   []actionRef
		raw       rawStream
		closeSeen bool // the script already closed (a later close frame is raw)
	)
	add := func(a Action) actionRef {
		p.Steps[step] = append(p.Steps[step], a)
		return actionRef{step, len(p.Steps[step]) - 1}
	}
	for i, e := range c.Wire {
		switch e.Kind {
		case corpus.TxOctets:
			if ctx == inHandshake {
				if p.Request == "" && e.Exact {
					p.Request = string(e.Octets)
				}
				continue
			}
			n := e.Length
			if n < 0 {
				// Pages state no lengths: a whole entry is as long as it
				// shows, a cut one is the write Autobahn made, the rest of
				// the frame or of its chop.
				n = len(e.Octets)
				if !e.Exact && len(fifo) > 0 {
					n = fifo[0].nextWrite()
				}
			}
			if len(fifo) == 0 {
				if ctx != inScript {
					return fail(SkipBadLog, "wire log entry %d: octets sent in reaction to the server that belong to no frame", i)
				}
				if !e.Exact {
					return fail(SkipCutPayload, "wire log entry %d: %d octets sent outside a logged frame, and the report cut them", i, n)
				}
				data := append([]byte(nil), e.Octets...)
				raw.add(data)
				add(Action{Kind: Send, Chunks: []Chunk{{Data: data, Sync: e.Sync}}, What: fmt.Sprintf("%d raw octets", len(data))})
				continue
			}
			f := fifo[0]
			if f.taken+n > f.length {
				return fail(SkipBadLog, "wire log entry %d: %d octets do not fit the %d left of the frame of entry %d", i, n, f.length-f.taken, f.entry)
			}
			if e.Exact && len(e.Octets) == n {
				f.seen = append(f.seen, e.Octets...)
			} else {
				f.seenOK = false
			}
			f.taken += n
			if f.taken == f.length {
				fifo = fifo[1:]
			}
		case corpus.RxOctets, corpus.RxFrame:
			if ctx == inHandshake {
				if e.Kind == corpus.RxFrame {
					return fail(SkipBadLog, "wire log entry %d: a frame received before the opening handshake completed", i)
				}
				ctx = inScript
				p.Steps = append(p.Steps, nil)
				step = 0
				continue
			}
			ctx = inReaction
		case corpus.TxFrame:
			if ctx == inHandshake {
				return fail(SkipBadLog, "wire log entry %d: a frame sent before the opening handshake completed", i)
			}
			if e.Frame == nil {
				return fail(SkipBadLog, "wire log entry %d: a sent frame without its fields", i)
			}
			f := &txFrame{entry: i, frame: e.Frame, scripted: ctx == inScript, seenOK: true}
			f.length, f.built = buildFrame(e.Frame)
			if e.Frame.Wire != nil && (f.length < 0 || f.built == nil) {
				// HTML and text reports of old suites state no payload
				// length; the reader knows the octets from the TO entries.
				f.length = len(e.Frame.Wire)
			}
			if f.length < 0 {
				return fail(SkipCutPayload, "wire log entry %d: the report does not state the frame's payload length", i)
			}
			if !f.scripted && e.Frame.Opcode != 8 && e.Frame.Opcode != 10 {
				return fail(SkipBadLog, "wire log entry %d: the client sent a frame with opcode %d in reaction to the server; the case's own logic is not in the report", i, e.Frame.Opcode)
			}
			frames = append(frames, f)
			fifo = append(fifo, f)
			if f.scripted {
				a := Action{Kind: Send, What: describeFrame(e.Frame, nil)}
				if e.Frame.Opcode == 8 && !closeSeen && e.Frame.Fin && e.Frame.Rsv == 0 {
					// sendClose and sendCloseFrame always send a final frame
					// without RSV bits; anything else is a raw sendFrame.
					a.Close = true
					closeSeen = true
				}
				f.action = add(a)
			}
		case corpus.ContinueAfter:
			if ctx != inScript {
				return fail(SkipBadLog, "wire log entry %d: a timer armed outside the case's script", i)
			}
			openCTs = append(openCTs, add(Action{Kind: ContinueLater, Seconds: e.Seconds, Tag: e.Mark, Next: -1}))
		case corpus.ContinueFired:
			found := -1
			for j, r := range openCTs {
				if p.action(r).Tag == e.Mark {
					found = j
					break
				}
			}
			if found < 0 {
				return fail(SkipBadLog, "wire log entry %d: a continue-later timer fired that was never armed", i)
			}
			ct := openCTs[found]
			openCTs = append(openCTs[:found:found], openCTs[found+1:]...)
			p.Steps = append(p.Steps, nil)
			step = len(p.Steps) - 1
			p.action(ct).Next = step
			ctx = inScript
		case corpus.KillAfter, corpus.Timeout:
			if ctx != inScript {
				return fail(SkipBadLog, "wire log entry %d: a timer armed outside the case's script", i)
			}
			k := KillAfter
			if e.Kind == corpus.Timeout {
				k = CloseAfter
			}
			add(Action{Kind: k, Seconds: e.Seconds})
		case corpus.KillExpired, corpus.TimeoutFired:
			if ctx != inHandshake {
				ctx = inReaction
			}
		case corpus.Logging:
			return fail(SkipLoggingOff, "wire log entry %d: wire logging was switched off, the log is incomplete", i)
		case corpus.DroppedByPeer, corpus.DroppedByMe:
		default:
			return fail(SkipBadLog, "wire log entry %d: unknown entry kind %q", i, e.Kind)
		}
	}
	if step < 0 {
		return fail(SkipBadRequest, "the opening handshake never completed in the recorded run")
	}
	if strings.TrimSpace(p.Request) == "" {
		return fail(SkipBadRequest, "the report has no opening handshake request")
	}
	for _, f := range frames {
		if !f.scripted {
			continue
		}
		data, err := f.octets()
		if err != nil {
			kind := SkipCutPayload
			if errors.Is(err, errDisagree) {
				kind = SkipBadLog
			}
			return fail(kind, "wire log entry %d: %v", f.entry, err)
		}
		a := p.action(f.action)
		a.Chunks = chunk(data, f.frame)
		a.What = describeFrame(f.frame, data)
		if a.Frame = decodeFrame(data); a.Frame != nil {
			a.Frame.ChopSize, a.Frame.Sync = f.frame.ChopSize, f.frame.Sync
		}
		if a.Close {
			a.CloseCode, a.CloseHasCode = closeCodeOf(data)
		}
	}
	if err := addKnownContinuations(p, &raw); err != nil {
		return fail(SkipBadLog, "%v", err)
	}
	return p, nil
}

var errDisagree = errors.New("the frame's octets disagree with its fields")

// nextWrite is the size of the frame's next write as Autobahn's sender
// makes it: the rest of the frame, or up to the end of the current chop.
func (f *txFrame) nextWrite() int {
	n := f.length - f.taken
	if cs := f.frame.ChopSize; cs > 0 {
		n = min(n, cs-f.taken%cs)
	}
	return n
}

// octets returns the frame's octets: rebuilt from its TF entry, or the
// octets of its TO entries when all of them were logged whole. Both must
// agree when both are known.
func (f *txFrame) octets() ([]byte, error) {
	whole := f.seenOK && len(f.seen) == f.length
	if f.frame.Wire != nil && len(f.frame.Wire) == f.length {
		if f.built != nil && string(f.built) != string(f.frame.Wire) {
			return nil, errDisagree
		}
		return f.frame.Wire, nil
	}
	switch {
	case f.built != nil && whole && string(f.built) != string(f.seen):
		return nil, errDisagree
	case f.built != nil:
		return f.built, nil
	case whole:
		return f.seen, nil
	}
	what := "the report cut the payload"
	if doubt := f.frame.PayloadDoubt(); doubt != "" {
		what = "the report " + doubt
	}
	octets := "cut its octets"
	if f.seenOK && f.taken == len(f.seen) && f.taken < f.length {
		octets = fmt.Sprintf("only %d of its octets went out before the connection ended", f.taken)
	}
	return nil, fmt.Errorf("%s of this %d-octet frame (opcode %d) and %s, so it cannot be rebuilt", what, f.length, f.frame.Opcode, octets)
}

// chunk splits a frame's octets into the writes Autobahn made: chopsize
// pieces, each flushed on its own, or one write.
func chunk(data []byte, f *corpus.Frame) []Chunk {
	if f.ChopSize <= 0 {
		return []Chunk{{Data: data, Sync: f.Sync}}
	}
	var out []Chunk
	for len(data) > 0 {
		n := min(f.ChopSize, len(data))
		out = append(out, Chunk{Data: data[:n], Sync: true})
		data = data[n:]
	}
	return out
}

// closeCodeOf returns the code a close frame's octets carry, and whether
// they carry one. The payload length may use any of the three forms: a
// case that sends an oversized close payload (7.3.6) still sends a code.
func closeCodeOf(wire []byte) (int, bool) {
	f := decodeFrame(wire)
	if f == nil || len(f.Payload) < 2 {
		return 0, false
	}
	return int(f.Payload[0])<<8 | int(f.Payload[1]), true
}

// describeFrame describes a frame for traces. Pages of old suites state
// no payload length; then it comes from the frame's octets, when known.
func describeFrame(f *corpus.Frame, octets []byte) string {
	n := f.PayloadLength
	if f.RepeatLength > 0 {
		n = f.RepeatLength
	}
	if n < 0 {
		if pl, ok := payloadLength(octets); ok {
			n = pl
		}
	}
	length := "len=?"
	if n >= 0 {
		length = fmt.Sprintf("len=%d", n)
	}
	s := fmt.Sprintf("frame opcode=%d fin=%t rsv=%d %s", f.Opcode, f.Fin, f.Rsv, length)
	if f.ChopSize > 0 {
		s += fmt.Sprintf(" chop=%d", f.ChopSize)
	}
	if f.Sync {
		s += " sync"
	}
	return s
}

// payloadLength reads the payload length from a frame's octets.
func payloadLength(wire []byte) (int, bool) {
	if len(wire) < 2 {
		return 0, false
	}
	n := int(wire[1] & 0x7f)
	switch {
	case n == 126 && len(wire) >= 4:
		return int(wire[2])<<8 | int(wire[3]), true
	case n == 127 && len(wire) >= 10:
		var m uint64
		for _, b := range wire[2:10] {
			m = m<<8 | uint64(b)
		}
		return int(min(m, 1<<62)), true
	case n < 126:
		return n, true
	}
	return 0, false
}

func onlyDrops(w []corpus.Entry) bool {
	for _, e := range w {
		if e.Kind != corpus.DroppedByPeer && e.Kind != corpus.DroppedByMe {
			return false
		}
	}
	return true
}

// offersCompression reports whether an opening handshake request offers
// permessage-deflate.
func offersCompression(req string) bool {
	for _, line := range strings.Split(req, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Extensions") && strings.Contains(strings.ToLower(value), "deflate") {
			return true
		}
	}
	return false
}

// suppressesClose reports whether the case class sets suppressClose: the
// close cases, which send their own close frames.
func suppressesClose(id string) bool {
	switch id {
	case "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.1.6", "7.5.1":
		return true
	}
	return strings.HasPrefix(id, "7.3.") || strings.HasPrefix(id, "7.13.")
}
