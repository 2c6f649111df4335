package props

import (
	"encoding/binary"
	"strings"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// This file holds deliberately broken implementations, each with one
// realistic bug, for the tests that show every property can fail.

// literal126Decode reads the header like wire.DecodeHeader but takes the
// length code 126 for a length of 126 instead of the marker of a 16-bit
// length: the 126/127 boundary off by one.
func literal126Decode(b []byte) (h wire.Header, n int, err error) {
	if len(b) >= 2 && b[1]&0x7F == 126 {
		h.Fin, h.Rsv, h.OpCode = b[0]&0x80 != 0, b[0]>>4&7, wire.Opcode(b[0]&0xF)
		h.Masked, h.Length, n = b[1]&0x80 != 0, 126, 2
		if h.Masked {
			if len(b) < 6 {
				return h, 0, wire.ErrIncomplete
			}
			copy(h.Mask[:], b[2:6])
			n = 6
		}
		return h, n, nil
	}
	return wire.DecodeHeader(b)
}

// short16Encode picks the 16-bit form for lengths up to 65536 inclusive,
// so that 65536 wraps to 0.
func short16Encode(dst []byte, h wire.Header) []byte {
	if h.Length != 65536 {
		return wire.AppendHeader(dst, h)
	}
	enc := wire.AppendHeader(nil, wire.Header{Fin: h.Fin, Rsv: h.Rsv, OpCode: h.OpCode, Masked: h.Masked, Mask: h.Mask, Length: 126})
	binary.BigEndian.PutUint16(enc[2:], uint16(h.Length))
	return append(dst, enc...)
}

// lenientDecode accepts lengths in a longer form than they need.
func lenientDecode(b []byte) (h wire.Header, n int, err error) {
	h, n, err = wire.DecodeHeader(b)
	if err != wire.ErrLengthNotMinimal {
		return h, n, err
	}
	h.Fin, h.Rsv, h.OpCode, h.Masked = b[0]&0x80 != 0, b[0]>>4&7, wire.Opcode(b[0]&0xF), b[1]&0x80 != 0
	if b[1]&0x7F == 126 {
		h.Length, n = int64(binary.BigEndian.Uint16(b[2:])), 4
	} else {
		h.Length, n = int64(binary.BigEndian.Uint64(b[2:])), 10
	}
	if h.Masked {
		if len(b) < n+4 {
			return h, 0, wire.ErrIncomplete
		}
		copy(h.Mask[:], b[n:n+4])
		n += 4
	}
	return h, n, nil
}

// addMask adds the key instead of XORing it.
func addMask(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] += key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}

// unrotatedWordMask masks 8-byte words with the key as it is, not rotated
// to the starting offset; the byte loop for the tail is right.
func unrotatedWordMask(key [4]byte, pos int, b []byte) int {
	i := 0
	k := uint64(binary.LittleEndian.Uint32(key[:]))
	k |= k << 32
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k)
	}
	for ; i < len(b); i++ {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}

// offsetBlindMask starts every call at key byte 0, whatever pos says.
func offsetBlindMask(key [4]byte, pos int, b []byte) int {
	wire.MaskBytes(key, 0, b)
	return (pos + len(b)) & 3
}

// laxUTF8 is a streaming validator written from the UTF-8 table, with
// switches for two bugs: surrogates lets ED be followed by A0..BF, and
// forgetful drops a character left open at the end of a piece.
type laxUTF8 struct {
	surrogates, forgetful bool
	n                     int64
	need                  int
	lo, hi                byte
	failed                bool
}

func (v *laxUTF8) Write(p []byte) bool {
	if v.failed {
		return false
	}
	if v.forgetful {
		v.need = 0
	}
	for i, c := range p {
		if v.need > 0 {
			if c < v.lo || c > v.hi {
				v.failed, v.n = true, v.n+int64(i)
				return false
			}
			v.need, v.lo, v.hi = v.need-1, 0x80, 0xBF
			continue
		}
		v.lo, v.hi = 0x80, 0xBF
		switch {
		case c < 0x80:
		case c >= 0xC2 && c <= 0xDF:
			v.need = 1
		case c == 0xE0:
			v.need, v.lo = 2, 0xA0
		case c == 0xED && !v.surrogates:
			v.need, v.hi = 2, 0x9F
		case c >= 0xE1 && c <= 0xEF:
			v.need = 2
		case c == 0xF0:
			v.need, v.lo = 3, 0x90
		case c >= 0xF1 && c <= 0xF3:
			v.need = 3
		case c == 0xF4:
			v.need, v.hi = 3, 0x8F
		default:
			v.failed, v.n = true, v.n+int64(i)
			return false
		}
	}
	v.n += int64(len(p))
	return true
}

