package gorilla

import (
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// TestEchoVerdicts pins down what the harness says of gorilla/websocket's
// echo example on inputs that each show one behaviour.
func TestEchoVerdicts(t *testing.T) {
	server.Check(t,
		probe.Case{Input: probe.TextEcho, Want: oracle.OK},
		probe.Case{Input: probe.PingBetweenFragments, Want: oracle.OK},
		probe.Case{Input: probe.DeflateOffer, Want: oracle.OK},
		probe.Case{Input: probe.Close1012, Want: oracle.OK},
		// Codes above 4999 are undefined: Autobahn's 7.13.* are
		// informational.
		probe.Case{Input: probe.Close5000, Want: oracle.Informational},
		// No read limit in the example: 2 MiB is echoed.
		probe.Case{Input: probe.Message("2 MiB message echoed", 2<<20), Want: oracle.OK},
		// gorilla does not check the UTF-8 of text messages: the echo
		// sends it back, and no client may accept that frame.
		probe.Case{Input: probe.InvalidUTF8, Want: oracle.Failed},
		probe.Case{Input: probe.InvalidUTF8FirstFragment, Want: oracle.Failed},
		// 1002 for a bad close reason: Autobahn's 7.5.1 allows 1002 or
		// 1007.
		probe.Case{Input: probe.CloseReasonInvalidUTF8, Want: oracle.OK},
		// It drops TCP without a close frame: only strict mode objects.
		probe.Case{Input: probe.LengthHighBit, Want: oracle.OK, StrictNotes: true},
	)
}
