package replay

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// The session is a client that acts as Autobahn's fuzzing client does
// (autobahn.websocket.protocol.WebSocketProtocol with failByDrop off, plus
// the case base class), reduced to what the server cases use: it
// runs the case's script and reacts to the server the same way. Where the
// Python code has a quirk that decides verdicts, the session has it too:
// after a protocol error it goes on parsing the frame it failed on, a
// second error while closing drops TCP, and a rejected UTF-8 stream stays
// rejected, so an invalid text frame fails the connection twice (once for
// the bad octet, once at the end of the message) and the client drops TCP.

// Connection states, as Autobahn names them.
type connState int

const (
	stateConnecting connState = iota
	stateOpen
	stateClosing
	stateClosed
)

// Close codes the client uses or accepts.
const (
	closeNormal       = 1000
	closeGoingAway    = 1001
	closeProtocol     = 1002
	closeInvalidData  = 1007
	closeCodeNone     = -1
	noCloseCodeReason = ""
)

// closeCodesAllowed are the codes below 3000 Autobahn's client accepts in
// a close frame (WebSocketProtocol.CLOSE_STATUS_CODES_ALLOWED).
var closeCodesAllowed = []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013}

type session struct {
	p    *Plan
	opt  Options
	conn net.Conn
	w    *writer
	key  string
	obs  *Observed
	ec   corpus.ExpectedClose
	rng  *rand.Rand

	begin, start time.Time
	state        connState
	handshake    []byte

	// turn collects the writes of the current event; queue the writes
	// Autobahn would have queued for later reactor turns.
	turn        []byte
	queue       [][]byte
	queueActive bool

	// Frame parsing.
	in        []byte
	frame     *rxHeader
	frameRead int
	ctl       []byte
	inMessage bool
	binary    bool
	validate  bool
	utf8      utf8Stream
	lastValid bool
	lastEnds  bool
	message   []byte

	timers    map[int]*time.Timer
	nextTimer int
	timerCh   chan timerFire
	done      chan struct{}

	openTimer, closeTimer, dropTimer int

	// log is the run's wire log (Options.WireLog) and traffic counts;
	// rfPayload collects the payload of the frame being received for it.
	log       wireLog
	rfPayload []byte

	// offer is the request's Sec-WebSocket-Extensions, deflate the
	// permessage-deflate the server agreed to (nil for none), compressed
	// whether the message being received is compressed.
	offer      string
	deflate    *deflater
	compressed bool

	// echo follows the script of a self-judging case (Plan.Echo).
	echo *echoState
}

// rxHeader is the header of the frame being received.
type rxHeader struct {
	opcode int
	fin    bool
	rsv    int
	length int
	mask   []byte
}

func newSession(p *Plan, opt Options, conn net.Conn, key string) *session {
	return &session{
		p:       p,
		opt:     opt,
		conn:    conn,
		w:       newWriter(conn, opt.SyncGap),
		key:     key,
		obs:     &Observed{},
		ec:      expectedClose(p.Case),
		rng:     rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		begin:   time.Now(),
		timers:  map[int]*time.Timer{},
		timerCh: make(chan timerFire, 16),
		done:    make(chan struct{}),
		log:     newWireLog(opt.WireLog),
	}
}

// write sends octets the way Autobahn's sendData does: a chopped or sync
// write, or any write while such writes are queued, goes out in a turn of
// its own; other writes join the current turn.
func (s *session) write(c Chunk) {
	if s.state == stateClosed {
		return
	}
	s.log.octets(corpus.TxOctets, c.Data, c.Sync)
	if c.Sync || s.queueActive {
		if !s.queueActive {
			s.queueActive = true
			s.joinTurn(c.Data)
			return
		}
		s.queue = append(s.queue, c.Data)
		return
	}
	s.joinTurn(c.Data)
}

// joinTurn adds octets to the current turn's write. The octets of a write
// are never changed afterwards, so a turn's first write is taken as it is
// rather than copied: a 16 MiB frame is not held twice.
func (s *session) joinTurn(data []byte) {
	if len(s.turn) == 0 {
		s.turn = data[:len(data):len(data)]
		return
	}
	s.turn = append(s.turn, data...)
}