func (v *laxUTF8) Done() bool    { return !v.failed && v.need == 0 }
func (v *laxUTF8) Offset() int64 { return v.n }

// lateUTF8 only looks at the text when asked whether it is Done: it never
// fails fast.
type lateUTF8 struct{ text []byte }

func (v *lateUTF8) Write(p []byte) bool { v.text = append(v.text, p...); return true }
func (v *lateUTF8) Done() bool          { return ReferenceFirstInvalid(v.text) < 0 }
func (v *lateUTF8) Offset() int64 {
	if bad := ReferenceFirstInvalid(v.text); bad >= 0 {
		return int64(bad)
	}
	return int64(len(v.text))
}

// rfc6455Sendable is the close code table of RFC 6455 alone, which leaves
// out the codes IANA registered since (1012-1014).
func rfc6455Sendable(code uint16) bool {
	return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1011 || code >= 3000 && code <= 4999
}

// trustingParseClose does not check that the reason is UTF-8.
func trustingParseClose(p []byte) (code, failWith uint16) {
	if len(p) >= 2 && ClassifyClose(binary.BigEndian.Uint16(p)).Sendable {
		return binary.BigEndian.Uint16(p), 0
	}
	return WireParseClose(p)
}

// frameFilter sits in front of a server: it reassembles the client's
// frames and forwards each whole frame unless drop says otherwise. It
// tracks whether a fragmented message is open. A header it cannot decode
// turns it into a pass-through.
type frameFilter struct {
	inner   Server
	drop    func(h wire.Header, payload []byte, inMessage bool) bool
	buf     []byte
	open    bool
	through bool
}

func (f *frameFilter) Feed(p []byte) []byte {
	if f.through {
		return f.inner.Feed(p)
	}
	f.buf = append(f.buf, p...)
	var out []byte
	for {
		h, n, err := wire.DecodeHeader(f.buf)
		if err == wire.ErrIncomplete {
			break
		}
		if err != nil || h.Length > 1<<20 {
			f.through = true
			out = append(out, f.inner.Feed(f.buf)...)
			f.buf = nil
			break
		}
		end := n + int(h.Length)
		if len(f.buf) < end {
			break
		}
		payload := append([]byte(nil), f.buf[n:end]...)
		wire.MaskBytes(h.Mask, 0, payload)
		if !f.drop(h, payload, f.open) {
			out = append(out, f.inner.Feed(f.buf[:end])...)
		}
		if !h.OpCode.IsControl() {
			f.open = !h.Fin
		}
		f.buf = f.buf[end:]
	}
	return out
}

func (f *frameFilter) Done() bool { return f.inner.Done() }

func filtered(cfg server.SessionConfig, drop func(h wire.Header, payload []byte, inMessage bool) bool) NewServer {
	ref := SessionServer(cfg)
	return func() Server { return &frameFilter{inner: ref(), drop: drop} }
}

// pongDropper loses the ping (so the pong) that arrives between the
// fragments of a message.
var pongDropper = filtered(server.SessionConfig{}, func(h wire.Header, _ []byte, inMessage bool) bool {
	return inMessage && h.OpCode == wire.OpPing
})

// emptyContinuationDropper skips continuation frames with no payload, so
// a message ended by an empty final fragment is never echoed.
var emptyContinuationDropper = filtered(server.SessionConfig{MaxMessageSize: modelLimit}, func(h wire.Header, payload []byte, _ bool) bool {
	return h.OpCode == wire.OpContinuation && len(payload) == 0
})

// splitHeaderLoser forgets the bytes of a header that a read cut short, as
// a reader that expects each read to hold whole headers does.
type splitHeaderLoser struct {
	inner     Server
	hdr       []byte
	remaining int64
	through   bool
}

