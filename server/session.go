package server

import (
	"errors"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// DefaultMaxMessageSize bounds a message (after inflation) when
// SessionConfig.MaxMessageSize is zero: large enough for Autobahn's 9.*
// cases (up to 16 MiB), small enough that a client cannot make the server
// hold more.
const DefaultMaxMessageSize = 16 << 20

// retainLimit is the largest message buffer a session keeps between
// messages; bigger ones are dropped so an idle connection stays small.
const retainLimit = 256 << 10

// SessionConfig configures one session.
type SessionConfig struct {
	// MaxMessageSize bounds a reassembled (and inflated) message; a
	// larger one fails the connection with 1009. Zero means
	// DefaultMaxMessageSize.
	MaxMessageSize int64
	// MaxFrameSize bounds the payload of one frame; a larger one fails
	// the connection with 1009. Zero means MaxMessageSize.
	MaxFrameSize int64
	// Compression is the permessage-deflate codec negotiated in the
	// opening handshake, nil when no extension was negotiated.
	Compression MessageCodec
	// Memory, when not nil, is the budget the session's message,
	// inflation and output buffers are reserved from (usually one budget
	// for a whole server). A buffer the budget cannot cover fails the
	// connection with 1013 (try again later). Nil counts nothing.
	Memory *MemoryBudget
}

// MessageCodec compresses and inflates whole messages for an extension
// that uses RSV1 (permessage-deflate, RFC 7692).
type MessageCodec interface {
	// Compress appends the compressed form of msg to dst.
	Compress(dst, msg []byte) ([]byte, error)
	// Inflate appends the inflated form of compressed to dst, failing
	// with an error wrapping ErrInflatedTooLarge once the output would
	// exceed limit bytes.
	Inflate(dst, compressed []byte, limit int64) ([]byte, error)
	// Release gives back what the codec can rebuild, while the
	// connection is quiet.
	Release()
}

// Protocol errors the session finds beyond the header rules of package
// wire, and the one failure that is the server's, not the client's.
var (
	errInflate       = &wire.Error{Code: wire.CloseInvalidPayload, Reason: "compressed message does not inflate"}
	errInflateTooBig = &wire.Error{Code: wire.CloseMessageTooBig, Reason: "message inflates past the size limit"}
	errCompress      = &wire.Error{Code: wire.CloseInternalError, Reason: "compressing the echo failed"}
	errNoMemory      = &wire.Error{Code: wire.CloseTryAgainLater, Reason: "server memory budget exhausted"}
)

// CompressedAllowance returns how long a compressed message may be on the
// wire when its inflated size is bounded by maxMessage: an eighth more,
// which covers every compressor that sends stored blocks or fixed Huffman
// codes (at worst 9 bits per octet), so that any message within the limit
// fits however it was compressed. The inflated size is what counts against
// maxMessage.
func CompressedAllowance(maxMessage int64) int64 {
	return maxMessage + maxMessage/8 + 64
}

type sessionState uint8

const (
	stateOpen    sessionState = iota
	stateClosing              // we sent a close frame first and wait for the peer's
	stateDone                 // closing handshake over or connection failed: drop TCP
)

// payloadSink says where the payload of the frame being read goes.
type payloadSink uint8

const (
	sinkMessage payloadSink = iota // into the message being reassembled
	sinkControl                    // into the control payload buffer
	sinkDiscard                    // nowhere: data frames after our close
	sinkStream                     // straight into the echo: a binary frame streamed through
)

// Session is the sans-I/O protocol core of one server-side connection after
// the opening handshake: feed it the client's bytes as they arrive, in
// chunks of any size, and write what it returns to the client. It echoes
// text and binary messages (fragmented input reassembled into one frame),
// answers pings with pongs, ignores unsolicited pongs, completes the
// closing handshake by echoing the peer's code, and fails the connection
// at the first violation: 1002 for protocol errors, 1007 for invalid
// UTF-8 (fail fast, mid-frame), 1009 for messages over the limit. With a
// memory budget (SessionConfig.Memory), a buffer the budget cannot cover
// fails the connection with 1013 (try again later) instead.
//
// The same client bytes give the same output bytes however they are
// chopped, except that output appears as soon as it is due.
type Session struct {
	maxMessage, maxFrame int64
	maxCompressed        int64 // bound of a compressed message on the wire
	frameLimitSet        bool  // MaxFrameSize was set below MaxMessageSize
	codec                MessageCodec
	allowedRsv           byte
	state                sessionState
	mem                  sessionMemory

	// Header bytes of a frame whose header spans chunks.
	hdr    [wire.MaxHeaderLen]byte
	hdrLen int

	// The frame whose payload is being read.
	inFrame   bool
	frame     wire.Header
	sink      payloadSink
	remaining int64
	maskPos   int

	// The message being reassembled; msgOp is 0 when none is. msg starts
	// with msgHead octets of room for the echo's header, so that the
	// echo of a reassembled message is written in place, not copied.
	msgOp         wire.Opcode
	msgCompressed bool
	msg           []byte
	text          wire.UTF8Validator
	validate      bool // stream UTF-8 validation (uncompressed text)

	// received counts the payload octets of data frames: a shell watches
	// it to tell a message that makes progress from a stalled one.
	received int64

	ctl    [wire.MaxControlPayload]byte
	ctlLen int

	// A close the server asked for while a streamed echo frame was half
	// written; it goes out when the frame is complete.
	pendingClose       bool
	pendingCode        wire.CloseCode
	pendingCloseReason string

	staged []byte // inflated octets waiting to be compressed for the echo
	out    []byte
	// outBase is the buffer out was cut from when it starts a few octets
	// in (echoInPlace), so that the whole buffer can be reused.
	outBase []byte
	events  []Event
	err     error
}

// msgHead is the room at the start of msg for the echo's frame header, and
// msgTail the room after the message for a few control frames (pongs, a
// close) that may follow the echo in the same output.
const (
	msgHead = wire.MaxHeaderLen
	msgTail = 256
)

// NewSession returns a session in the open state.
func NewSession(cfg SessionConfig) *Session {
	s := &Session{maxMessage: cfg.MaxMessageSize, maxFrame: cfg.MaxFrameSize, codec: cfg.Compression}
	s.mem.budget = cfg.Memory
	if s.maxMessage <= 0 {
		s.maxMessage = DefaultMaxMessageSize
	}
	s.frameLimitSet = s.maxFrame > 0 && s.maxFrame < s.maxMessage
	if !s.frameLimitSet {
		s.maxFrame = s.maxMessage
	}
	s.maxCompressed = CompressedAllowance(s.maxMessage)
	if s.codec != nil {
		s.allowedRsv = wire.Rsv1
	}
	return s
}

// Done reports whether the connection is over: the closing handshake is
// complete or the connection failed. The network shell then closes TCP
// after writing what Feed returned.
func (s *Session) Done() bool { return s.state == stateDone }

// Err returns the protocol error that failed the connection, if any.
func (s *Session) Err() error { return s.err }

// Expecting returns how many payload bytes of the current frame have not
// arrived yet (0 between frames). A shell can size its next read by it:
// a long frame is read in larger pieces than headers and small messages.
func (s *Session) Expecting() int64 {
	if !s.inFrame {
		return 0
	}
	return s.remaining
}

// Release lets go of what the session can rebuild, while the connection
// is quiet: the compression state goes back to its pools, and the output,
// message and inflation buffers kept for reuse are dropped, their memory
// given back to the budget (a message in progress keeps its buffer). The
// network shell calls it when a connection has been silent for a while,
// and once more when the connection is over: a session that is done then
// holds nothing. What the last Feed or Close returned is invalid after
// Release.
func (s *Session) Release() {
	if s.codec != nil {
		s.codec.Release()
	}
	clear(s.events)
	s.events = s.events[:0]
	s.mem.drop(&s.out, &s.mem.out)
	s.outBase = nil
	s.mem.drop(&s.staged, &s.mem.staged)
	if s.msgOp == 0 || s.state == stateDone {
		s.mem.drop(&s.msg, &s.mem.msg)
	}
}

// Progress reports the payload octets of data frames received so far, and
// whether a message is in progress: a data frame begun and not complete,
// or a fragmented message not yet final. A shell that sees a message in
// progress whose count does not move can fail it (Close) and so release
// what it holds; control frames do not move the count.
func (s *Session) Progress() (received int64, inMessage bool) {
	return s.received, s.msgOp != 0 || s.inFrame && !s.frame.OpCode.IsControl()
}

// Streaming reports whether the frame in progress is a binary frame whose
// payload goes straight into its echo as it arrives: its echo is cut where
// the client's input stops.
func (s *Session) Streaming() bool { return s.sink == sinkStream && s.remaining > 0 }

// Holding returns how many octets of the message in progress the session
// holds, reassembled so far: 0 between messages, and for a binary frame
// streamed through.
func (s *Session) Holding() int64 { return s.msgLen() }

// Feed processes the next chunk of the client's stream and returns the bytes
// to send and the events that happened. Both alias the session's buffers and
// are valid until the next call. Input after the session is done is
// ignored. The returned error is the protocol error that failed the
// connection in this call (the close frame saying so is already in out).
func (s *Session) Feed(p []byte) (out []byte, events []Event, err error) {
	s.begin()
	before := s.err
	for len(p) > 0 && s.state != stateDone {
		if !s.inFrame {
			p = s.readHeader(p)
			continue
		}
		p = s.readPayload(p)
	}
	if s.err != before {
		err = s.err
	}
	return s.out, s.events, err
}

// Close starts the closing handshake from the server's side (shutdown,
// idle timeout): it returns the close frame to send. The session then
// discards data until the peer's close frame arrives.
//
// A message in progress is given up: it will not be echoed, and its
// buffer is released at once. While a streamed binary echo is half
// written, the close frame cannot go out yet: Close then returns nothing
// and the frame follows the rest of the echo, once the client has sent the
// rest of its frame.
func (s *Session) Close(code wire.CloseCode, reason string) []byte {
	s.begin()
	if s.state != stateOpen {
		return s.out
	}
	s.state = stateClosing
	if s.inFrame && s.sink == sinkMessage {
		s.sink = sinkDiscard // the rest of the message is read, not kept
	}
	s.mem.drop(&s.msg, &s.mem.msg)
	if s.inFrame && s.sink == sinkStream {
		s.pendingClose, s.pendingCode, s.pendingCloseReason = true, code, reason
		return s.out
	}
	s.writeClose(code, reason)
	return s.out
}

func (s *Session) begin() {
	if cap(s.out) > retainLimit {
		s.mem.drop(&s.out, &s.mem.out)
	}
	if !sameBuffer(s.outBase, s.out) {
		s.outBase = nil // out has moved on: let its old buffer go
	}
	s.out = s.out[:0]
	clear(s.events)
	s.events = s.events[:0]
}

// readHeader decodes the next frame header from p (which may complete a
// header begun in an earlier chunk) and returns the rest of p.
func (s *Session) readHeader(p []byte) []byte {
	var (
		h   wire.Header
		n   int
		err error
	)
	if s.hdrLen == 0 {
		h, n, err = wire.DecodeHeader(p)
		if err == wire.ErrIncomplete {
			s.hdrLen = copy(s.hdr[:], p)
			return nil
		}
	} else {
		k := copy(s.hdr[s.hdrLen:], p)
		h, n, err = wire.DecodeHeader(s.hdr[:s.hdrLen+k])
		if err == wire.ErrIncomplete {
			s.hdrLen += k
			return p[k:]
		}
		n -= s.hdrLen
		s.hdrLen = 0
	}
	if err != nil {
		s.fail(err)
		return nil
	}
	p = p[n:]
	if err := s.beginFrame(h); err != nil {
		s.fail(err)
		return nil
	}
	// Fast paths for an unfragmented, uncompressed message: when all of
	// it is in this chunk it is unmasked straight into the echo frame; a
	// longer binary one is streamed through, its echo header written now
	// and each piece of payload as it arrives (nothing about binary data
	// can fail later), so it is never held whole.
	if s.sink == sinkMessage && h.Fin && h.OpCode != wire.OpContinuation && !s.msgCompressed {
		if int64(len(p)) >= h.Length {
			return s.echoDirect(p)
		}
		if h.OpCode == wire.OpBinary {
			s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: wire.OpBinary, Length: h.Length})
			s.sink = sinkStream
		}
	}
	if s.remaining == 0 {
		s.endFrame()
	}
	return p
}

