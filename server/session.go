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

// Release lets the session's compression state go back to its pools while
// the connection is quiet; the network shell calls it when a connection has
// been silent for a while.
func (s *Session) Release() {
	if s.codec != nil {
		s.codec.Release()
	}
}

// Protocol errors the session finds beyond the header rules of package wire.
var (
	errInflate       = &wire.Error{Code: wire.CloseInvalidPayload, Reason: "compressed message does not inflate"}
	errInflateTooBig = &wire.Error{Code: wire.CloseMessageTooBig, Reason: "message inflates past the size limit"}
	errCompress      = &wire.Error{Code: wire.CloseInternalError, Reason: "compressing the echo failed"}
)

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
// UTF-8 (fail fast, mid-frame), 1009 for messages over the limit.
//
// The same client bytes give the same output bytes however they are
// chopped, except that output appears as soon as it is due.
type Session struct {
	maxMessage, maxFrame int64
	codec                MessageCodec
	allowedRsv           byte
	state                sessionState

	// Header bytes of a frame whose header spans chunks.
	hdr    [wire.MaxHeaderLen]byte
	hdrLen int

	// The frame whose payload is being read.
	inFrame   bool
	frame     wire.Header
	sink      payloadSink
	remaining int64
	maskPos   int

	// The message being reassembled; msgOp is 0 when none is.
	msgOp         wire.Opcode
	msgCompressed bool
	msg           []byte
	text          wire.UTF8Validator
	validate      bool // stream UTF-8 validation (uncompressed text)

	ctl    [wire.MaxControlPayload]byte
	ctlLen int

	// A close the server asked for while a streamed echo frame was half
	// written; it goes out when the frame is complete.
	pendingClose       bool
	pendingCode        wire.CloseCode
	pendingCloseReason string

	inflated []byte // compressed messages inflate here
	out      []byte
	events   []Event
	err      error
}

// NewSession returns a session in the open state.
func NewSession(cfg SessionConfig) *Session {
	s := &Session{maxMessage: cfg.MaxMessageSize, maxFrame: cfg.MaxFrameSize, codec: cfg.Compression}
	if s.maxMessage <= 0 {
		s.maxMessage = DefaultMaxMessageSize
	}
	if s.maxFrame <= 0 || s.maxFrame > s.maxMessage {
		s.maxFrame = s.maxMessage
	}
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
// While a streamed binary echo is half written, the close frame cannot go
// out yet: Close then returns nothing and the frame follows the rest of the
// echo, once the client has sent the rest of its frame.
func (s *Session) Close(code wire.CloseCode, reason string) []byte {
	s.begin()
	if s.state != stateOpen {
		return s.out
	}
	s.state = stateClosing
	if s.inFrame && s.sink == sinkStream {
		s.pendingClose, s.pendingCode, s.pendingCloseReason = true, code, reason
		return s.out
	}
	s.writeClose(code, reason)
	return s.out
}

func (s *Session) begin() {
	if cap(s.out) > retainLimit {
		s.out = nil
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
		if err := s.checkSize(h); err != nil {
			return err
		}
		s.msgOp = h.OpCode
		s.msgCompressed = h.Rsv&wire.Rsv1 != 0
		s.validate = h.OpCode == wire.OpText && !s.msgCompressed
		s.text.Reset()
		s.msg = s.msg[:0]
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
func (s *Session) checkSize(h wire.Header) error {
	if int64(len(s.msg))+h.Length > s.maxMessage {
		return wire.ErrMessageTooBig
	}
	if h.Length > s.maxFrame {
		return wire.ErrFrameTooBig
	}
	return nil
}

// echoDirect echoes a whole single-frame message whose payload is all in p.
func (s *Session) echoDirect(p []byte) []byte {
	h := s.frame
	n := int(h.Length)
	mark := len(s.out)
	s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: h.OpCode, Length: h.Length})
	start := len(s.out)
	s.out = growLen(s.out, n)
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
	switch s.sink {
	case sinkMessage:
		old := len(s.msg)
		s.msg = growLen(s.msg, take)
		piece := s.msg[old:]
		s.maskPos = wire.MaskCopy(piece, chunk, s.frame.Mask, s.maskPos)
		if s.validate && !s.text.Write(piece) {
			s.fail(wire.ErrInvalidUTF8)
			return nil
		}
	case sinkStream:
		old := len(s.out)
		s.out = growLen(s.out, take)
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
	msg := s.msg
	if s.msgCompressed {
		s.echoCompressed(op, msg)
	} else {
		if s.validate && !s.text.Done() {
			s.fail(wire.ErrInvalidUTF8)
			return
		}
		s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: op, Length: int64(len(msg))})
		start := len(s.out)
		s.out = append(s.out, msg...)
		s.emit(Event{Kind: eventKindOf(op), Data: s.out[start:]})
	}
	if cap(s.msg) > retainLimit {
		s.msg = nil
	} else {
		s.msg = s.msg[:0]
	}
}

// echoCompressed inflates a compressed message, checks it, and echoes it
// compressed.
func (s *Session) echoCompressed(op wire.Opcode, compressed []byte) {
	var err error
	s.inflated, err = s.codec.Inflate(s.inflated[:0], compressed, s.maxMessage)
	if err != nil {
		if errors.Is(err, ErrInflatedTooLarge) {
			s.fail(errInflateTooBig)
		} else {
			s.fail(errInflate)
		}
		return
	}
	msg := s.inflated
	if op == wire.OpText && wire.FirstInvalidUTF8(msg) >= 0 {
		s.fail(wire.ErrInvalidUTF8)
		return
	}
	// The event keeps its own copy: the inflate buffer is reused by the
	// next message of this chunk.
	data := append([]byte(nil), msg...)
	mark := len(s.out)
	// Reserve the longest header, compress after it, then move the payload
	// up behind the real header.
	s.out = append(s.out, make([]byte, wire.MaxHeaderLen)...)
	s.out, err = s.codec.Compress(s.out, msg)
	if err != nil {
		s.out = s.out[:mark]
		s.fail(errCompress)
		return
	}
	body := s.out[mark+wire.MaxHeaderLen:]
	h := wire.Header{Fin: true, Rsv: wire.Rsv1, OpCode: op, Length: int64(len(body))}
	hl := wire.HeaderLen(h)
	wire.AppendHeader(s.out[mark:mark], h)
	copy(s.out[mark+hl:], body)
	s.out = s.out[:mark+hl+len(body)]
	if cap(s.inflated) > retainLimit {
		s.inflated = nil
	}
	s.emit(Event{Kind: eventKindOf(op), Data: data})
}

// writeClose appends a close frame.
func (s *Session) writeClose(code wire.CloseCode, reason string) {
	var payload [wire.MaxControlPayload]byte
	body := wire.AppendClosePayload(payload[:0], code, reason)
	s.out = wire.AppendHeader(s.out, wire.Header{Fin: true, OpCode: wire.OpClose, Length: int64(len(body))})
	s.out = append(s.out, body...)
}

// fail fails the connection: a close frame with the error's code, unless
// one was already sent, and then the session is done.
func (s *Session) fail(err error) {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		werr = &wire.Error{Code: wire.CloseProtocolError, Reason: err.Error()}
	}
	if s.state == stateOpen {
		s.writeClose(werr.Code, werr.Reason)
	}
	s.state = stateDone
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

// growLen extends b by n bytes, reallocating with doubling when needed.
func growLen(b []byte, n int) []byte {
	if len(b)+n <= cap(b) {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, 2*cap(b)+n)
	copy(nb, b)
	return nb
}
