package oracle

import "encoding/binary"

// Opcodes and close codes as the model spells them: plain numbers from
// RFC 6455, so that the model shares no code with server/wire.
const (
	OpContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	OpClose        = 0x8
	OpPing         = 0x9
	OpPong         = 0xA

	CodeNormal        = 1000
	CodeProtocolError = 1002
	CodeInvalidData   = 1007
	CodeTooBig        = 1009
)

// Frame is one frame the server sends, as the model predicts it and as
// parseServerStream reads it: the opcode, the payload (for a compressed
// message, the message before compression) and, for a close frame, its
// code. Close reasons are not modelled: a strict server may word them as it
// likes.
type Frame struct {
	Op         byte
	Compressed bool
	Payload    []byte
	Code       uint16
}

// ModelConfig is what the model knows of the session's configuration.
type ModelConfig struct {
	// MaxMessage bounds a message (the inflated message, and a compressed
	// one as received with an allowance, see wireLimit): more fails the
	// connection with 1009.
	MaxMessage int
	// inflate, when not nil, means permessage-deflate was negotiated:
	// RSV1 marks a compressed message, and inflate turns each one, in
	// order, into the message (ok false when it does not inflate,
	// tooBig when it inflates past maxMessage).
	Inflate func(compressed []byte) (msg []byte, ok, tooBig bool)
	// LateUTF8 checks the UTF-8 of a text message only once the message
	// is whole: Autobahn's NON-STRICT latitude for servers that do not
	// fail fast.
	LateUTF8 bool
	// EarlyHeader judges the header rules the first two bytes decide
	// (opcode, RSV bits, FIN and length of control frames, the mask bit,
	// continuation) as soon as those two bytes are there, as servers that
	// read a header byte by byte do; the strict model waits for the whole
	// header. Both are right.
	EarlyHeader bool
	// AcceptNonMinimal lets a length in a longer form than it needs pass:
	// RFC 6455 puts the minimal-length rule on the sender, so a receiver
	// may accept such a frame.
	AcceptNonMinimal bool
}

// sessionModel is the simplest model of the strict echo session that
// predicts its output: it reads the client stream whole, frame by frame,
// by hand, and applies the rules of RFC 6455 in the plainest way. It is
// deliberately not streaming and not fast; it must only be right.
//
// When rules are judged: a frame's length encoding as soon as its length
// bytes are there, every other header rule once the whole header (with
// the masking key) is there, UTF-8 of an uncompressed text message as soon
// as a byte arrives that no continuation can make valid (fail fast, even
// mid-frame), and everything else once the frame or message is complete. A
// stream that ends in the middle of a frame leaves the session open unless
// one of those rules already failed it.
type sessionModel struct {
	cfg    ModelConfig
	out    []Frame
	done   bool
	failed bool

	msgOp         byte // opcode of the message being reassembled, 0 for none
	msgCompressed bool
	msg           []byte
}

// Predict returns the frames the server must send in reply to the
// client's stream, whether the session ends (closing handshake or failure)
// and whether it fails.
func Predict(stream []byte, cfg ModelConfig) (out []Frame, done, failed bool) {
	m := sessionModel{cfg: cfg}
	m.run(stream)
	return m.out, m.done, m.failed
}

func (m *sessionModel) run(s []byte) {
	for !m.done && len(s) >= 2 {
		fin := s[0]&0x80 != 0
		rsv := s[0] >> 4 & 7
		op := s[0] & 0xF
		masked := s[1]&0x80 != 0
		length := uint64(s[1] & 0x7F)
		if m.cfg.EarlyHeader {
			if code := m.judgeHeader(fin, rsv, op, masked, length, false); code != 0 {
				m.fail(code)
				return
			}
		}
		n := 2
		switch length {
		case 126:
			if len(s) < 4 {
				return
			}
			length, n = uint64(binary.BigEndian.Uint16(s[2:])), 4
			if length < 126 && !m.cfg.AcceptNonMinimal {
				m.fail(CodeProtocolError) // not the minimal encoding
				return
			}
		case 127:
			if len(s) < 10 {
				return
			}
			length, n = binary.BigEndian.Uint64(s[2:]), 10
			if length>>63 != 0 || length <= 0xFFFF && !m.cfg.AcceptNonMinimal {
				m.fail(CodeProtocolError) // top bit set, or not minimal
				return
			}
		}
		var key [4]byte
		if masked {
			if len(s) < n+4 {
				return
			}
			copy(key[:], s[n:])
			n += 4
		}
		if code := m.judgeHeader(fin, rsv, op, masked, length, true); code != 0 {
			m.fail(code)
			return
		}
		s = s[n:]
		avail := uint64(len(s))
		if avail > length {
			avail = length
		}
		payload := make([]byte, avail)
		for i := range payload {
			payload[i] = s[i] ^ key[i%4]
		}
		s = s[avail:]
		m.frame(fin, rsv, op, payload, avail == length)
	}
}

