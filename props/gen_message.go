package props

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// Control is a control frame a client sends in the middle of a message.
type Control struct {
	Op      wire.Opcode // OpPing or OpPong
	Payload []byte      // 0..125 bytes
	Before  int         // the fragment it precedes; NumFragments() means after the last
}

// Message is a text or binary message as a client sends it: cut into
// fragments, with control frames before, between and after them.
type Message struct {
	Op       wire.Opcode // OpText or OpBinary
	Payload  []byte      // the whole message; valid UTF-8 for text
	Cuts     []int       // ascending offsets into Payload where a fragment ends; equal cuts make empty fragments
	Controls []Control   // in the order they are sent, by ascending Before
	Key      [4]byte     // the masking key of every frame
}

// NumFragments returns the number of data frames: one more than the cuts.
func (m Message) NumFragments() int { return len(m.Cuts) + 1 }

// Fragments returns the payloads of the data frames, in order.
func (m Message) Fragments() [][]byte {
	var out [][]byte
	start := 0
	for _, c := range m.Cuts {
		out = append(out, m.Payload[start:c])
		start = c
	}
	return append(out, m.Payload[start:])
}

// Frames returns the client's frames in the order they are sent: the first
// fragment has the message's opcode and the others are continuations, only
// the last has FIN set, and each control frame goes before the fragment it
// names.
func (m Message) Frames() []Frame {
	frags := m.Fragments()
	var out []Frame
	ci := 0
	for i := 0; i <= len(frags); i++ {
		for ; ci < len(m.Controls) && m.Controls[ci].Before <= i; ci++ {
			c := m.Controls[ci]
			out = append(out, ClientFrame(c.Op, true, c.Payload, m.Key))
		}
		if i == len(frags) {
			break
		}
		op := wire.OpContinuation
		if i == 0 {
			op = m.Op
		}
		out = append(out, ClientFrame(op, i == len(frags)-1, frags[i], m.Key))
	}
	return out
}

// Bytes returns the client's byte stream for the message.
func (m Message) Bytes() []byte {
	var b []byte
	for _, f := range m.Frames() {
		b = f.AppendTo(b)
	}
	return b
}

func (m Message) String() string {
	var parts []string
	for _, f := range m.Frames() {
		parts = append(parts, f.String())
	}
	return fmt.Sprintf("%v message of %d bytes in %d fragments: [%s]", m.Op, len(m.Payload), m.NumFragments(), strings.Join(parts, " | "))
}

// fragmentCounts favours one and two fragments, then a few, then many.
func randFragments(r *rand.Rand) int {
	switch x := r.Intn(10); {
	case x < 2:
		return 1
	case x < 5:
		return 2
	case x < 9:
		return 3 + r.Intn(6)
	default:
		return 9 + r.Intn(24)
	}
}

// controlLengths are the control payload lengths to favour.
var controlLengths = []int{0, 1, 2, 124, 125}

func randControlPayload(r *rand.Rand) []byte {
	n := controlLengths[r.Intn(len(controlLengths))]
	if r.Intn(2) == 0 {
		n = r.Intn(126)
	}
	b := make([]byte, n)
	r.Read(b)
	return b
}

// Messages generates fragmented messages of at most maxLen bytes: text
// (valid UTF-8 from ValidUTF8, cut at any byte, so characters are split
// across fragments) or binary; one fragment 20% of the time, two 30%, up
// to 32; empty fragments where cuts coincide; and up to ten pings (70%) and
// pongs (30%) of 0..125 bytes placed before, between and after the
// fragments, mostly between. A message shrinks by losing control frames,
// then fragments, then payload, then by becoming binary and unmasked by a
// zero key.
func Messages(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randMessage(p.Rng, maxLen), shrinker(messageCands))
	}
}

func randMessage(r *rand.Rand, maxLen int) Message {
	m := Message{Op: wire.OpBinary, Key: randKey(r)}
	n := randPayloadLen(r, maxLen)
	if r.Intn(2) == 0 {
		m.Op = wire.OpText
		m.Payload = randValidText(r, n)
	} else {
		m.Payload = make([]byte, n)
		r.Read(m.Payload)
	}
	for range randFragments(r) - 1 {
		m.Cuts = append(m.Cuts, r.Intn(n+1))
	}
	slices.Sort(m.Cuts)
	k := 0
	switch x := r.Intn(10); {
	case x < 2:
	case x < 8:
		k = 1 + r.Intn(4)
	default:
		k = 5 + r.Intn(6)
	}
	nf := m.NumFragments()
	for range k {
		c := Control{Op: wire.OpPing, Payload: randControlPayload(r)}
		if r.Intn(10) < 3 {
			c.Op = wire.OpPong
		}
		if nf > 1 && r.Intn(4) != 0 {
			c.Before = 1 + r.Intn(nf-1)
		} else {
			c.Before = r.Intn(nf + 1)
		}
		m.Controls = append(m.Controls, c)
	}
	slices.SortStableFunc(m.Controls, func(a, b Control) int { return a.Before - b.Before })
	return m
}

// normalized clamps cuts to the payload and control positions to the
// fragments, and restores their order, after a shrink changed one part.
func (m Message) normalized() Message {
	m.Cuts = slices.Clone(m.Cuts)
	for i := range m.Cuts {
		m.Cuts[i] = min(m.Cuts[i], len(m.Payload))
	}
	slices.Sort(m.Cuts)
	m.Controls = slices.Clone(m.Controls)
	for i := range m.Controls {
		m.Controls[i].Before = min(m.Controls[i].Before, m.NumFragments())
	}
	slices.SortStableFunc(m.Controls, func(a, b Control) int { return a.Before - b.Before })
	return m
}

func controlCands(c Control) cands[Control] {
	return concat(
		mapc(bytesCands(c.Payload), func(p []byte) Control { x := c; x.Payload = p; return x }),
		mapc(intCands(c.Before), func(b int) Control { x := c; x.Before = b; return x }),
	)
}

func messageCands(m Message) cands[Message] {
	payload := bytesCands
	if m.Op == wire.OpText {
		payload = textCands
	}
	var simple []Message
	if m.Op == wire.OpText {
		x := m
		x.Op = wire.OpBinary
		simple = append(simple, x)
	}
	return concat(
		mapc(sliceCands(m.Controls, controlCands), func(cs []Control) Message { x := m; x.Controls = cs; return x.normalized() }),
		mapc(sliceCands(m.Cuts, func(c int) cands[int] { return intCands(c) }), func(cs []int) Message { x := m; x.Cuts = cs; return x.normalized() }),
		mapc(payload(m.Payload), func(p []byte) Message { x := m; x.Payload = p; return x.normalized() }),
		list(simple...),
		mapc(keyCands(m.Key), func(k [4]byte) Message { x := m; x.Key = k; return x }),
	)
}
