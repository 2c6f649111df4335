package replay

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// sends returns the Send actions of a step.
func sends(step []Action) []Action {
	var out []Action
	for _, a := range step {
		if a.Kind == Send {
			out = append(out, a)
		}
	}
	return out
}

func concat(chunks []Chunk) []byte {
	var b []byte
	for _, c := range chunks {
		b = append(b, c.Data...)
	}
	return b
}

func compile(t *testing.T, id string) *Plan {
	t.Helper()
	p, err := Compile(readCase(t, id))
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return p
}

// 2.9 sends a pong and a ping and arms close-after; the close frame the
// report shows after the pong arrived is the client's reaction, not part
// of the script.
func TestCompileSeparatesScriptFromReactions(t *testing.T) {
	c := readCase(t, "2.9")
	p := compile(t, "2.9")
	if len(p.Steps) != 1 {
		t.Fatalf("%d steps, want 1", len(p.Steps))
	}
	s := p.Steps[0]
	if len(s) != 3 || s[0].Kind != Send || s[1].Kind != Send || s[2].Kind != CloseAfter || s[2].Seconds != 1 {
		t.Fatalf("step 0 = %+v", s)
	}
	// The octets are the report's, exactly.
	var tos [][]byte
	for _, e := range c.Wire[1:] {
		if e.Kind == corpus.TxOctets {
			tos = append(tos, e.Octets)
		}
	}
	if len(tos) != 3 {
		t.Fatalf("report has %d TO entries after the handshake, want 3", len(tos))
	}
	for i, a := range s[:2] {
		if !bytes.Equal(concat(a.Chunks), tos[i]) || a.Close {
			t.Errorf("send %d = %x close=%v, want %x", i, concat(a.Chunks), a.Close, tos[i])
		}
	}
}

func TestCompileCloses(t *testing.T) {
	for _, tc := range []struct {
		id    string
		close []bool // Close of each Send of step 0
		code  int    // CloseCode of the first closing Send, -1 for none
	}{
		{"7.3.1", []bool{true}, -1},          // sendCloseFrame(): an empty close
		{"7.7.1", []bool{true}, 1000},        // sendCloseFrame(1000)
		{"7.9.1", []bool{true}, 0},           // sendCloseFrame(0): code 0
		{"7.1.2", []bool{true, false}, 1000}, // sendClose, then a raw close frame
		{"3.7", []bool{false}, 0},            // sendFrame(opcode=8, rsv=7): raw
		{"7.1.1", []bool{false}, 0},          // a message; the close is a reaction
	} {
		p := compile(t, tc.id)
		ss := sends(p.Steps[0])
		if len(ss) != len(tc.close) {
			t.Errorf("%s: %d sends, want %d", tc.id, len(ss), len(tc.close))
			continue
		}
		for i, a := range ss {
			if a.Close != tc.close[i] {
				t.Errorf("%s: send %d (%s) Close=%v, want %v", tc.id, i, a.What, a.Close, tc.close[i])
			}
			code := a.CloseCode
			if !a.CloseHasCode {
				code = -1
			}
			if a.Close && code != tc.code {
				t.Errorf("%s: close code %d, want %d", tc.id, code, tc.code)
			}
		}
	}
}

func TestCompileChopsAndSync(t *testing.T) {
	p := compile(t, "3.4") // three frames, each chopped into 1-octet writes
	ss := sends(p.Steps[0])
	if len(ss) != 3 {
		t.Fatalf("%d sends, want 3", len(ss))
	}
	for _, a := range ss {
		for _, c := range a.Chunks {
			if len(c.Data) != 1 || !c.Sync {
				t.Fatalf("%s: chunk %x sync=%v, want 1 octet, sync", a.What, c.Data, c.Sync)
			}
		}
	}
	if n := len(ss[0].Chunks); n != 2+4+13 {
		t.Errorf("first frame in %d writes, want 19", n)
	}
	p = compile(t, "3.3") // sync frames: one write each, flushed alone
	for _, a := range sends(p.Steps[0]) {
		if len(a.Chunks) != 1 || !a.Chunks[0].Sync {
			t.Errorf("%s: %d chunks, sync=%v", a.What, len(a.Chunks), a.Chunks[0].Sync)
		}
	}
}

func TestCompileContinuations(t *testing.T) {
	p := compile(t, "5.19")
	if len(p.Steps) != 2 {
		t.Fatalf("5.19: %d steps, want 2", len(p.Steps))
	}
	var ct *Action
	for i := range p.Steps[0] {
		if p.Steps[0][i].Kind == ContinueLater {
			ct = &p.Steps[0][i]
		}
	}
	if ct == nil || ct.Next != 1 || ct.Tag != "" || ct.Seconds != 1 {
		t.Fatalf("5.19: continue-later %+v", ct)
	}
	if n := len(sends(p.Steps[1])); n != 4 {
		t.Errorf("5.19 step 1 sends %d frames, want 4", n)
	}

	// The reference server fails 6.4.* after the second part, so its
	// report ends before the third; the third is known.
	for _, id := range []string{"6.4.1", "6.4.2", "6.4.3", "6.4.4"} {
		p := compile(t, id)
		if len(p.Steps) != 3 {
			t.Fatalf("%s: %d steps, want 3", id, len(p.Steps))
		}
		var b *Action
		for i := range p.Steps[1] {
			if a := &p.Steps[1][i]; a.Kind == ContinueLater {
				b = a
			}
		}
		if b == nil || b.Tag != "B" || b.Next != 2 {
			t.Fatalf("%s: timer B = %+v", id, b)
		}
		last := p.Steps[2][len(p.Steps[2])-1]
		if last.Kind != KillAfter || last.Seconds != 1 {
			t.Errorf("%s: the known step ends with %+v, want kill after 1 s", id, last)
		}
		// The whole message, unmasked, is the suite's.
		if got := sentMessage(t, p); !bytes.Equal(got, fragmentedInvalid) {
			t.Errorf("%s: message %x, want %x", id, got, fragmentedInvalid)
		}
	}
}