// beginFrame applies the rules of the new frame's header in the context of
// the connection and prepares to read its payload.
func (s *Session) beginFrame(h wire.Header) error {
	if err := wire.CheckHeader(h, wire.FromClient, s.allowedRsv); err != nil {
		return err
	}
	switch {
	case h.OpCode.IsControl():
		if h.Rsv != 0 {
			return wire.ErrReservedBits
		}
		s.sink = sinkControl
		s.ctlLen = 0
	case h.OpCode == wire.OpContinuation:
		if s.msgOp == 0 {
			return wire.ErrUnexpectedContinue
		}
		if h.Rsv != 0 {
			return wire.ErrReservedBits // RSV1 marks only a message's first frame
		}
		if err := s.checkSize(h); err != nil {
			return err
		}
		s.sink = sinkMessage
	default: // text or binary
		if s.msgOp != 0 {
			return wire.ErrExpectedContinuation
		}
		s.msgCompressed = h.Rsv&wire.Rsv1 != 0
		s.msg = s.msg[:0]
		if err := s.checkSize(h); err != nil {
			return err
		}
		s.msgOp = h.OpCode
		s.validate = h.OpCode == wire.OpText && !s.msgCompressed
		s.text.Reset()
		s.sink = sinkMessage
	}
	if s.state == stateClosing && s.sink == sinkMessage {
		s.sink = sinkDiscard
	}
	s.frame = h
	s.remaining = h.Length
	s.maskPos = 0
	s.inFrame = true
	return nil
}