// judgeHeader returns the close code with which the header fails the
// connection, or 0. Every header rule fails with 1002, so their order does
// not matter; the size limit (1009) comes after them, and only when whole
// says the length is known (not the 7-bit field of a longer form).
func (m *sessionModel) judgeHeader(fin bool, rsv, op byte, masked bool, length uint64, whole bool) uint16 {
	control := op >= 8
	switch {
	case op >= 3 && op <= 7 || op >= 0xB:
		return CodeProtocolError // reserved opcode
	case !masked:
		return CodeProtocolError // clients must mask
	case control && (rsv != 0 || !fin || length > 125):
		return CodeProtocolError
	case control:
		return 0
	case op == OpContinuation && (m.msgOp == 0 || rsv != 0):
		return CodeProtocolError // nothing to continue, or RSV on a continuation
	case op != OpContinuation && m.msgOp != 0:
		return CodeProtocolError // a new message before the last one ended
	case op != OpContinuation && rsv != 0 && (m.cfg.Inflate == nil || rsv != 4):
		return CodeProtocolError // RSV bits no extension gave meaning
	case whole && uint64(len(m.msg))+length > m.wireLimit(op, rsv):
		return CodeTooBig
	}
	return 0
}

// wireLimit is how long the message the frame belongs to may be on the
// wire: MaxMessage, or for a compressed message an eighth more plus 64
// octets (deflate's worst case with fixed codes), since only its inflated
// size counts against MaxMessage.
func (m *sessionModel) wireLimit(op, rsv byte) uint64 {
	limit := uint64(m.cfg.MaxMessage)
	if op == OpContinuation && m.msgCompressed || op != OpContinuation && rsv == 4 {
		limit += limit/8 + 64
	}
	return limit
}

// frame acts on a frame whose header passed: payload is what arrived of
// its payload, complete whether all of it did.
func (m *sessionModel) frame(fin bool, rsv, op byte, payload []byte, complete bool) {
	if op >= 8 {
		if complete {
			m.control(op, payload)
		}
		return
	}
	if op != OpContinuation {
		m.msgOp, m.msgCompressed, m.msg = op, rsv != 0, nil
	}
	m.msg = append(m.msg, payload...)
	text := m.msgOp == OpText && !m.msgCompressed
	if text && !m.cfg.LateUTF8 {
		if bad := FirstBadUTF8(m.msg); bad >= 0 && bad < len(m.msg) {
			m.fail(CodeInvalidData) // fail fast
			return
		}
	}
	if !complete || !fin {
		return
	}
	op, msg := m.msgOp, m.msg
	m.msgOp, m.msg = 0, nil
	if m.msgCompressed {
		plain, ok, tooBig := m.cfg.Inflate(msg)
		switch {
		case tooBig:
			m.fail(CodeTooBig)
		case !ok:
			m.fail(CodeInvalidData)
		case op == OpText && FirstBadUTF8(plain) != -1:
			m.fail(CodeInvalidData)
		default:
			m.send(Frame{Op: op, Compressed: true, Payload: plain})
		}
		return
	}
	if text && FirstBadUTF8(msg) != -1 {
		m.fail(CodeInvalidData) // ends inside a sequence
		return
	}
	m.send(Frame{Op: op, Payload: msg})
}

// control acts on a whole control frame.
func (m *sessionModel) control(op byte, payload []byte) {
	switch op {
	case OpPing:
		m.send(Frame{Op: OpPong, Payload: payload})
	case OpClose:
		if len(payload) == 0 {
			m.send(Frame{Op: OpClose, Code: CodeNormal})
			m.done = true
			return
		}
		if len(payload) == 1 {
			m.fail(CodeProtocolError)
			return
		}
		code := binary.BigEndian.Uint16(payload)
		switch {
		case !CloseCodeSendable(code):
			m.fail(CodeProtocolError)
		case FirstBadUTF8(payload[2:]) != -1:
			m.fail(CodeInvalidData)
		default:
			m.send(Frame{Op: OpClose, Code: code})
			m.done = true
		}
	}
}

func (m *sessionModel) send(f Frame) { m.out = append(m.out, f) }

// fail ends the session with a close frame carrying code.
func (m *sessionModel) fail(code uint16) {
	m.send(Frame{Op: OpClose, Code: code})
	m.done, m.failed = true, true
}

// CloseCodeSendable is the model's table of the close codes allowed on the
// wire: 1000-1003 and 1007-1011 from RFC 6455 section 7.4.1, 1012-1014 as
// registered with IANA since, and 3000-4999 for libraries and
// applications.
func CloseCodeSendable(code uint16) bool {
	return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999
}
