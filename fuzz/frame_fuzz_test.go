package fuzz

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"testing"

	"github.com/gobwas/ws"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FuzzFrame feeds arbitrary bytes to the frame header decoder and checks,
// with checkFrame, that it never panics, that a header it accepts
// re-encodes to the same bytes, and that its verdict agrees with
// gobwas/ws's ReadHeader and CheckHeader (server side, no extension) except
// where frameDisagreements says why not.
func FuzzFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFrame(t, wire.DecodeHeader, serverSideCheck, wire.AppendHeader, data)
	})
}

// serverSideCheck is the header check of a server with no extension.
func serverSideCheck(h wire.Header) error { return wire.CheckHeader(h, wire.FromClient, 0) }

// verdict is what a header reader says about the bytes at the start of a
// frame: fine, more bytes needed, or which rule is broken.
type verdict uint8

const (
	verdictOK verdict = iota
	verdictIncomplete
	verdictLengthMSB
	verdictLengthNotMinimal
	verdictReservedOpcode
	verdictReservedBits
	verdictControlFragmented
	verdictControlTooLong
	verdictUnmasked
	verdictUnexpectedContinuation
	verdictOther
)

var verdictNames = [...]string{"ok", "incomplete", "length MSB set", "length not minimal",
	"reserved opcode", "reserved bits", "fragmented control frame", "control frame too long",
	"unmasked", "unexpected continuation", "other error"}

func (v verdict) String() string { return verdictNames[v] }

// oursVerdict maps the errors of package wire to verdicts.
func oursVerdict(err error) verdict {
	switch err {
	case nil:
		return verdictOK
	case wire.ErrIncomplete:
		return verdictIncomplete
	case wire.ErrLengthMSB:
		return verdictLengthMSB
	case wire.ErrLengthNotMinimal:
		return verdictLengthNotMinimal
	case wire.ErrReservedOpcode:
		return verdictReservedOpcode
	case wire.ErrReservedBits:
		return verdictReservedBits
	case wire.ErrControlFragmented:
		return verdictControlFragmented
	case wire.ErrControlTooLong:
		return verdictControlTooLong
	case wire.ErrUnmasked:
		return verdictUnmasked
	}
	return verdictOther
}

// gobwasVerdict judges b with gobwas/ws as a server with no extension:
// ReadHeader, then CheckHeader in a fresh server-side state.
func gobwasVerdict(b []byte) (ws.Header, verdict) {
	h, err := ws.ReadHeader(bytes.NewReader(b))
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return h, verdictIncomplete
	case err == ws.ErrHeaderLengthMSB:
		return h, verdictLengthMSB
	case err != nil:
		return h, verdictOther
	}
	switch ws.CheckHeader(h, ws.StateServerSide) {
	case nil:
		return h, verdictOK
	case ws.ErrProtocolOpCodeReserved:
		return h, verdictReservedOpcode
	case ws.ErrProtocolNonZeroRsv:
		return h, verdictReservedBits
	case ws.ErrProtocolControlNotFinal:
		return h, verdictControlFragmented
	case ws.ErrProtocolControlPayloadOverflow:
		return h, verdictControlTooLong
	case ws.ErrProtocolMaskRequired:
		return h, verdictUnmasked
	case ws.ErrProtocolContinuationUnexpected:
		return h, verdictUnexpectedContinuation
	}
	return h, verdictOther
}