// checkSize fails a data frame that would take its message past the limit
// before any of its payload is read: a declared length is never allocated.
// A compressed message is bounded on the wire by CompressedAllowance, and
// so are its frames unless MaxFrameSize was set lower; its inflated size
// is checked against MaxMessageSize as it inflates.
func (s *Session) checkSize(h wire.Header) error {
	msgLimit, frameLimit := s.maxMessage, s.maxFrame
	if s.msgCompressed {
		msgLimit = s.maxCompressed
		if !s.frameLimitSet {
			frameLimit = s.maxCompressed
		}
	}
	if s.msgLen()+h.Length > msgLimit {
		return wire.ErrMessageTooBig
	}
	if h.Length > frameLimit {
		return wire.ErrFrameTooBig
	}
	return nil
}

// msgLen is the length of the message reassembled so far.
func (s *Session) msgLen() int64 { return int64(max(len(s.msg)-msgHead, 0)) }

// echoDirect echoes a whole single-frame message whose payload is all in p.
func (s *Session) echoDirect(p []byte) []byte {
	h := s.frame
	n := int(h.Length)
	s.received += h.Length
	mark := len(s.out)
	if mark+wire.MaxHeaderLen+n > cap(s.out) && !s.growOut(wire.MaxHeaderLen+n) {
		return nil
	}
	s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: h.OpCode, Length: h.Length})
	start := len(s.out)
	s.out = s.out[:start+n]
	payload := s.out[start:]
	wire.MaskCopy(payload, p[:n], h.Mask, 0)
	if s.validate && (!s.text.Write(payload) || !s.text.Done()) {
		s.out = s.out[:mark]
		s.fail(wire.ErrInvalidUTF8)
		return nil
	}
	s.inFrame = false
	s.msgOp = 0
	s.emit(Event{Kind: eventKindOf(h.OpCode), Data: payload})
	return p[n:]
}