// flushTurn hands the writes of the event just handled to the writer.
func (s *session) flushTurn() {
	if len(s.turn) > 0 {
		s.w.push(writeOp{data: s.turn, sync: s.queueActive})
		s.turn = nil
	}
	for _, q := range s.queue {
		s.w.push(writeOp{data: q, sync: true})
	}
	s.queue = nil
	s.queueActive = false
}

// dataReceived handles octets from the server.
func (s *session) dataReceived(p []byte) {
	switch s.state {
	case stateConnecting:
		s.handshake = append(s.handshake, p...)
		end := bytes.Index(s.handshake, []byte("\r\n\r\n"))
		if end < 0 {
			if len(s.handshake) > maxResponseHeader {
				s.failHandshake("the handshake response is too long")
			}
			return
		}
		head, rest := s.handshake[:end+4], s.handshake[end+4:]
		s.handshake = nil
		s.tracef("RX opening handshake response (%d octets)", len(head))
		s.log.octets(corpus.RxOctets, head, false)
		s.obs.Response = string(head)
		agreed, err := checkResponse(head, s.key, s.offer)
		if err != nil {
			s.failHandshake(err.Error())
			return
		}
		if agreed != nil {
			s.tracef("permessage-deflate agreed: %v", agreed)
			s.deflate = newDeflater(*agreed)
		}
		s.cancel(s.openTimer)
		s.state = stateOpen
		s.obs.Open = true
		s.start = time.Now()
		s.obs.Started = s.start
		if s.p.Echo != nil {
			s.startEcho()
		} else {
			s.runStep(0)
		}
		if len(rest) > 0 {
			s.log.octets(corpus.RxOctets, rest, false)
			s.consume(rest)
		}
	case stateOpen, stateClosing:
		s.log.octets(corpus.RxOctets, p, false)
		s.consume(p)
	}
}

func (s *session) failHandshake(reason string) {
	s.tracef("opening handshake failed: %s", reason)
	s.obs.HandshakeError = reason
	s.obs.Closing.WasNotCleanReason = reason
	s.dropConnection(true)
}

func (s *session) consume(p []byte) {
	if len(s.in) == 0 {
		s.in = p // each read is a fresh slice of its own
	} else {
		s.in = append(s.in, p...)
	}
	for s.processData() && s.state != stateClosed {
	}
}

