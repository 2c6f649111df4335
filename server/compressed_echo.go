package server

import (
	"errors"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// stageSize is how many inflated octets the echo of a compressed message
// gathers before compressing them. A message up to this size is compressed
// whole, and goes out uncompressed when that is not shorter; a longer one
// is compressed stage by stage as it inflates and never held whole, so an
// inflated message costs at most this much memory, whatever its size.
const stageSize = 256 << 10

// pieceInflater is a MessageCodec that can inflate a message in pieces
// without keeping it (the codec Deflate makes can).
type pieceInflater interface {
	InflateFunc(compressed []byte, limit int64, yield func(piece []byte) error) (int64, error)
}

// compressionForgetter is a MessageCodec that can forget its compression
// context, so that the next Compress starts afresh. A message the session
// sends uncompressed never enters the client's window; under context
// takeover the compressor must then forget what it saw of it.
type compressionForgetter interface {
	ForgetCompression()
}

// echoCompressed inflates a compressed message, checks it, and echoes it:
// compressed again, or uncompressed when the message fits in one stage and
// compressing it did not make it shorter (RFC 7692 lets any message go
// uncompressed). Inflated octets are checked (UTF-8 for text, at the first
// bad octet) and compressed as they come; the event has no Data.
func (s *Session) echoCompressed(op wire.Opcode, compressed []byte) {
	mark := len(s.out)
	if !s.growOut(wire.MaxHeaderLen) {
		return
	}
	s.out = s.out[:mark+wire.MaxHeaderLen] // room for the header
	s.staged = s.staged[:0]
	s.text.Reset()
	stages := 0
	yield := func(piece []byte) error {
		if op == wire.OpText && !s.text.Write(piece) {
			return wire.ErrInvalidUTF8
		}
		for len(piece) > 0 {
			if len(s.staged) == stageSize {
				if err := s.compressStaged(stages); err != nil {
					return err
				}
				stages++
			}
			k := min(len(piece), stageSize-len(s.staged))
			b, ok := s.mem.grow(s.staged, &s.mem.staged, k, stageSize)
			if !ok {
				return errNoMemory
			}
			s.staged = append(b, piece[:k]...)
			piece = piece[k:]
		}
		return nil
	}
	err := s.inflate(compressed, yield)
	if err == nil && op == wire.OpText && !s.text.Done() {
		err = wire.ErrInvalidUTF8
	}
	raw, last := false, len(s.staged)
	if err == nil {
		if stages == 0 && last == 0 {
			raw = true // an empty message: nothing to compress
		} else {
			err = s.compressStaged(stages)
			forget, canForget := s.codec.(compressionForgetter)
			if err == nil && stages == 0 && canForget && len(s.out)-mark-wire.MaxHeaderLen >= last {
				forget.ForgetCompression()
				raw = true
			}
		}
	}
	if err != nil {
		s.out = s.out[:mark]
		s.mem.drop(&s.staged, &s.mem.staged)
		var werr *wire.Error
		switch {
		case err == errNoMemory:
			s.failNoMemory()
		case errors.As(err, &werr):
			s.fail(werr)
		case errors.Is(err, ErrInflatedTooLarge):
			s.fail(errInflateTooBig)
		default:
			s.fail(errInflate)
		}
		return
	}
	if raw {
		msg := s.staged[:last]
		s.out = wire.AppendHeader(s.out[:mark], wire.Header{Fin: true, OpCode: op, Length: int64(len(msg))})
		s.out = append(s.out, msg...)
	} else {
		body := s.out[mark+wire.MaxHeaderLen:]
		h := wire.Header{Fin: true, Rsv: wire.Rsv1, OpCode: op, Length: int64(len(body))}
		hl := wire.HeaderLen(h)
		wire.AppendHeader(s.out[mark:mark], h)
		copy(s.out[mark+hl:], body)
		s.out = s.out[:mark+hl+len(body)]
	}
	s.staged = s.staged[:0]
	s.emit(Event{Kind: eventKindOf(op)})
}

// inflate inflates compressed, at most MaxMessageSize octets, handing the
// message to yield in pieces: straight from the codec's window when it can,
// otherwise from the whole message, reserved from the budget meanwhile.
func (s *Session) inflate(compressed []byte, yield func([]byte) error) error {
	if pi, ok := s.codec.(pieceInflater); ok {
		_, err := pi.InflateFunc(compressed, s.maxMessage, yield)
		return err
	}
	msg, err := s.codec.Inflate(nil, compressed, s.maxMessage)
	if err != nil {
		return err
	}
	if !s.mem.budget.reserve(int64(cap(msg)), int64(cap(msg))) {
		return errNoMemory
	}
	defer s.mem.budget.release(int64(cap(msg)))
	for len(msg) > 0 {
		k := min(len(msg), stageSize)
		if err := yield(msg[:k]); err != nil {
			return err
		}
		msg = msg[k:]
	}
	return nil
}

// compressStaged compresses the staged octets onto the output. Every stage
// but the first follows the sync flush that ended the one before, whose
// final 00 00 ff ff Compress removed: the stages together are one DEFLATE
// stream, as RFC 7692 section 7.2.1 wants a message to be.
func (s *Session) compressStaged(stages int) error {
	if !s.growOut(len(s.staged) + len(s.staged)/8 + 64) {
		return errNoMemory
	}
	if stages > 0 {
		s.out = append(s.out, 0x00, 0x00, 0xff, 0xff)
	}
	out, err := s.codec.Compress(s.out, s.staged)
	if err != nil {
		return errCompress
	}
	if grown := int64(cap(out)) - s.mem.out; grown > 0 {
		// Compress outgrew the room made for it: reserve what it took.
		if !s.mem.budget.reserve(grown, int64(cap(out))) {
			return errNoMemory
		}
		s.mem.out = int64(cap(out))
	}
	s.out = out
	s.staged = s.staged[:0]
	return nil
}
