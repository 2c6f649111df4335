package wire

import "encoding/binary"

// CloseCode is the status code of a close frame (RFC 6455 section 7.4).
type CloseCode uint16

// Status codes of RFC 6455 section 7.4.1 and the IANA registry.
const (
	CloseNormal             CloseCode = 1000
	CloseGoingAway          CloseCode = 1001
	CloseProtocolError      CloseCode = 1002
	CloseUnsupportedData    CloseCode = 1003
	CloseNoStatus           CloseCode = 1005 // never on the wire: "no code in the frame"
	CloseAbnormal           CloseCode = 1006 // never on the wire: "dropped without a close frame"
	CloseInvalidPayload     CloseCode = 1007
	ClosePolicyViolation    CloseCode = 1008
	CloseMessageTooBig      CloseCode = 1009
	CloseMandatoryExtension CloseCode = 1010
	CloseInternalError      CloseCode = 1011
	CloseServiceRestart     CloseCode = 1012
	CloseTryAgainLater      CloseCode = 1013
	CloseBadGateway         CloseCode = 1014
	CloseTLSHandshake       CloseCode = 1015 // never on the wire
)

// Sendable reports whether code may appear in a close frame: the codes
// defined or registered for use on the wire (1000-1003, 1007-1014) and
// the ranges for libraries and applications (3000-4999). Everything else
// (below 1000, 1004-1006, 1015, 1016-2999, 5000 and up) is a protocol error.
func (code CloseCode) Sendable() bool {
	switch {
	case code >= 1000 && code <= 1003:
		return true
	case code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// ParseClose validates the payload of a received close frame and returns
// its code and reason. An empty payload has code CloseNoStatus. A 1-byte
// payload, a code that is not Sendable, or a reason that is not valid UTF-8
// is an error (1002, 1002 and 1007 respectively).
func ParseClose(p []byte) (code CloseCode, reason []byte, err error) {
	switch len(p) {
	case 0:
		return CloseNoStatus, nil, nil
	case 1:
		return 0, nil, ErrCloseLength
	}
	code = CloseCode(binary.BigEndian.Uint16(p))
	if !code.Sendable() {
		return code, nil, ErrCloseCode
	}
	reason = p[2:]
	if FirstInvalidUTF8(reason) >= 0 {
		return code, nil, ErrCloseReasonUTF8
	}
	return code, reason, nil
}

// AppendClosePayload appends a close payload with code and reason to dst.
// The reason is cut at a character boundary so that the payload fits a
// control frame.
func AppendClosePayload(dst []byte, code CloseCode, reason string) []byte {
	if len(reason) > MaxControlPayload-2 {
		cut := MaxControlPayload - 2
		for cut > 0 && reason[cut]&0xC0 == 0x80 {
			cut--
		}
		reason = reason[:cut]
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...)
}
