package corpus

// Case is one Autobahn test case as one report describes it.
type Case struct {
	ID          string // "6.4.1"
	Agent       string // the implementation under test, as the report names it
	Source      string // the file the case was read from
	Description string
	Expectation string

	// Behavior and BehaviorClose are Autobahn's verdicts ("OK",
	// "NON-STRICT", "FAILED", "INFORMATIONAL", "UNIMPLEMENTED", "WRONG CODE",
	// "UNCLEAN", ...). Result and ResultClose are its explanations.
	Behavior, BehaviorClose string
	Result, ResultClose     string
	DurationMS              int

	// Expected maps a verdict to the event sequences that earn it;
	// Received is what the fuzzing peer observed.
	Expected      map[string][][]Event
	Received      []Event
	ExpectedClose ExpectedClose
	Closing       Closing

	// HTTPRequest and HTTPResponse are the opening handshake as sent and
	// received by the fuzzing peer (empty when the report lacks them).
	HTTPRequest, HTTPResponse string

	// FuzzerIsServer is true for reports of Autobahn's fuzzing server
	// (reports/clients): then the implementation under test is a client,
	// its input is what Autobahn transmitted (still the TX entries), and
	// Autobahn's frames are unmasked.
	FuzzerIsServer bool

	// SuiteVersion is the version of the Autobahn|Testsuite that wrote the
	// report ("0.8.0", "25.10.1"), as its opening handshake names it; ""
	// when the report does not say (the suite's Python 3 port, reports
	// without a handshake). Rules of judging changed between versions
	// (see package replay).
	SuiteVersion string

	// ExpectedCut is true when the report cut the expected events, so that
	// they are not known (old case pages show at most 1,000 characters of
	// them); Expected is then empty.
	ExpectedCut bool

	// Wire is the wire log in order.
	Wire []Entry
	// Partial is true when some entry could not be recovered whole;
	// Skipped says which and why, one line each.
	Partial bool
	Skipped []string

	// txStats and rxStats are the report's write and read counts by size
	// (nil when the report has none); unloggedTx and unloggedRx say what
	// they count that the wire log does not show.
	txStats, rxStats       octetStats
	unloggedTx, unloggedRx string
}

// Event is one thing the fuzzing peer observed: a message (Kind "message",
// Binary set for binary messages), a pong, or a timeout mark (Kind
// "timeout", Data the mark's name).
type Event struct {
	Kind   string
	Data   []byte
	Binary bool
	// Truncated is true when the report cut Data: it holds only the first
	// bytes of the payload (Autobahn logs at most 64 bytes of a payload
	// longer than 60 and marks the cut with " ...").
	Truncated bool
}

// ExpectedClose is what Autobahn required of the closing handshake.
type ExpectedClose struct {
	CloseCode                    []int // allowed close codes the peer may send
	ClosedByMe                   bool  // whether the fuzzing peer initiates the close
	RequireClean                 bool
	ClosedByWrongEndpointIsFatal bool
}

// Closing is how the connection actually ended, from the fuzzing peer's view.
type Closing struct {
	ClosedByMe, FailedByMe, DroppedByMe, WasClean bool
	WasNotCleanReason                             string
	WasServerConnectionDropTimeout                bool
	WasOpenHandshakeTimeout                       bool
	WasCloseHandshakeTimeout                      bool
	LocalCloseCode, RemoteCloseCode               int // 0 when no close frame carried a code
	LocalCloseReason, RemoteCloseReason           string
}

// EntryKind names a wire-log entry the way Autobahn's JSON does.
type EntryKind string

// The wire-log entry kinds. TX is what the fuzzing peer sent, RX what it
// received. The timer kinds follow Autobahn's fuzzing protocol: CT is
// continueLater (run the case's next step after Seconds), KL killAfter
// (fail the connection after Seconds), TI closeAfter (start the closing
// handshake after Seconds); CTE, KLE and TIE mark the timer firing.
const (
	TxOctets      EntryKind = "TO"      // octets sent
	RxOctets      EntryKind = "RO"      // octets received
	TxFrame       EntryKind = "TF"      // a frame sent (decoded view)
	RxFrame       EntryKind = "RF"      // a frame received (decoded view)
	ContinueAfter EntryKind = "CT"      // go on with the case after Seconds (Mark tags the step)
	ContinueFired EntryKind = "CTE"     // that delay ran out
	KillAfter     EntryKind = "KL"      // fail the connection (drop TCP) after Seconds
	KillExpired   EntryKind = "KLE"     // kill timer fired
	Timeout       EntryKind = "TI"      // start the closing handshake after Seconds
	TimeoutFired  EntryKind = "TIE"     // that timer fired
	Logging       EntryKind = "WLM"     // wire logging switched on or off (Enabled)
	DroppedByPeer EntryKind = "DROP"    // the peer closed TCP
	DroppedByMe   EntryKind = "DROP_ME" // the fuzzing peer closed TCP
)

