package replay

import (
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// Observed is what the fuzzing client saw of one run of a case: the events
// the case records (messages, pongs, timeout marks) and how the connection
// ended. Run fills it from a live server; FromReport from a report.
type Observed struct {
	// Open is true when the opening handshake completed.
	Open bool
	// Events are the received events in order.
	Events []corpus.Event
	// Closing is the closing behaviour, in Autobahn's terms.
	Closing corpus.Closing
	// CloseReceived is true when a close frame arrived from the server.
	CloseReceived bool
	// ServerCloseCode is the code of the server's close frame as it was on
	// the wire, when ServerCloseHasCode. Closing.RemoteCloseCode is
	// Autobahn's record of it, which is 1000 for a code Autobahn's client
	// does not accept (it fails the connection instead).
	ServerCloseCode    int
	ServerCloseHasCode bool
	// CloseCodeSent is true when the client's close frame carried a code
	// (Closing.LocalCloseCode is 0 both for none and for code 0).
	CloseCodeSent bool
	// Duration is the time from the start of the case to the end of TCP.
	Duration time.Duration

	// HandshakeError says why the opening handshake failed, if it did.
	HandshakeError string
	// Diverged, when set, says where the server took the run past what
	// the report recorded, so that the rest of the case is not known (a
	// timer fired that never fired in the recorded run, for example).
	Diverged string
	// TimedOut is true when the replay gave up on a server that kept the
	// connection open with nothing left to do, and dropped TCP itself.
	TimedOut bool
	// Trace is a readable log of the replay: what was sent and received,
	// timers and state changes, one line each.
	Trace []string

	// Self is the verdict a self-judging case (Plan.Echo) gave itself;
	// nil for the other cases.
	Self *SelfVerdict
	// Request and Response are the opening handshake as sent and as
	// received; Started is when the connection opened.
	Request, Response string
	Started           time.Time
	// Wire is the run's wire log, whole (Options.WireLog), and Stats its
	// traffic counts.
	Wire  []corpus.Entry
	Stats Stats
}

// FromReport returns what the fuzzing client observed in the run a report
// records, for judging it again (Judge(c, FromReport(c)) gives the report's
// own verdicts when the judge agrees with Autobahn).
func FromReport(c *corpus.Case) *Observed {
	o := &Observed{
		Events:   c.Received,
		Closing:  c.Closing,
		Duration: time.Duration(c.DurationMS) * time.Millisecond,
	}
	resp := strings.TrimSpace(c.HTTPResponse)
	switch {
	case resp != "":
		o.Open = strings.HasPrefix(resp, "HTTP/1.1 101")
	default:
		o.Open = !strings.Contains(c.ResultClose, "opening handshake was never completed")
	}
	for _, e := range c.Wire {
		if e.Kind == corpus.RxFrame && e.Frame != nil && e.Frame.Opcode == 8 {
			o.CloseReceived = true
			if p := e.Frame.Payload; e.Frame.PayloadExact && len(p) >= 2 {
				o.ServerCloseCode, o.ServerCloseHasCode = int(p[0])<<8|int(p[1]), true
			}
		}
	}
	if c.Closing.RemoteCloseCode != 0 {
		o.CloseReceived = true
		if !o.ServerCloseHasCode {
			o.ServerCloseCode, o.ServerCloseHasCode = c.Closing.RemoteCloseCode, true
		}
	}
	o.CloseCodeSent = c.Closing.LocalCloseCode != 0
	return o
}