func (s *splitHeaderLoser) Feed(p []byte) []byte {
	if s.through {
		return s.inner.Feed(p)
	}
	var fwd []byte
	for len(p) > 0 {
		if s.remaining > 0 {
			k := int(min(int64(len(p)), s.remaining))
			fwd, p, s.remaining = append(fwd, p[:k]...), p[k:], s.remaining-int64(k)
			continue
		}
		s.hdr, p = append(s.hdr, p[0]), p[1:]
		h, _, err := wire.DecodeHeader(s.hdr)
		switch {
		case err == wire.ErrIncomplete:
			if len(p) == 0 {
				s.hdr = s.hdr[:0] // the bug: the read ended inside the header
			}
		case err != nil:
			s.through = true
			fwd = append(append(fwd, s.hdr...), p...)
			p = nil
		default:
			fwd = append(fwd, s.hdr...)
			s.hdr, s.remaining = s.hdr[:0], h.Length
		}
	}
	return s.inner.Feed(fwd)
}

func (s *splitHeaderLoser) Done() bool { return s.inner.Done() }

func newSplitHeaderLoser() Server {
	return &splitHeaderLoser{inner: SessionServer(server.SessionConfig{})()}
}

// closeAs1000 answers every clean close with 1000 instead of echoing the
// client's code.
type closeAs1000 struct{ s *server.Session }

func (c closeAs1000) Feed(p []byte) []byte {
	out, events, _ := c.s.Feed(p)
	for _, e := range events {
		if e.Kind == server.EventClose && len(out) >= 4 {
			binary.BigEndian.PutUint16(out[len(out)-2:], 1000)
		}
	}
	return out
}

func (c closeAs1000) Done() bool { return c.s.Done() }

func newCloseAs1000() Server {
	return closeAs1000{server.NewSession(server.SessionConfig{MaxMessageSize: modelLimit})}
}

// stickyDeflate keeps its compression context between messages even when
// the negotiation said no_context_takeover.
var stickyDeflate = DeflateCodec{
	Negotiate: deflate.Negotiate,
	NewCompressor: func(p deflate.Params, level int) MessageCompressor {
		p.ServerNoContextTakeover = false
		return deflate.NewCompressor(p, level)
	},
	NewDecompressor: ReferenceDeflate.NewDecompressor,
}

// lenientNegotiate ignores the parameters it does not know instead of
// declining the offer.
func lenientNegotiate(headerValues []string, prefs deflate.Preferences) (deflate.Params, string, bool) {
	offers, _ := deflate.ParseOffers(headerValues)
	var kept []string
	for _, o := range offers {
		var ps []deflate.Param
		for _, p := range o.Params {
			switch p.Name {
			case ServerNoContextTakeover, ClientNoContextTakeover, ServerMaxWindowBits, ClientMaxWindowBits:
				ps = append(ps, p)
			}
		}
		o.Params = ps
		kept = append(kept, o.String())
	}
	return deflate.Negotiate([]string{strings.Join(kept, ", ")}, prefs)
}

// codecPair is a server.MessageCodec made of a compressor and an inflater.
type codecPair struct {
	out *deflate.Compressor
	in  *deflate.Decompressor
}

func (c codecPair) Compress(dst, msg []byte) ([]byte, error) { return c.out.Compress(dst, msg) }
func (c codecPair) Inflate(dst, z []byte, limit int64) ([]byte, error) {
	return c.in.Inflate(dst, z, limit)
}
func (c codecPair) Release() { c.out.Release(); c.in.Release() }

// stickySession negotiates as the reference does but compresses its
// echoes with context takeover even when it agreed to
// server_no_context_takeover.
func stickySession(offers []string, prefs deflate.Preferences) (string, Server) {
	p, resp, ok := deflate.Negotiate(offers, prefs)
	if !ok {
		return "", nil
	}
	sticky := p
	sticky.ServerNoContextTakeover = false
	codec := codecPair{deflate.NewCompressor(sticky, prefs.Level), deflate.NewDecompressor(p)}
	return resp, sessionServer{server.NewSession(server.SessionConfig{Compression: codec})}
}

// wholeFrames reads whole frames before acting on them, as a server that
// validates a frame's payload only once it has all of it.
var wholeFrames = filtered(server.SessionConfig{}, func(wire.Header, []byte, bool) bool { return false })