// PayloadDoubt says why the payload the report shows in full may not be
// the one sent: the report did not state its length, or shows it only as
// wrapped text, in which a space stands for any whitespace character. It
// is "" when the payload is whole and certain, and when the report cut it
// (then it shows only the start, see PayloadExact).
func (f *Frame) PayloadDoubt() string {
	switch {
	case f.PayloadExact && !f.uncertain:
		return ""
	case f.PayloadLength >= 0 && len(f.Payload) < f.PayloadLength:
		return "" // cut: the report shows only its start
	case f.PayloadLength < 0:
		return "does not state the length of the payload"
	case f.uncertain:
		return "shows the payload only as wrapped text, where a space may stand for any whitespace character,"
	}
	return ""
}

// The HTML and text renderings name the same kinds differently; their
// readers map them onto the JSON kinds above: "DELAY n sec for TAG t" is
// CT, "DELAY TIMEOUT on TAG t" CTE, "FAIL CONNECTION AFTER" KL, "FAILING
// CONNECTION" KLE, "CLOSE CONNECTION AFTER" TI, "CLOSING CONNECTION" TIE,
// "WIRELOG ENABLED/DISABLED" WLM. Every wire log ends with DROP or DROP_ME
// (the JSON form implies it from droppedByMe; the readers add it).

// Entry is one line of a wire log.
type Entry struct {
	Kind EntryKind
	// Octets is the data of TO/RO entries. Length is the stated length;
	// Exact is true when Octets holds all Length bytes (Autobahn cuts long
	// entries and marks them with " ...").
	Octets []byte
	Length int
	Exact  bool
	// Rebuilt is true when a cut entry's Octets were recovered from
	// elsewhere in the report: the handshake from httpRequest or
	// httpResponse, frame octets from their TX FRAME (or RX FRAME) entry.
	// Exact is then true as well. Length is -1 when the report does not
	// state it (the HTML and text forms never do).
	Rebuilt bool
	// Sync is Autobahn's sync flag of TO and TF entries: the octets went out
	// in a write of their own, to be flushed before what follows.
	Sync bool
	// Frame is the decoded view of TF/RF entries.
	Frame *Frame
	// Seconds is the delay of CT, KL and TI entries; Mark names the step
	// of CT/CTE entries ("" when the report says None).
	Seconds float64
	Mark    string
	// Enabled is the state WLM switched wire logging to.
	Enabled bool
}

// Frame is the decoded view of a TF or RF entry.
type Frame struct {
	Opcode int
	Fin    bool
	Rsv    int
	// Mask is the 4-byte masking key, nil for an unmasked frame.
	Mask []byte
	// Payload is the payload; PayloadExact is true when it is whole
	// (PayloadLength bytes). Autobahn renders payloads as text or "0x"-hex
	// and cuts long ones. PayloadLength is -1 when the report does not
	// state it (older HTML and text pages).
	Payload       []byte
	PayloadLength int
	PayloadExact  bool
	// RepeatLength, when not zero, says the payload was Payload repeated
	// to fill RepeatLength bytes (Autobahn's payload_len parameter).
	RepeatLength int
	// ChopSize, when not zero, is the size of the writes the frame's octets
	// were sent in.
	ChopSize int
	Sync     bool
	// Wire is the frame's octets exactly as they went over the wire (header
	// and masked payload), nil unless every one of them is known from the
	// octet entries, exact or rebuilt.
	Wire []byte

	// uncertain is set by the text readers when the rendered payload may
	// differ from the real one (Autobahn's line wrapping turns every
	// whitespace character into a space and drops trailing whitespace).
	uncertain bool
	// cuts are the offsets inside Wire where one octet entry ended and the
	// next began (the frame went out, or came in, in pieces).
	cuts []int
	// at is 1 + the index of the octet entry holding the frame's first
	// octet, 0 when not known.
	at int
}