// readPayload consumes payload bytes of the current frame from p.
func (s *Session) readPayload(p []byte) []byte {
	take := len(p)
	if int64(take) > s.remaining {
		take = int(s.remaining)
	}
	chunk := p[:take]
	if !s.frame.OpCode.IsControl() {
		s.received += int64(take)
	}
	switch s.sink {
	case sinkMessage:
		n := take
		if len(s.msg) == 0 {
			n += msgHead // a fresh message: room for the echo's header first
		}
		final := 0
		if s.frame.Fin {
			final = len(s.msg) + n - take + int(s.remaining) + msgTail
		}
		if !s.growMsg(n, final) {
			return nil
		}
		piece := s.msg[len(s.msg)-take:]
		s.maskPos = wire.MaskCopy(piece, chunk, s.frame.Mask, s.maskPos)
		if s.validate && !s.text.Write(piece) {
			s.fail(wire.ErrInvalidUTF8)
			return nil
		}
	case sinkStream:
		old := len(s.out)
		if old+take > cap(s.out) && !s.growOut(take) {
			return nil
		}
		s.out = s.out[:old+take]
		s.maskPos = wire.MaskCopy(s.out[old:], chunk, s.frame.Mask, s.maskPos)
	case sinkControl:
		s.maskPos = wire.MaskCopy(s.ctl[s.ctlLen:], chunk, s.frame.Mask, s.maskPos)
		s.ctlLen += take
	}
	s.remaining -= int64(take)
	if s.remaining == 0 {
		s.endFrame()
	}
	return p[take:]
}

// endFrame acts on a frame whose payload is complete.
func (s *Session) endFrame() {
	s.inFrame = false
	switch s.sink {
	case sinkControl:
		s.control(s.frame.OpCode, s.ctl[:s.ctlLen])
	case sinkMessage:
		if s.frame.Fin {
			s.endMessage()
		}
	case sinkStream:
		s.msgOp = 0
		s.emit(Event{Kind: EventBinary})
		if s.pendingClose {
			s.pendingClose = false
			s.writeClose(s.pendingCode, s.pendingCloseReason)
		}
	case sinkDiscard:
		if s.frame.Fin {
			s.msgOp = 0
		}
	}
}

