package props

import (
	"errors"
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// CloseCodeClassification states that sendable, an implementation's
// judgement of which close codes may appear on the wire, agrees with
// CloseCodeTable for codes from CloseCode (every row, its edges favoured).
func CloseCodeClassification(sendable func(code uint16) bool) gopter.Prop {
	return prop.ForAll(func(code uint16) string {
		row := ClassifyClose(code)
		if got := sendable(code); got != row.Sendable {
			return fmt.Sprintf("code %d: sendable=%v, want %v (%s)", code, got, row.Sendable, row.Class)
		}
		return ""
	}, CloseCode())
}

// WireSendable is wire.CloseCode.Sendable.
func WireSendable(code uint16) bool { return wire.CloseCode(code).Sendable() }

// ParseCloseFunc parses a received close payload. It returns the code it
// accepted (anything for an empty payload), or the non-zero close code
// with which it fails the connection.
type ParseCloseFunc func(payload []byte) (code, failWith uint16)

// WireParseClose is wire.ParseClose as a ParseCloseFunc.
func WireParseClose(payload []byte) (code, failWith uint16) {
	c, _, err := wire.ParseClose(payload)
	if err != nil {
		var werr *wire.Error
		if errors.As(err, &werr) {
			return 0, uint16(werr.Code)
		}
		return 0, 1002
	}
	return uint16(c), 0
}

// ClosePayloadVerdict states that a close payload (from ClosePayloads:
// every code class, reasons of 0..123 bytes, valid or not, empty and
// 1-byte payloads) is accepted with its code exactly when
// ClosePayload.Verdict accepts it, and is otherwise failed with the
// Verdict's code (1002 or 1007).
func ClosePayloadVerdict(parse ParseCloseFunc) gopter.Prop {
	return prop.ForAll(func(c ClosePayload) string {
		want, wantFail := c.Verdict()
		code, failWith := parse(c.Bytes())
		switch {
		case wantFail && failWith != want:
			return fmt.Sprintf("% X: fail with %d (accepted code %d), want fail with %d", c.Bytes(), failWith, code, want)
		case !wantFail && failWith != 0:
			return fmt.Sprintf("% X: fail with %d, want accept", c.Bytes(), failWith)
		case !wantFail && c.Form == CloseCoded && code != c.Code:
			return fmt.Sprintf("% X: accepted code %d, want %d", c.Bytes(), code, c.Code)
		}
		return ""
	}, ClosePayloads())
}