// processData parses as much of the buffered input as it can, as
// WebSocketProtocol.processData does, and reports whether to go on.
func (s *session) processData() bool {
	if s.frame == nil {
		if len(s.in) < 2 {
			return false
		}
		b0, b1 := s.in[0], s.in[1]
		fin := b0&0x80 != 0
		rsv := int(b0&0x70) >> 4
		opcode := int(b0 & 0x0f)
		masked := b1&0x80 != 0
		len1 := int(b1 & 0x7f)
		switch {
		case rsv == 0:
		case s.deflate == nil || rsv != 4:
			s.protocolViolation(fmt.Sprintf("RSV = %d and no extension negotiated", rsv))
		case opcode > 7:
			s.protocolViolation("control frame with RSV1 set (compression applies to data messages only)")
		case opcode == 0:
			s.protocolViolation("continuation frame with RSV1 set (only the first frame of a compressed message has it)")
		}
		if masked {
			s.protocolViolation("masked server-to-client frame")
		}
		if opcode > 7 {
			if !fin {
				s.protocolViolation("fragmented control frame")
			}
			if len1 > 125 {
				s.protocolViolation("control frame with payload length > 125 octets")
			}
			if opcode != 8 && opcode != 9 && opcode != 10 {
				s.protocolViolation(fmt.Sprintf("control frame using reserved opcode %d", opcode))
			}
			if opcode == 8 && len1 == 1 {
				s.protocolViolation("received close control frame with payload len 1")
			}
		} else {
			if opcode != 0 && opcode != 1 && opcode != 2 {
				s.protocolViolation(fmt.Sprintf("data frame using reserved opcode %d", opcode))
			}
			if !s.inMessage && opcode == 0 {
				s.protocolViolation("received continuation data frame outside fragmented message")
			}
			if s.inMessage && opcode != 0 {
				s.protocolViolation("received non-continuation data frame while inside fragmented message")
			}
		}
		hl := 2
		switch len1 {
		case 126:
			hl += 2
		case 127:
			hl += 8
		}
		if masked {
			hl += 4
		}
		if len(s.in) < hl {
			return false
		}
		length := len1
		switch len1 {
		case 126:
			length = int(binary.BigEndian.Uint16(s.in[2:]))
			if length < 126 {
				s.protocolViolation("invalid data frame length (not using minimal length encoding)")
			}
		case 127:
			v := binary.BigEndian.Uint64(s.in[2:])
			if v > 1<<63-1 {
				s.protocolViolation("invalid data frame length (>2^63)")
			}
			if v < 65536 {
				s.protocolViolation("invalid data frame length (not using minimal length encoding)")
			}
			if v > 1<<40 {
				// Autobahn would wait for the payload forever; no server
				// under test sends a terabyte frame on purpose.
				s.failConnection(closeProtocol, "frame too large to replay")
				s.dropConnection(true)
				return false
			}
			length = int(v)
		}
		var mask []byte
		if masked {
			mask = append([]byte(nil), s.in[hl-4:hl]...)
		}
		s.in = s.in[hl:]
		s.frame = &rxHeader{opcode: opcode, fin: fin, rsv: rsv, length: length, mask: mask}
		s.frameRead = 0
		s.frameBegin()
		return length == 0 || len(s.in) > 0
	}
	rest := s.frame.length - s.frameRead
	n := min(rest, len(s.in))
	payload := s.in[:n] // frameDataIn copies what it keeps
	s.in = s.in[n:]
	if s.frame.mask != nil {
		payload = append([]byte(nil), payload...)
		maskAt(payload, s.frame.mask, s.frameRead)
	}
	s.frameRead += n
	s.frameDataIn(payload)
	if s.frameRead == s.frame.length {
		s.frameEnd()
	}
	return len(s.in) > 0
}

func (s *session) frameBegin() {
	f := s.frame
	if f.opcode > 7 {
		s.ctl = s.ctl[:0]
		return
	}
	if !s.inMessage {
		s.inMessage = true
		s.binary = f.opcode == 2
		s.compressed = f.rsv&4 != 0 && s.deflate != nil
		s.validate = f.opcode == 1 && !s.compressed
		s.utf8.reset()
		s.lastValid, s.lastEnds = true, true
		s.message = s.message[:0]
	}
	if room := maxMessage - len(s.message); f.length <= room {
		// The header says how much is coming: room for it at once,
		// instead of doubling the buffer on the way there.
		s.message = slices.Grow(s.message, f.length)
	}
}

func (s *session) frameDataIn(p []byte) {
	if s.log.logsData() {
		s.rfPayload = append(s.rfPayload, p...)
	}
	if s.frame.opcode > 7 {
		s.ctl = append(s.ctl, p...)
		return
	}
	if s.validate {
		s.lastValid, s.lastEnds = s.utf8.validate(p)
		if !s.lastValid {
			s.invalidPayload("encountered invalid UTF-8 while processing text message")
		}
	}
	if !s.obs.Closing.FailedByMe {
		s.message = append(s.message, p...)
	}
	if len(s.message) > maxMessage {
		s.tracef("a message longer than %d octets: giving up", maxMessage)
		s.obs.TimedOut = true
		s.dropConnection(true)
	}
}

// maxMessage bounds the message the client collects; Autobahn has no bound,
// but no case of categories 1-10 gets a message near it back.
const maxMessage = 256 << 20

