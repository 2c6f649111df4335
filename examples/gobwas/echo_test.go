package gobwas

import (
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// TestEchoVerdicts pins down what the harness says of gobwas/ws's README
// echo server on inputs that each show one behaviour.
func TestEchoVerdicts(t *testing.T) {
	server.Check(t,
		probe.Case{Input: probe.TextEcho, Want: oracle.OK},
		probe.Case{Input: probe.PingBetweenFragments, Want: oracle.OK},
		probe.Case{Input: probe.DeflateOffer, Want: oracle.OK},
		probe.Case{Input: probe.Message("message at the limit echoed", MaxMessageSize), Want: oracle.OK},
		// wsutil drops TCP without a close frame on a message above
		// the limit, and on invalid UTF-8 (checked at the message end):
		// only strict mode objects.
		probe.Case{Input: probe.Message("message above the limit", MaxMessageSize+1), Want: oracle.OK, StrictNotes: true},
		probe.Case{Input: probe.InvalidUTF8FirstFragment, Want: oracle.OK, StrictNotes: true},
		probe.Case{Input: probe.LengthHighBit, Want: oracle.OK, StrictNotes: true},
		// The same drop with the client's close in the same piece as the
		// bad text: the drop is the server's, as the session ended first.
		probe.Case{Input: probe.InvalidUTF8, Want: oracle.OK, StrictNotes: true},
		// ws.CheckCloseFrameData refuses 1012 (registered after RFC
		// 6455) with 1002, and lets 5000 through: the echo sends it back,
		// which Autobahn's 7.13.* calls informational.
		probe.Case{Input: probe.Close1012, Want: oracle.Failed},
		probe.Case{Input: probe.Close5000, Want: oracle.Informational},
		// 1002 for a bad close reason: Autobahn's 7.5.1 allows 1002 or
		// 1007.
		probe.Case{Input: probe.CloseReasonInvalidUTF8, Want: oracle.OK},
	)
}
