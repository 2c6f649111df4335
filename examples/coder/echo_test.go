package coder

import (
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// TestEchoVerdicts pins down what the harness says of coder/websocket's
// echo example on inputs that each show one behaviour.
func TestEchoVerdicts(t *testing.T) {
	server.Check(t,
		probe.Case{Input: probe.TextEcho, Want: oracle.OK},
		probe.Case{Input: probe.PingBetweenFragments, Want: oracle.OK},
		probe.Case{Input: probe.DeflateOffer, Want: oracle.OK},
		probe.Case{Input: probe.Close1012, Want: oracle.OK},
		probe.Case{Input: probe.Close5000, Want: oracle.Informational},
		probe.Case{Input: probe.Message("message at the read limit echoed", 32<<10), Want: oracle.OK},
		// Above the default read limit (32 KiB): a close with 1009.
		probe.Case{Input: probe.Message("message above the read limit", 32<<10+1), Want: oracle.OK},
		probe.Case{Input: probe.LengthHighBit, Want: oracle.OK, StrictNotes: true},
		// coder/websocket does not check UTF-8: the echo sends invalid
		// text back, and the close frame echoes the client's reason,
		// invalid or not. No client may accept either frame.
		probe.Case{Input: probe.InvalidUTF8, Want: oracle.Failed},
		probe.Case{Input: probe.InvalidUTF8FirstFragment, Want: oracle.Failed},
		probe.Case{Input: probe.CloseReasonInvalidUTF8, Want: oracle.Failed},
	)
}