func (s *session) frameEnd() {
	f := s.frame
	s.tracef("RX frame opcode=%d fin=%t rsv=%d len=%d%s", f.opcode, f.fin, f.rsv, f.length, maskNote(f.mask))
	s.log.frame(corpus.RxFrame, &corpus.Frame{Opcode: f.opcode, Fin: f.fin, Rsv: f.rsv, Mask: f.mask, Payload: s.rfPayload})
	s.rfPayload = s.rfPayload[:0]
	if f.opcode > 7 {
		s.controlFrame()
		s.frame = nil
		return
	}
	if f.fin {
		msg := s.message
		switch {
		case s.compressed && !s.obs.Closing.FailedByMe && s.echo != nil:
			msg = s.inflateEcho(msg)
		case s.compressed && !s.obs.Closing.FailedByMe:
			msg = s.inflateMessage(msg)
		case s.validate && !s.lastEnds:
			s.invalidPayload("UTF-8 text message payload ended within Unicode code point")
		}
		if !s.obs.Closing.FailedByMe {
			if s.echo != nil {
				s.echoReceived(msg, s.binary)
			} else {
				// An inflated message lives in the inflater's buffer.
				s.record(corpus.Event{Kind: "message", Data: bytes.Clone(msg), Binary: s.binary}, true)
			}
		}
		s.message = s.message[:0] // nothing keeps a message: its buffer is reused
		s.inMessage = false
	}
	s.frame = nil
}

// inflateMessage inflates a compressed message and checks the UTF-8 of a
// text message; it fails the connection when either fails.
func (s *session) inflateMessage(z []byte) []byte {
	msg, err := s.deflate.inflate(z, maxMessage)
	if err != nil {
		s.protocolViolation(err.Error())
		return nil
	}
	if !s.binary && !utf8.Valid(msg) {
		s.invalidPayload("encountered invalid UTF-8 while processing text message")
	}
	return msg
}

func maskNote(mask []byte) string {
	if mask == nil {
		return ""
	}
	return fmt.Sprintf(" masked=%x", mask)
}

func (s *session) controlFrame() {
	payload := append([]byte(nil), s.ctl...)
	switch s.frame.opcode {
	case 8:
		code, reason := closeCodeNone, []byte(nil)
		if len(payload) > 1 {
			code = int(binary.BigEndian.Uint16(payload))
			if len(payload) > 2 {
				reason = payload[2:]
			}
		}
		s.closeFrame(code, reason)
	case 9:
		s.tracef("RX ping (%d octets)", len(payload))
		if s.state == stateOpen {
			s.sendFrame(10, payload, "pong")
		}
	case 10:
		s.record(corpus.Event{Kind: "pong", Data: payload}, true)
	}
}

// closeFrame handles the server's close frame (onCloseFrame).
func (s *session) closeFrame(code int, reason []byte) {
	cl := &s.obs.Closing
	s.obs.CloseReceived = true
	s.obs.ServerCloseCode, s.obs.ServerCloseHasCode = max(code, 0), code != closeCodeNone
	cl.RemoteCloseCode, cl.RemoteCloseReason = 0, ""
	if code != closeCodeNone && (code < 1000 || (code <= 2999 && !slices.Contains(closeCodesAllowed, code)) || code >= 5000) {
		s.protocolViolation(fmt.Sprintf("invalid close code %d", code))
		cl.RemoteCloseCode = closeNormal
	} else if code != closeCodeNone {
		cl.RemoteCloseCode = code
	}
	if reason != nil {
		var v utf8Stream
		if valid, ends := v.validate(reason); !valid || !ends {
			s.invalidPayload("invalid close reason (non-UTF8 payload)")
		} else {
			cl.RemoteCloseReason = string(reason)
		}
	}
	switch s.state {
	case stateClosing:
		s.cancel(s.closeTimer)
		cl.WasClean = true
		s.dropTimer = s.after(s.opt.guard(1), timerServerDrop, nil)
	case stateOpen:
		cl.WasClean = true
		s.sendCloseFrame(closeNormal, noCloseCodeReason, true)
	case stateClosed:
		cl.WasClean = false
	}
}

// record records an event for the case. Messages and pongs then close the
// connection once the events match every expected sequence
// (Case.finishWhenDone); the timeout marks of 6.4.* do not.
func (s *session) record(e corpus.Event, finish bool) {
	s.tracef("event %s", formatEvents([]corpus.Event{e}))
	s.obs.Events = append(s.obs.Events, e)
	if finish && matchesAll(s.p.Case.Expected, s.obs.Events) && s.ec.ClosedByMe && !s.p.SuppressClose && len(s.ec.CloseCode) > 0 {
		s.sendCloseFrame(s.ec.CloseCode[0], noCloseCodeReason, false)
	}
}

