package gws

import (
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/examples/internal/probe"
	"github.com/wsfuzz/wsfuzz/oracle"
)

// TestEchoVerdicts pins down what the harness says of lxzan/gws's echo
// example on inputs that each show one behaviour.
func TestEchoVerdicts(t *testing.T) {
	server.Check(t,
		probe.Case{Input: probe.TextEcho, Want: oracle.OK},
		probe.Case{Input: probe.PingBetweenFragments, Want: oracle.OK},
		probe.Case{Input: probe.CloseReasonInvalidUTF8, Want: oracle.OK},
		probe.Case{Input: probe.Close1012, Want: oracle.OK},
		probe.Case{Input: probe.Close5000, Want: oracle.Informational},
		probe.Case{Input: probe.Message("2 MiB message echoed", 2<<20), Want: oracle.OK},
		// CheckUtf8Enabled checks a text message once it is whole: the
		// 1007 comes only after the second piece.
		probe.Case{Input: probe.InvalidUTF8FirstFragment, Want: oracle.NonStrict},
		// To an offer without client_max_window_bits gws answers with
		// client_max_window_bits=12, which RFC 7692 section 7.1.2.2
		// forbids: a client must fail the connection.
		probe.Case{Input: probe.DeflateOffer, Want: oracle.Failed},
	)
}

// TestHighBitLengthCrashesTheProcess shows that one frame whose 64-bit
// length has its high bit set brings the whole process down: the length
// turns negative as an int, passes the read limit check, and slicing with
// it panics in ReadLoop, outside what gws.Recovery guards.
func TestHighBitLengthCrashesTheProcess(t *testing.T) {
	out := server.ProcessCrash(t, probe.LengthHighBit)
	for _, want := range []string{"panic: runtime error: slice bounds out of range", "github.com/lxzan/gws.(*Conn).readMessage"} {
		if !strings.Contains(out, want) {
			t.Errorf("the crash does not show %q:\n%s", want, out)
		}
	}
}