// sentMessage unmasks the payload octets of the data frames a plan sends,
// reading them as one stream of frames.
func sentMessage(t *testing.T, p *Plan) []byte {
	t.Helper()
	var stream []byte
	for _, s := range p.Steps {
		for _, a := range s {
			if a.Kind == Send {
				stream = append(stream, concat(a.Chunks)...)
			}
		}
	}
	var msg []byte
	for len(stream) > 0 {
		if len(stream) < 6 || stream[1]&0x80 == 0 || stream[1]&0x7f > 125 {
			t.Fatalf("unexpected frame %x", stream)
		}
		n := int(stream[1] & 0x7f)
		key := stream[2:6]
		payload := append([]byte(nil), stream[6:6+n]...)
		maskAt(payload, key, 0)
		if op := stream[0] & 0x0f; op <= 2 {
			msg = append(msg, payload...)
		}
		stream = stream[6+n:]
	}
	return msg
}

func TestCompileSkips(t *testing.T) {
	mutate := func(id string, f func(c *corpus.Case)) *corpus.Case {
		c := readCase(t, id)
		f(c)
		return c
	}
	for _, tc := range []struct {
		name string
		c    *corpus.Case
		kind string
	}{
		{"performance case", readCase(t, "9.1.1"), SkipSelfJudged},
		{"compression case", readCase(t, "12.1.1"), SkipCompression},
		{"cut payload", readCase(t, "1.1.6"), SkipCutPayload},
		{"client report", mutate("2.9", func(c *corpus.Case) { c.FuzzerIsServer = true }), SkipClientReport},
		{"no wire log", mutate("2.9", func(c *corpus.Case) { c.Wire = []corpus.Entry{{Kind: corpus.DroppedByPeer}} }), SkipNoWireLog},
		{"compression", mutate("2.9", func(c *corpus.Case) {
			c.HTTPRequest = "GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
		}), SkipCompression},
		{"logging off", mutate("2.9", func(c *corpus.Case) {
			c.Wire = append(c.Wire[:3:3], append([]corpus.Entry{{Kind: corpus.Logging}}, c.Wire[3:]...)...)
		}), SkipLoggingOff},
		{"octets disagree with the frame", mutate("2.9", func(c *corpus.Case) {
			for i := range c.Wire {
				if f := c.Wire[i].Frame; f != nil && c.Wire[i].Kind == corpus.TxFrame && f.Wire != nil {
					f.Wire = append([]byte(nil), f.Wire...)
					f.Wire[len(f.Wire)-1] ^= 1
					return
				}
			}
		}), SkipBadLog},
		{"no handshake response", mutate("2.9", func(c *corpus.Case) {
			var w []corpus.Entry
			for _, e := range c.Wire {
				if e.Kind != corpus.RxOctets && e.Kind != corpus.RxFrame {
					w = append(w, e)
				}
			}
			c.Wire = w
		}), SkipBadLog},
	} {
		_, err := Compile(tc.c)
		var nr *NotReplayableError
		if !errors.As(err, &nr) || !errors.Is(err, ErrNotReplayable) {
			t.Errorf("%s: Compile = %v, want a NotReplayableError", tc.name, err)
			continue
		}
		if nr.Kind != tc.kind {
			t.Errorf("%s: kind %q (%s), want %q", tc.name, nr.Kind, nr.Reason, tc.kind)
		}
	}
}

func TestRawStreamOpenFrame(t *testing.T) {
	key := []byte{9, 8, 7, 6}
	var r rawStream
	r.add(encodeFrame(1, true, 0, key, []byte("done")))
	if _, _, _, ok := r.open(); ok {
		t.Fatal("a whole frame reported open")
	}
	// A header announcing 10 octets, then 3 of them.
	r.add([]byte{0x01, 0x8a})
	r.add(key)
	r.add([]byte{1, 2, 3})
	gotKey, sent, left, ok := r.open()
	if !ok || !bytes.Equal(gotKey, key) || sent != 3 || left != 7 {
		t.Fatalf("open() = %x, %d, %d, %v", gotKey, sent, left, ok)
	}
}

// Compile never panics, whatever the wire log says: entries dropped,
// repeated or moved, frames claiming any length.
func TestCompileSurvivesBrokenLogs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var base []*corpus.Case
	for _, id := range []string{"2.9", "3.4", "5.19", "6.4.3", "7.1.6", "7.9.1"} {
		base = append(base, readCase(t, id))
	}
	for i := range 2000 {
		c := *base[i%len(base)]
		w := append([]corpus.Entry(nil), c.Wire...)
		for range 1 + rng.IntN(4) {
			j := rng.IntN(len(w))
			switch rng.IntN(4) {
			case 0:
				w = append(w[:j:j], w[j+1:]...)
			case 1:
				w = append(w[:j+1:j+1], w[j:]...)
			case 2:
				k := rng.IntN(len(w))
				w[j], w[k] = w[k], w[j]
			case 3:
				if f := w[j].Frame; f != nil {
					g := *f
					g.RepeatLength = []int{0, 1, 126, 65536, 1 << 40}[rng.IntN(5)]
					g.ChopSize = rng.IntN(3)
					w[j].Frame = &g
				}
			}
			if len(w) == 0 {
				break
			}
		}
		c.Wire = w
		p, err := Compile(&c)
		if err == nil && len(p.Steps) == 0 {
			t.Fatalf("Compile gave a plan without steps")
		}
	}
}