func (s *session) protocolViolation(reason string) {
	s.tracef("protocol violation: %s", reason)
	s.failConnection(closeProtocol, reason)
}

func (s *session) invalidPayload(reason string) {
	s.tracef("invalid payload: %s", reason)
	s.failConnection(closeInvalidData, reason)
}

// failConnection fails the connection: a close frame while open, a TCP
// drop while closing (_fail_connection with failByDrop off).
func (s *session) failConnection(code int, reason string) {
	if s.state == stateClosed {
		return
	}
	s.obs.Closing.FailedByMe = true
	if s.state != stateClosing {
		s.sendCloseFrame(code, reason, false)
	} else {
		s.dropConnection(false)
	}
}

// sendCloseFrame sends a close frame when the connection is open and moves
// to closing; the code is closeCodeNone for an empty close frame.
func (s *session) sendCloseFrame(code int, reason string, isReply bool) {
	if s.state != stateOpen {
		return
	}
	var payload []byte
	if code != closeCodeNone {
		payload = binary.BigEndian.AppendUint16(nil, uint16(code))
		r := []byte(reason)
		if len(r) > 123 {
			r = r[:123]
		}
		payload = append(payload, r...)
	}
	what := "close"
	if isReply {
		what = "close (reply)"
	}
	s.sendFrame(8, payload, what)
	s.closing(!isReply, code)
}

// closing records that the client sent its close frame with code
// (closeCodeNone for none).
func (s *session) closing(byMe bool, code int) {
	s.state = stateClosing
	s.obs.Closing.ClosedByMe = byMe
	s.obs.Closing.LocalCloseCode = max(code, 0)
	s.obs.CloseCodeSent = code != closeCodeNone
	if byMe {
		s.closeTimer = s.after(s.opt.guard(1), timerCloseHandshake, nil)
	}
}

// sendFrame sends a frame of the client's own, masked with a fresh key.
func (s *session) sendFrame(opcode int, payload []byte, what string) {
	key := s.newMask()
	s.tracef("TX %s (%d octets)", what, len(payload))
	s.log.frame(corpus.TxFrame, &corpus.Frame{Opcode: opcode, Fin: true, Mask: key, Payload: payload})
	s.write(Chunk{Data: encodeFrame(opcode, true, 0, key, payload)})
}

// sendScriptFrame sends a frame of the case's script, masked with a fresh
// key, in one write or in f.ChopSize pieces.
func (s *session) sendScriptFrame(f *corpus.Frame) {
	if s.state == stateClosed {
		return
	}
	f.Mask = s.newMask()
	s.log.frame(corpus.TxFrame, f)
	for _, c := range chunk(encodeFrame(f.Opcode, f.Fin, f.Rsv, f.Mask, f.Payload), f) {
		s.write(c)
	}
}

// newMask returns a fresh masking key.
func (s *session) newMask() []byte {
	key := make([]byte, 4)
	binary.LittleEndian.PutUint32(key, s.rng.Uint32())
	return key
}

// dropConnection closes TCP from the client's side: after the writes of
// this turn, or at once (abort).
func (s *session) dropConnection(abort bool) {
	if s.state == stateClosed {
		return
	}
	s.tracef("client drops TCP")
	s.obs.Closing.DroppedByMe = true
	s.state = stateClosed
	s.queue, s.queueActive = nil, false
	if abort {
		s.turn = nil
		s.conn.Close()
		return
	}
	s.flushTurn()
	s.w.push(writeOp{close: true})
}

// connectionLost ends the case.
func (s *session) connectionLost(err error) {
	cl := &s.obs.Closing
	if !s.obs.Closing.DroppedByMe {
		s.tracef("server dropped TCP (%v)", err)
	}
	s.state = stateClosed
	if !cl.WasClean && !cl.DroppedByMe && cl.WasNotCleanReason == "" {
		cl.WasNotCleanReason = "peer dropped the TCP connection without previous WebSocket closing handshake"
	}
	if !s.start.IsZero() {
		s.obs.Duration = time.Since(s.start)
	}
}