// control acts on a whole control frame.
func (s *Session) control(op wire.Opcode, payload []byte) {
	switch op {
	case wire.OpPing:
		if s.state != stateOpen {
			return
		}
		s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: wire.OpPong, Length: int64(len(payload))})
		start := len(s.out)
		s.out = append(s.out, payload...)
		s.emit(Event{Kind: EventPing, Data: s.out[start:]})
	case wire.OpPong:
		s.emit(Event{Kind: EventPong})
	case wire.OpClose:
		code, _, err := wire.ParseClose(payload)
		if err != nil {
			s.fail(err)
			return
		}
		s.emit(Event{Kind: EventClose, Code: code})
		if s.state == stateOpen {
			if code == wire.CloseNoStatus {
				code = wire.CloseNormal
			}
			s.writeClose(code, "")
		}
		s.state = stateDone
	}
}

// endMessage echoes the reassembled message.
func (s *Session) endMessage() {
	op := s.msgOp
	s.msgOp = 0
	var msg []byte
	if len(s.msg) > msgHead {
		msg = s.msg[msgHead:]
	}
	switch {
	case s.msgCompressed:
		s.echoCompressed(op, msg)
	case s.validate && !s.text.Done():
		s.fail(wire.ErrInvalidUTF8)
		return
	default:
		s.echoInPlace(op, msg)
	}
	if cap(s.msg) > retainLimit {
		s.mem.drop(&s.msg, &s.mem.msg)
	} else {
		s.msg = s.msg[:0]
	}
}

// outBuffer returns the whole of the output's buffer, empty: the output of
// an echo written in place starts a few octets into its buffer, and
// outBase keeps the start while the output is still that buffer.
func (s *Session) outBuffer() []byte {
	if sameBuffer(s.outBase, s.out) {
		return s.outBase[:0]
	}
	return s.out[:0]
}

// sameBuffer reports whether a and b end at the same place in memory:
// whether they are cut from the same buffer, to its end.
func sameBuffer(a, b []byte) bool {
	return cap(a) > 0 && cap(b) > 0 && &a[:cap(a)][cap(a)-1] == &b[:cap(b)][cap(b)-1]
}

// echoInPlace echoes an uncompressed reassembled message. When nothing
// else is in the output yet, the echo's header goes into the room before
// the message and the message buffer becomes the output: a long message
// is not copied. Otherwise the echo is appended to the output.
func (s *Session) echoInPlace(op wire.Opcode, msg []byte) {
	h := wire.Header{Fin: true, OpCode: op, Length: int64(len(msg))}
	if len(s.out) == 0 && len(s.msg) >= msgHead {
		hl := wire.HeaderLen(h)
		wire.AppendHeader(s.msg[msgHead-hl:msgHead-hl], h)
		full := s.msg
		s.out, s.msg, s.outBase = full[msgHead-hl:], s.outBuffer(), full
		s.mem.out, s.mem.msg = s.mem.msg, s.mem.out
		s.emit(Event{Kind: eventKindOf(op), Data: s.out[hl:]})
		return
	}
	if !s.growOut(wire.MaxHeaderLen + len(msg)) {
		return
	}
	s.out = wire.AppendHeader(s.out, h)
	start := len(s.out)
	s.out = append(s.out, msg...)
	s.emit(Event{Kind: eventKindOf(op), Data: s.out[start:]})
}

// writeClose appends a close frame.
func (s *Session) writeClose(code wire.CloseCode, reason string) {
	var payload [wire.MaxControlPayload]byte
	body := wire.AppendClosePayload(payload[:0], code, reason)
	s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: wire.OpClose, Length: int64(len(body))})
	s.out = append(s.out, body...)
}

// fail fails the connection: a close frame with the error's code, unless
// one was already sent, and then the session is done and lets go of the
// message it was reading.
func (s *Session) fail(err error) {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		werr = &wire.Error{Code: wire.CloseProtocolError, Reason: err.Error()}
	}
	if s.state == stateOpen {
		s.writeClose(werr.Code, werr.Reason)
	}
	s.state = stateDone
	s.msgOp = 0
	s.mem.drop(&s.msg, &s.mem.msg) // a failed connection reads no more
	s.mem.drop(&s.staged, &s.mem.staged)
	s.err = werr
	s.emit(Event{Kind: EventFail, Code: werr.Code, Err: werr})
}

func (s *Session) emit(e Event) { s.events = append(s.events, e) }

func eventKindOf(op wire.Opcode) EventKind {
	if op == wire.OpText {
		return EventText
	}
	return EventBinary
}
