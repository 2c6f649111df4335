package replay

import (
	"bytes"
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// A report only shows the steps of a case that ran. Cases 6.4.1-6.4.4 send
// an invalid UTF-8 text message in three parts, one second apart (tags A
// and B), and expect the server to fail the connection after the second
// part; against a server that does, the report never shows the third
// part, and against one that failed even sooner, not the second either.
// Replayed against a server that does not fail as soon, the case must go
// on as the suite defines it, so these continuations are known here from
// the suite's definition of the cases: the next parts of the message, the
// wait before the last, then "fail the connection after 1 s".

// fragmentedInvalid is the message of 6.4.*: valid UTF-8, then a code
// point beyond U+10FFFF (f4 90 80 80), then "edited".
var fragmentedInvalid = []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited")

// fragmentedSplits are where 6.4.* cut fragmentedInvalid into its three
// parts: 6.4.1 and 6.4.3 around the whole bad code point, 6.4.2 and 6.4.4
// right after the byte that makes it invalid. 6.4.1 and 6.4.2 send each
// part as a frame; 6.4.3 and 6.4.4 as a piece of one frame's payload.
var fragmentedSplits = map[string][2]int{"6.4.1": {11, 15}, "6.4.2": {12, 13}, "6.4.3": {11, 15}, "6.4.4": {12, 13}}

// continuationMask masks the frames of known continuations; any key will
// do, a report's own keys are random too.
var continuationMask = []byte{0x5a, 0x1c, 0xe3, 0x07}

// addKnownContinuations adds the steps of 6.4.1-6.4.4 the report does not
// show: after tag A, the second part and the wait for tag B; after tag B,
// the third part and the kill timer.
func addKnownContinuations(p *Plan, raw *rawStream) error {
	id := p.Case.ID
	splits, ok := fragmentedSplits[id]
	if !ok {
		return nil
	}
	var pending *Action
	for s := range p.Steps {
		for i := range p.Steps[s] {
			if a := &p.Steps[s][i]; a.Kind == ContinueLater && a.Next < 0 && (a.Tag == "A" || a.Tag == "B") {
				pending = a
			}
		}
	}
	if pending == nil {
		return nil
	}
	from := splits[0]
	if pending.Tag == "B" {
		from = splits[1]
	}
	inFrames := id == "6.4.1" || id == "6.4.2"
	var key []byte
	if inFrames {
		sent := sentText(p.Case.Wire)
		if !bytes.Equal(sent, fragmentedInvalid[:from]) {
			return fmt.Errorf("case %s sent %x before tag %s, not the suite's %x", id, sent, pending.Tag, fragmentedInvalid[:from])
		}
	} else {
		k, sent, left, ok := raw.open()
		if !ok || sent != from || sent+left != len(fragmentedInvalid) {
			return fmt.Errorf("case %s left no frame of the suite's message open at octet %d", id, from)
		}
		key = k
	}
	// part sends fragmentedInvalid[lo:hi], the last part when final.
	part := func(lo, hi int, final bool) []Action {
		if inFrames {
			data := fragmentedInvalid[lo:hi]
			return []Action{continuation(data, final)}
		}
		data := append([]byte(nil), fragmentedInvalid[lo:hi]...)
		maskAt(data, key, lo)
		out := []Action{{Kind: Send, What: fmt.Sprintf("%d raw octets (the suite's next part of the frame)", len(data)), Chunks: []Chunk{{Data: data}}}}
		if final {
			out = append(out, continuation(nil, true))
		}
		return out
	}
	last := append(part(splits[1], len(fragmentedInvalid), true), Action{Kind: KillAfter, Seconds: 1})
	if pending.Tag == "B" {
		p.Steps = append(p.Steps, last)
		pending.Next = len(p.Steps) - 1
		return nil
	}
	p.Steps = append(p.Steps, last)
	lastStep := len(p.Steps) - 1
	second := append(part(splits[0], splits[1], false), Action{Kind: ContinueLater, Seconds: 1, Tag: "B", Next: lastStep})
	p.Steps = append(p.Steps, second)
	pending.Next = len(p.Steps) - 1
	return nil
}

// continuation is the Send of a continuation frame of the suite's message.
func continuation(payload []byte, final bool) Action {
	return SendFrame(&corpus.Frame{Opcode: 0, Fin: final, Mask: continuationMask, Payload: payload, PayloadLength: len(payload), PayloadExact: true})
}

// sentText returns the payloads of the text and continuation frames a
// report shows sent, in order.
func sentText(w []corpus.Entry) []byte {
	var out []byte
	for _, e := range w {
		if e.Kind == corpus.TxFrame && e.Frame != nil && (e.Frame.Opcode == 0 || e.Frame.Opcode == 1) {
			out = append(out, e.Frame.Payload...)
		}
	}
	return out
}