// runStep runs step i of the case's script.
func (s *session) runStep(i int) {
	for j := range s.p.Steps[i] {
		a := &s.p.Steps[i][j]
		switch a.Kind {
		case Send:
			s.send(a)
		case ContinueLater:
			s.tracef("continue after %gs (tag %q)", a.Seconds, a.Tag)
			s.log.timer(corpus.ContinueAfter, a.Seconds, a.Tag)
			s.after(s.opt.pace(a.Seconds), timerContinue, a)
		case KillAfter:
			s.tracef("fail connection after %gs", a.Seconds)
			s.log.timer(corpus.KillAfter, a.Seconds, "")
			s.after(s.opt.guard(a.Seconds), timerKill, a)
		case CloseAfter:
			s.tracef("close connection after %gs", a.Seconds)
			s.log.timer(corpus.Timeout, a.Seconds, "")
			s.after(s.opt.guard(a.Seconds), timerClose, a)
		}
	}
}

func (s *session) send(a *Action) {
	if a.Close {
		// sendClose: only while open, and then the client is closing.
		if s.state != stateOpen {
			s.tracef("skip %s: connection not open", a.What)
			return
		}
		s.tracef("TX %s (script)", a.What)
		s.logScriptFrame(a)
		for _, c := range a.Chunks {
			s.write(c)
		}
		code := a.CloseCode
		if !a.CloseHasCode {
			code = closeCodeNone
		}
		s.closing(true, code)
		return
	}
	if s.state == stateClosed {
		return
	}
	s.tracef("TX %s (script)", a.What)
	s.logScriptFrame(a)
	for _, c := range a.Chunks {
		s.write(c)
	}
}

// logScriptFrame logs the frame a Send writes, if it writes one.
func (s *session) logScriptFrame(a *Action) {
	if a.Frame != nil {
		s.log.frame(corpus.TxFrame, a.Frame)
	}
}

// fire handles a timer.
func (s *session) fire(f timerFire) {
	if s.state == stateClosed {
		return
	}
	cl := &s.obs.Closing
	switch f.kind {
	case timerContinue:
		a := f.action
		s.tracef("continue timer fired (tag %q)", a.Tag)
		s.log.timer(corpus.ContinueFired, 0, a.Tag)
		if a.Tag != "" {
			// The tagged steps of 6.4.* go on only while open, and first
			// record that the wait ran out.
			if s.state != stateOpen {
				return
			}
			s.record(corpus.Event{Kind: "timeout", Data: []byte(a.Tag)}, false)
		}
		if a.Next < 0 {
			s.obs.Diverged = fmt.Sprintf("the continue-later timer (tag %q) fired with the connection still open; in the recorded run the connection closed first, so the report does not show what the case sends next", a.Tag)
			s.tracef("diverged: %s", s.obs.Diverged)
			s.after(s.opt.guard(1), timerKill, nil)
			return
		}
		s.runStep(a.Next)
	case timerKill:
		s.tracef("kill timer fired")
		s.log.timer(corpus.KillExpired, 0, "")
		s.failConnection(closeGoingAway, "going away")
	case timerClose:
		s.tracef("close timer fired")
		s.log.timer(corpus.TimeoutFired, 0, "")
		s.sendCloseFrame(closeCodeNone, noCloseCodeReason, false)
	case timerOpenHandshake:
		if s.state == stateConnecting {
			cl.WasClean = false
			cl.WasNotCleanReason = "WebSocket opening handshake timeout (peer did not finish the opening handshake in time)"
			cl.WasOpenHandshakeTimeout = true
			s.obs.HandshakeError = "no handshake response in time"
			s.dropConnection(true)
		}
	case timerCloseHandshake:
		cl.WasClean = false
		cl.WasNotCleanReason = "WebSocket closing handshake timeout (peer did not finish the closing handshake in time)"
		cl.WasCloseHandshakeTimeout = true
		s.dropConnection(true)
	case timerServerDrop:
		cl.WasClean = false
		cl.WasNotCleanReason = "WebSocket closing handshake timeout (server did not drop TCP connection in time)"
		cl.WasServerConnectionDropTimeout = true
		s.dropConnection(true)
	}
}
