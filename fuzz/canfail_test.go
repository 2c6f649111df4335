package fuzz

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// These tests show that every target can fail: each plugs a deliberately
// broken implementation into the target's own check function and asserts
// that the check reports it. They also check that the real implementation
// passes the same input, so the failure is the bug's and not the input's.

// expectCaught runs check with the real and the broken implementation.
func expectCaught(t *testing.T, real, broken func(reporter)) {
	t.Helper()
	var ok, bad recorder
	real(&ok)
	if len(ok.failures) > 0 {
		t.Fatalf("the real implementation fails the check: %v", ok.failures)
	}
	broken(&bad)
	if len(bad.failures) == 0 {
		t.Fatal("the check did not report the broken implementation")
	}
	t.Logf("reported: %s", bad.failures[0])
}

func TestFrameCatchesLengthMSBAccepted(t *testing.T) {
	// A decoder that ignores the top bit of a 64-bit length.
	ignoreMSB := func(b []byte) (wire.Header, int, error) {
		if len(b) >= 10 && b[1]&0x7F == 127 {
			b = bytes.Clone(b)
			b[2] &= 0x7F
		}
		return wire.DecodeHeader(b)
	}
	in := header(0x82, true, 1<<63|1<<20, 8)
	expectCaught(t,
		func(r reporter) { checkFrame(r, wire.DecodeHeader, serverSideCheck, wire.AppendHeader, in) },
		func(r reporter) { checkFrame(r, ignoreMSB, serverSideCheck, wire.AppendHeader, in) })
}

func TestFrameCatchesControlLengthUnchecked(t *testing.T) {
	// A checker that forgets the 125-byte limit of control frames.
	lax := func(h wire.Header) error {
		if h.OpCode.IsControl() && h.Fin {
			h.Length = 0
		}
		return serverSideCheck(h)
	}
	in := header(0x89, true, 126, 2)
	expectCaught(t,
		func(r reporter) { checkFrame(r, wire.DecodeHeader, serverSideCheck, wire.AppendHeader, in) },
		func(r reporter) { checkFrame(r, wire.DecodeHeader, lax, wire.AppendHeader, in) })
}

func TestFrameStructCatchesDroppedRsv(t *testing.T) {
	// An encoder that loses the RSV bits.
	dropRsv := func(dst []byte, h wire.Header) []byte {
		h.Rsv = 0
		return wire.AppendHeader(dst, h)
	}
	f := fuzzFrame{Fin: true, Rsv: wire.Rsv1, OpCode: 1, Masked: true, Mask: clientKey, Length: -1, Payload: []byte("Hello")}
	expectCaught(t,
		func(r reporter) { checkFrameStruct(r, wire.AppendHeader, wire.DecodeHeader, f) },
		func(r reporter) { checkFrameStruct(r, dropRsv, wire.DecodeHeader, f) })
}

func TestFrameStructCatchesLengthBoundary(t *testing.T) {
	// An encoder that puts 65536 in the 16-bit form (off by one at the
	// boundary): the length wraps to 0.
	offByOne := func(dst []byte, h wire.Header) []byte {
		if h.Length == 65536 {
			dst = append(dst, 0x82, 126, 0, 0)
			return dst
		}
		return wire.AppendHeader(dst, h)
	}
	f := fuzzFrame{Fin: true, OpCode: 2, Length: 65536}
	expectCaught(t,
		func(r reporter) { checkFrameStruct(r, wire.AppendHeader, wire.DecodeHeader, f) },
		func(r reporter) { checkFrameStruct(r, offByOne, wire.DecodeHeader, f) })
}

func TestMaskCatchesWrongOffset3(t *testing.T) {
	// A fast path that uses the wrong key byte at key offset 3.
	wrongAt3 := func(key [4]byte, pos int, b []byte) int {
		for i := range b {
			k := key[(pos+i)&3]
			if (pos+i)&3 == 3 {
				k = key[2]
			}
			b[i] ^= k
		}
		return (pos + len(b)) & 3
	}
	payload := []byte("Hello, masking")
	expectCaught(t,
		func(r reporter) { checkMask(r, wire.MaskBytes, wire.MaskCopy, payload, 0x37fa213d, 1) },
		func(r reporter) { checkMask(r, wrongAt3, wire.MaskCopy, payload, 0x37fa213d, 1) })
}

