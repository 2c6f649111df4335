package replay

import (
	"bytes"
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// A report only shows the steps of a case that ran. Cases 6.4.1-6.4.4 send
// an invalid UTF-8 text message in three parts, one second apart, and
// expect the server to fail the connection after the second part; against
// a server that does, the report never shows the third part. Replayed
// against a server that does not fail fast, the third part must still go
// out, so these four continuations are known here from the suite's
// definition of the cases: the rest of the message, then "fail the
// connection after 1 s".

// fragmentedInvalid is the message of 6.4.*: valid UTF-8, then a code
// point beyond U+10FFFF (f4 90 80 80), then "edited".
var fragmentedInvalid = []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited")

// continuationMask masks the frames of known continuations; any key will
// do, a report's own keys are random too.
var continuationMask = []byte{0x5a, 0x1c, 0xe3, 0x07}

// addKnownContinuations adds the third step of 6.4.1-6.4.4 when the report
// does not show it.
func addKnownContinuations(p *Plan, raw *rawStream) error {
	id := p.Case.ID
	if id != "6.4.1" && id != "6.4.2" && id != "6.4.3" && id != "6.4.4" {
		return nil
	}
	var pending *Action
	for s := range p.Steps {
		for i := range p.Steps[s] {
			if a := &p.Steps[s][i]; a.Kind == ContinueLater && a.Next < 0 && a.Tag == "B" {
				pending = a
			}
		}
	}
	if pending == nil {
		return nil
	}
	var step []Action
	switch id {
	case "6.4.1", "6.4.2":
		sent := sentText(p.Case.Wire)
		if !bytes.HasPrefix(fragmentedInvalid, sent) || len(sent) == len(fragmentedInvalid) {
			return fmt.Errorf("case %s sent %x, not the start of the suite's message", id, sent)
		}
		rest := fragmentedInvalid[len(sent):]
		step = append(step, continuation(rest))
	case "6.4.3", "6.4.4":
		key, sent, left, ok := raw.open()
		if !ok || sent+left != len(fragmentedInvalid) {
			return fmt.Errorf("case %s left no frame of the suite's message open", id)
		}
		rest := append([]byte(nil), fragmentedInvalid[sent:]...)
		maskAt(rest, key, sent)
		step = append(step,
			Action{Kind: Send, What: fmt.Sprintf("%d raw octets (the rest of the frame)", len(rest)), Chunks: []Chunk{{Data: rest}}},
			continuation(nil))
	}
	step = append(step, Action{Kind: KillAfter, Seconds: 1})
	p.Steps = append(p.Steps, step)
	pending.Next = len(p.Steps) - 1
	return nil
}

// continuation is the Send of a final continuation frame with payload.
func continuation(payload []byte) Action {
	return SendFrame(&corpus.Frame{Opcode: 0, Fin: true, Mask: continuationMask, Payload: payload, PayloadLength: len(payload), PayloadExact: true})
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
