package replay

import "github.com/wsfuzz/wsfuzz/corpus"

// wireLog records what a session sends, receives and arms, in the entries
// of an Autobahn report's wire log (corpus.Entry), so that a run can be
// written as a report that corpus.Parse reads back and Compile replays.
// Unlike Autobahn, it never cuts data: every entry holds all its octets.
//
// A case may switch the logging of data off for its bulk (the self-judging
// cases send megabytes, as Autobahn's createWirelog does); the switch is
// logged as a WLM entry, and timers are logged whatever the switch says,
// as Autobahn logs them.
type wireLog struct {
	enabled bool // Options.WireLog: the run keeps a wire log at all
	paused  bool // the case switched the logging of data off
	entries []corpus.Entry

	// Counts by size of every write and read, and by opcode of every
	// frame, logged or not (Autobahn's octet and frame statistics).
	stats Stats
}

// Stats counts a run's traffic the way an Autobahn report does: the
// octet counts map the size of each write (Tx) or read (Rx) to how many
// there were, the frame counts map an opcode to the number of frames.
type Stats struct {
	TxOctets, RxOctets map[int]int
	TxFrames, RxFrames map[int]int
}

func newWireLog(enabled bool) wireLog {
	return wireLog{enabled: enabled, stats: Stats{
		TxOctets: map[int]int{}, RxOctets: map[int]int{},
		TxFrames: map[int]int{}, RxFrames: map[int]int{},
	}}
}

func (l *wireLog) logsData() bool { return l.enabled && !l.paused }

// octets logs one write (TO) or read (RO).
func (l *wireLog) octets(kind corpus.EntryKind, p []byte, sync bool) {
	if kind == corpus.TxOctets {
		l.stats.TxOctets[len(p)]++
	} else {
		l.stats.RxOctets[len(p)]++
	}
	if !l.logsData() {
		return
	}
	l.entries = append(l.entries, corpus.Entry{Kind: kind, Octets: append([]byte(nil), p...), Length: len(p), Exact: true, Sync: sync && kind == corpus.TxOctets})
}

// frame logs a frame sent (TF) or received (RF). f is not kept: the entry
// holds a copy.
func (l *wireLog) frame(kind corpus.EntryKind, f *corpus.Frame) {
	if kind == corpus.TxFrame {
		l.stats.TxFrames[f.Opcode]++
	} else {
		l.stats.RxFrames[f.Opcode]++
	}
	if !l.logsData() {
		return
	}
	c := *f
	c.Payload = append([]byte(nil), f.Payload...)
	c.PayloadLength = len(c.Payload)
	c.PayloadExact = true
	l.entries = append(l.entries, corpus.Entry{Kind: kind, Frame: &c, Sync: c.Sync && kind == corpus.TxFrame})
}

// timer logs a timer armed or fired (CT, CTE, KL, KLE, TI, TIE).
func (l *wireLog) timer(kind corpus.EntryKind, seconds float64, mark string) {
	if !l.enabled {
		return
	}
	l.entries = append(l.entries, corpus.Entry{Kind: kind, Seconds: seconds, Mark: mark})
}

// pause switches the logging of data off (pause true) or on again, and
// logs the switch.
func (l *wireLog) pause(pause bool) {
	if !l.enabled || l.paused == pause {
		return
	}
	l.paused = pause
	l.entries = append(l.entries, corpus.Entry{Kind: corpus.Logging, Enabled: !pause})
}