func TestMaskCatchesCopyOverrun(t *testing.T) {
	// A copying form that writes whole words past the end of src.
	overrun := func(dst, src []byte, key [4]byte, pos int) int {
		n := wire.MaskCopy(dst, src, key, pos)
		for i := len(src); i < len(dst) && i%8 != 0; i++ {
			dst[i] = 0
		}
		return n
	}
	payload := []byte("thirteen byte")
	expectCaught(t,
		func(r reporter) { checkMask(r, wire.MaskBytes, wire.MaskCopy, payload, 0x01020304, 0) },
		func(r reporter) { checkMask(r, wire.MaskBytes, overrun, payload, 0x01020304, 0) })
}

// surrogateValidator wraps the real validator but lets surrogates through:
// after ED it turns a second byte of A0-BF into 9F, as a validator whose
// range table for ED were wrong would.
type surrogateValidator struct {
	wire.UTF8Validator
	afterED bool
}

func (v *surrogateValidator) Write(p []byte) bool {
	q := bytes.Clone(p)
	for i, c := range q {
		if v.afterED && c >= 0xA0 && c <= 0xBF {
			q[i] = 0x9F
		}
		v.afterED = c == 0xED
	}
	return v.UTF8Validator.Write(q)
}

func TestUTF8CatchesSurrogates(t *testing.T) {
	data, splits := []byte("a\xed\xa0\x80b"), appendPieceSizes(nil, 2)
	expectCaught(t,
		func(r reporter) { checkUTF8(r, newWireValidator, wire.FirstInvalidUTF8, data, splits) },
		func(r reporter) {
			checkUTF8(r, func() streamValidator { return new(surrogateValidator) }, wire.FirstInvalidUTF8, data, splits)
		})
}

// lateValidator wraps the real validator but only judges a sequence once
// it is complete, one byte too late for fail fast when a piece ends inside
// a bad sequence.
type lateValidator struct {
	wire.UTF8Validator
	held []byte
}

func (v *lateValidator) Write(p []byte) bool {
	v.held = append(v.held, p...)
	n := len(v.held)
	for n > 0 && n > len(v.held)-4 && v.held[n-1] >= 0x80 {
		n--
	}
	ok := v.UTF8Validator.Write(v.held[:n])
	v.held = v.held[n:]
	return ok
}

func (v *lateValidator) Done() bool { return v.UTF8Validator.Done() && len(v.held) == 0 }

func TestUTF8CatchesLateFailure(t *testing.T) {
	// F4 90 cannot start any scalar value: a fail-fast validator stops at
	// the 90 even when the piece ends there.
	data, splits := []byte("ok\xf4\x90\x80\x80"), appendPieceSizes(nil, 4)
	expectCaught(t,
		func(r reporter) { checkUTF8(r, newWireValidator, wire.FirstInvalidUTF8, data, splits) },
		func(r reporter) {
			checkUTF8(r, func() streamValidator { return new(lateValidator) }, wire.FirstInvalidUTF8, data, splits)
		})
}

func TestCloseCatchesNoStatusOnTheWire(t *testing.T) {
	// A parser that accepts 1005, which must never appear on the wire.
	accept1005 := func(p []byte) (wire.CloseCode, []byte, error) {
		if len(p) >= 2 && binary.BigEndian.Uint16(p) == 1005 {
			return 1005, p[2:], nil
		}
		return wire.ParseClose(p)
	}
	payload := binary.BigEndian.AppendUint16(nil, 1005)
	expectCaught(t,
		func(r reporter) { checkClose(r, wire.ParseClose, wire.CloseCode.Sendable, newPlainSession, payload) },
		func(r reporter) { checkClose(r, accept1005, wire.CloseCode.Sendable, newPlainSession, payload) })
}

func TestCloseCatchesWrongReplyCode(t *testing.T) {
	// A session that always answers a close with 1000.
	payload := binary.BigEndian.AppendUint16(nil, 4000)
	expectCaught(t,
		func(r reporter) { checkClose(r, wire.ParseClose, wire.CloseCode.Sendable, newPlainSession, payload) },
		func(r reporter) {
			checkClose(r, wire.ParseClose, wire.CloseCode.Sendable, func() echoSession { return &normalCloser{newPlainSession()} }, payload)
		})
}

// normalCloser rewrites the code of the session's close frames to 1000.
type normalCloser struct{ echoSession }

