package fuzz

import (
	"bytes"
	"encoding/binary"
	"github.com/wsfuzz/wsfuzz/oracle"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// FuzzClose checks close payloads with checkClose: the payload of a close
// frame received from a client.
//
// The codes allowed on the wire are those of oracle.CloseCodeSendable: 1000-1003
// and 1007-1011 from RFC 6455, 3000-4999, and also 1012-1014, which IANA
// registered after the RFC (Service Restart, Try Again Later, Bad
// Gateway). The server accepts and echoes those three, so this target
// does too, unlike the table in DESIGN.md, which lists 1007-1011 only.
func FuzzClose(f *testing.F) {
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkClose(t, wire.ParseClose, wire.CloseCode.Sendable, newPlainSession, payload)
	})
}

// newPlainSession is a session with no extension and the default limits.
func newPlainSession() echoSession { return server.NewSession(server.SessionConfig{}) }

// checkClose is FuzzClose's property, over the payload parser, the code
// classifier and the session under test:
//
//   - a payload is accepted iff it is empty or has a sendable code and a
//     UTF-8 reason; the error is ErrCloseLength for 1 byte, ErrCloseCode
//     for a code that is not sendable, ErrCloseReasonUTF8 for a bad reason;
//   - an accepted payload gives back its code (CloseNoStatus when empty)
//     and its reason;
//   - the code classifier agrees with the model's table;
//   - a session that receives the payload in a close frame (when it fits
//     one) answers with exactly one close frame: the same code (1000 for an
//     empty payload) when the payload is accepted, else the error's code
//     (1002 or 1007), and then it is done.
func checkClose(r reporter, parse func([]byte) (wire.CloseCode, []byte, error), sendable func(wire.CloseCode) bool,
	newSession func() echoSession, payload []byte) {
	r.Helper()
	var (
		wantErr  error
		wantCode = uint16(wire.CloseNoStatus)
		reason   []byte
	)
	switch {
	case len(payload) == 1:
		wantErr = wire.ErrCloseLength
	case len(payload) >= 2:
		wantCode, reason = binary.BigEndian.Uint16(payload), payload[2:]
		if sendable(wire.CloseCode(wantCode)) != oracle.CloseCodeSendable(wantCode) {
			r.Errorf("Sendable(%d) = %v, want %v", wantCode, !oracle.CloseCodeSendable(wantCode), oracle.CloseCodeSendable(wantCode))
		}
		switch {
		case !oracle.CloseCodeSendable(wantCode):
			wantErr = wire.ErrCloseCode
		case oracle.FirstBadUTF8(reason) != -1:
			wantErr = wire.ErrCloseReasonUTF8
		}
	}
	code, gotReason, err := parse(payload)
	if err != wantErr {
		r.Errorf("ParseClose(%x) error = %v, want %v", payload, err, wantErr)
		return
	}
	if err == nil && (uint16(code) != wantCode || !bytes.Equal(gotReason, reason)) {
		r.Errorf("ParseClose(%x) = %d %q, want %d %q", payload, code, gotReason, wantCode, reason)
	}

	if len(payload) > 125 {
		return
	}
	reply := uint16(wire.CloseNormal)
	switch {
	case wantErr != nil:
		reply = uint16(wantErr.(*wire.Error).Code)
	case len(payload) >= 2:
		reply = wantCode
	}
	s := newSession()
	out, _, _ := s.Feed(maskedFrame(oracle.OpClose, payload))
	frames, perr := parseServerStream(out, nil)
	switch {
	case perr != nil:
		r.Errorf("reply to close %x: %v (%x)", payload, perr, out)
	case len(frames) != 1 || frames[0].Op != oracle.OpClose || frames[0].Code != reply:
		r.Errorf("reply to close %x = %x, want one close frame with code %d", payload, out, reply)
	case !s.Done():
		r.Errorf("session still open after close %x", payload)
	}
}