// frameDisagreements is every intended difference between our verdict and
// gobwas/ws's on the same bytes. A difference that no row explains is a
// failure of FuzzFrame. Each row applies only when its condition on the
// raw bytes holds, so that a row cannot hide an unrelated bug.
var frameDisagreements = []struct {
	name   string
	ours   verdict
	theirs []verdict
	when   func(b []byte) bool
	why    string
}{
	{
		name:   "non-minimal length encoding",
		ours:   verdictLengthNotMinimal,
		theirs: []verdict{verdictOK, verdictIncomplete, verdictReservedOpcode, verdictReservedBits, verdictControlFragmented, verdictControlTooLong, verdictUnmasked, verdictUnexpectedContinuation},
		when:   hasNonMinimalLength,
		why: "RFC 6455 section 5.2 requires the minimal number of bytes for the length; we fail such " +
			"a frame with 1002 as soon as the length field is there, gobwas reads the value and judges the rest",
	},
	{
		name:   "64-bit length with its top bit set, masking key not there yet",
		ours:   verdictLengthMSB,
		theirs: []verdict{verdictIncomplete},
		when:   func(b []byte) bool { return b[1]&0x7F == 127 && b[1]&0x80 != 0 && len(b) < 14 },
		why: "we judge the length as soon as its 8 bytes are there; gobwas reads the length and the " +
			"masking key in one read and reports a short read first",
	},
	{
		name:   "RSV bits on a control frame that is also fragmented or too long",
		ours:   verdictReservedBits,
		theirs: []verdict{verdictControlFragmented, verdictControlTooLong},
		when:   func(b []byte) bool { return b[0]&0x08 != 0 && b[0]&0x70 != 0 },
		why:    "both fail the frame with 1002; we check RSV bits before the control-frame rules, gobwas after",
	},
	{
		name:   "fragmented control frame that is also too long",
		ours:   verdictControlFragmented,
		theirs: []verdict{verdictControlTooLong},
		when:   func(b []byte) bool { return b[0]&0x88 == 0x08 && b[1]&0x7F > 125 },
		why:    "both fail the frame with 1002; we check FIN before the length, gobwas the length first",
	},
	{
		name:   "continuation frame judged without a connection",
		ours:   verdictOK,
		theirs: []verdict{verdictUnexpectedContinuation},
		when:   func(b []byte) bool { return b[0]&0x0F == 0 },
		why: "gobwas's CheckHeader keeps the fragmentation state, and a fresh state has no message to " +
			"continue; our CheckHeader is stateless and the session rejects an unexpected continuation",
	},
}

// hasNonMinimalLength reports whether the length field at the start of b
// is complete and longer than its value needs.
func hasNonMinimalLength(b []byte) bool {
	switch b[1] & 0x7F {
	case 126:
		return len(b) >= 4 && binary.BigEndian.Uint16(b[2:]) < 126
	case 127:
		return len(b) >= 10 && binary.BigEndian.Uint64(b[2:]) <= 0xFFFF
	}
	return false
}

// checkFrame is FuzzFrame's property, over the decoder, checker and
// encoder under test.
func checkFrame(r reporter, decode func([]byte) (wire.Header, int, error), check func(wire.Header) error,
	encode func([]byte, wire.Header) []byte, data []byte) {
	r.Helper()
	h, n, err := decode(data)
	if err == nil {
		if n < 2 || n > len(data) || n > wire.MaxHeaderLen {
			r.Errorf("decode(%x) = header of %d bytes", data, n)
			return
		}
		if enc := encode(nil, h); !bytes.Equal(enc, data[:n]) {
			r.Errorf("decode(%x) = %+v, which encodes to %x", data[:n], h, enc)
		}
		err = check(h)
	}
	ours := oursVerdict(err)
	gh, theirs := gobwasVerdict(data)
	if ours == verdictOK && theirs == verdictOK {
		same := gh.Fin == h.Fin && gh.Rsv == h.Rsv && byte(gh.OpCode) == byte(h.OpCode) &&
			gh.Masked == h.Masked && gh.Mask == h.Mask && gh.Length == h.Length
		if !same {
			r.Errorf("header %x: ours %+v, gobwas %+v", data[:n], h, gh)
		}
		return
	}
	if ours == theirs {
		return
	}
	for _, d := range frameDisagreements {
		if d.ours == ours && slices.Contains(d.theirs, theirs) && d.when(data) {
			return
		}
	}
	r.Errorf("header %x: ours %v (%v), gobwas %v, and no row of frameDisagreements explains it",
		data[:min(len(data), wire.MaxHeaderLen)], ours, err, theirs)
}