func (s *normalCloser) Feed(p []byte) ([]byte, []server.Event, error) {
	out, ev, err := s.echoSession.Feed(p)
	if len(out) >= 4 && out[0] == 0x88 {
		out = bytes.Clone(out)
		binary.BigEndian.PutUint16(out[2:], 1000)
	}
	return out, ev, err
}

func TestHandshakeCatchesAnyVersion(t *testing.T) {
	// A handshake that accepts protocol version 8.
	anyVersion := func(raw []byte) (server.HandshakeResult, int, error) {
		return server.ReadHandshake(bytes.Replace(raw, []byte("Version: 8\r\n"), []byte("Version: 13\r\n"), 1), nil)
	}
	req := []byte(rfcRequest)
	req = bytes.Replace(req, []byte("Version: 13\r\n"), []byte("Version: 8\r\n"), 1)
	expectCaught(t,
		func(r reporter) { checkHandshake(r, readHandshake, req) },
		func(r reporter) { checkHandshake(r, anyVersion, req) })
}

func TestHandshakeCatchesUnicodeTrim(t *testing.T) {
	// A handshake that trims header values as strings.TrimSpace does,
	// U+00A0 included (its two octets become two spaces).
	unicodeTrim := func(raw []byte) (server.HandshakeResult, int, error) {
		return server.ReadHandshake(bytes.ReplaceAll(raw, []byte("\u00a0\r\n"), []byte("  \r\n")), nil)
	}
	req := []byte(strings.Replace(rfcRequest, "dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==\u00a0", 1))
	expectCaught(t,
		func(r reporter) { checkHandshake(r, readHandshake, req) },
		func(r reporter) { checkHandshake(r, unicodeTrim, req) })
}

func TestHandshakeCatchesUnfoldedLine(t *testing.T) {
	// A handshake that joins a folded line (obs-fold) to the one before
	// instead of refusing it.
	unfold := func(raw []byte) (server.HandshakeResult, int, error) {
		return server.ReadHandshake(bytes.ReplaceAll(raw, []byte("\r\n "), []byte("   ")), nil)
	}
	req := []byte(strings.Replace(rfcRequest, "Key: ", "Key:\r\n ", 1))
	expectCaught(t,
		func(r reporter) { checkHandshake(r, readHandshake, req) },
		func(r reporter) { checkHandshake(r, unfold, req) })
}

func TestInflateCatchesIgnoredLimit(t *testing.T) {
	// A decompressor that ignores the caller's limit.
	d := deflate.NewDecompressor(deflate.Params{ClientNoContextTakeover: true})
	noLimit := func(dst, compressed []byte, limit int64) ([]byte, error) {
		return d.Inflate(dst, compressed, deflate.NoLimit)
	}
	bomb := compressMessage(make([]byte, 1<<20))
	expectCaught(t,
		func(r reporter) { checkInflate(r, d.Inflate, bomb, inflateLimit) },
		func(r reporter) { checkInflate(r, noLimit, bomb, inflateLimit) })
}

func TestInflateCatchesSilentTruncation(t *testing.T) {
	// A decompressor that stops at the limit without saying so.
	d := deflate.NewDecompressor(deflate.Params{ClientNoContextTakeover: true})
	truncate := func(dst, compressed []byte, limit int64) ([]byte, error) {
		out, err := d.Inflate(dst, compressed, deflate.NoLimit)
		if int64(len(out)-len(dst)) > limit {
			out = out[:len(dst)+int(limit)]
		}
		return out, err
	}
	bomb := compressMessage(make([]byte, 1<<20))
	expectCaught(t,
		func(r reporter) { checkInflate(r, d.Inflate, bomb, inflateLimit) },
		func(r reporter) { checkInflate(r, truncate, bomb, inflateLimit) })
}

func TestInflateCatchesUncheckedEnd(t *testing.T) {
	// A decompressor that streams a message through compress/flate and
	// never checks where it ends: a message cut inside a block passes.
	d := deflate.NewDecompressor(deflate.Params{ClientNoContextTakeover: true})
	streaming := func(dst, compressed []byte, limit int64) ([]byte, error) {
		out, err := inflateWithFlate(append(bytes.Clone(compressed), syncTail...), int(limit))
		if err != nil && err != io.ErrUnexpectedEOF {
			return dst, deflate.ErrCorrupt
		}
		if len(out) > int(limit) {
			return dst, deflate.ErrTooLarge
		}
		return append(dst, out...), nil
	}
	cut := hexBytes("f2 48 cd c9 c9 07")
	expectCaught(t,
		func(r reporter) { checkInflate(r, d.Inflate, cut, inflateLimit) },
		func(r reporter) { checkInflate(r, streaming, cut, inflateLimit) })
}

// maskingSession wraps a real session but forgets the rule that clients
// must mask: it masks every unmasked frame (with a zero key) before the
// real session sees it. It passes whole frames on, so its output does not
// depend on the chopping.
type maskingSession struct {
	*server.Session
	pending []byte
}

func (s *maskingSession) Feed(p []byte) ([]byte, []server.Event, error) {
	s.pending = append(s.pending, p...)
	var in []byte
	for {
		h, n, err := wire.DecodeHeader(s.pending)
		if err != nil || int64(len(s.pending)-n) < h.Length {
			break
		}
		frame := s.pending[:n+int(h.Length)]
		if !h.Masked {
			h.Masked = true
			frame = append(wire.AppendHeader(nil, h), s.pending[n:n+int(h.Length)]...)
		}
		in = append(in, frame...)
		s.pending = s.pending[n+int(h.Length):]
	}
	return s.Session.Feed(in)
}

func TestSessionCatchesUnmaskedFrameAccepted(t *testing.T) {
	stream := cat([]byte("\x81\x05Hello"), maskedFrame(oracle.OpClose, []byte{0x03, 0xe8}))
	chops := appendPieceSizes(nil, 3, 4)
	plain := negotiateSession("")
	broken := plain
	broken.open = func() echoSession {
		return &maskingSession{Session: server.NewSession(server.SessionConfig{MaxMessageSize: sessionMaxMessage})}
	}
	expectCaught(t,
		func(r reporter) { checkSession(r, plain, stream, chops) },
		func(r reporter) { checkSession(r, broken, stream, chops) })
}

// chopSensitiveSession wraps a real session but drops a ping that arrives
// split across reads, as a session that parsed only whole frames from each
// read would.
type chopSensitiveSession struct{ *server.Session }

func (s chopSensitiveSession) Feed(p []byte) ([]byte, []server.Event, error) {
	if len(p) == 1 && p[0] == 0x89 {
		return nil, nil, nil
	}
	return s.Session.Feed(p)
}

func TestSessionCatchesChopDependence(t *testing.T) {
	stream := maskedFrame(oracle.OpPing, []byte("ping"))
	chops := appendPieceSizes(nil, 1)
	plain := negotiateSession("")
	broken := plain
	broken.open = func() echoSession {
		return chopSensitiveSession{server.NewSession(server.SessionConfig{MaxMessageSize: sessionMaxMessage})}
	}
	expectCaught(t,
		func(r reporter) { checkSession(r, plain, stream, chops) },
		func(r reporter) { checkSession(r, broken, stream, chops) })
}

func TestSessionCatchesUncompressedEcho(t *testing.T) {
	// A session that inflates but echoes the message uncompressed, with
	// RSV1 still set. The message compresses well, so the session under
	// test echoes it compressed.
	msg := []byte(strings.Repeat("Hello, ", 20))
	stream := maskedFrameRsv(wire.Rsv1, oracle.OpText, compressMessage(msg))
	setup := negotiateSession("permessage-deflate")
	broken := setup
	broken.open = func() echoSession { return &plainEchoer{setup.open(), msg} }
	expectCaught(t,
		func(r reporter) { checkSession(r, setup, stream, nil) },
		func(r reporter) { checkSession(r, broken, stream, nil) })
}

func maskedFrameRsv(rsv, op byte, payload []byte) []byte {
	return appendClientFrame(nil, true, rsv, op, payload)
}

// plainEchoer replaces the payload of the compressed frame the session
// sends with msg, the message it inflates to.
type plainEchoer struct {
	echoSession
	msg []byte
}

func (s *plainEchoer) Feed(p []byte) ([]byte, []server.Event, error) {
	out, ev, err := s.echoSession.Feed(p)
	if len(out) > 0 && out[0]&0x40 != 0 {
		out = append(wire.AppendHeader(nil, wire.Header{Fin: true, Rsv: wire.Rsv1, OpCode: wire.Opcode(out[0] & 0xF), Length: int64(len(s.msg))}), s.msg...)
	}
	return out, ev, err
}
