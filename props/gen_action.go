package props

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"unicode/utf8"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// ActionKind says what a client does in one Action.
type ActionKind uint8

// What a client can send.
const (
	// SendText sends a whole text message in one frame; the payload may
	// be invalid UTF-8.
	SendText ActionKind = iota + 1
	// SendBinary sends a whole binary message in one frame.
	SendBinary
	// SendFragment sends one frame of a fragmented message: Op is
	// OpText or OpBinary for the first, OpContinuation for the others, and
	// Fin marks the last. Sent out of order it is a protocol error.
	SendFragment
	// SendPing and SendPong send a control frame with Payload.
	SendPing
	SendPong
	// SendClose sends a close frame with Close.
	SendClose
	// SendGarbage sends a frame that breaks a header rule (see Garbage).
	SendGarbage
)

func (k ActionKind) String() string {
	switch k {
	case SendText:
		return "text"
	case SendBinary:
		return "binary"
	case SendFragment:
		return "fragment"
	case SendPing:
		return "ping"
	case SendPong:
		return "pong"
	case SendClose:
		return "close"
	case SendGarbage:
		return "garbage"
	}
	return fmt.Sprintf("ActionKind(%d)", k)
}

// Garbage names a header rule of RFC 6455 section 5 that a frame breaks.
// Each fails the connection with 1002 at the header, whatever the state.
type Garbage uint8

// The broken rules.
const (
	GarbageReservedOpcode    Garbage = iota + 1 // opcode 3-7 or 11-15
	GarbageRsv                                  // an RSV bit without an extension
	GarbageUnmasked                             // a client frame without a mask
	GarbageFragmentedControl                    // a control frame without FIN
	GarbageLongControl                          // a control frame of 126 bytes or more
	GarbageNonMinimalLength                     // a length in a longer form than it needs
	GarbageLengthMSB                            // a 64-bit length with its top bit set
)

// GarbageKinds lists every Garbage.
var GarbageKinds = []Garbage{GarbageReservedOpcode, GarbageRsv, GarbageUnmasked, GarbageFragmentedControl, GarbageLongControl, GarbageNonMinimalLength, GarbageLengthMSB}

func (g Garbage) String() string {
	return [...]string{"?", "reserved opcode", "RSV bits", "unmasked", "fragmented control", "control over 125 bytes", "non-minimal length", "length MSB"}[min(int(g), 7)]
}

// Action is one frame a client sends, and how its bytes are cut into reads.
type Action struct {
	Kind    ActionKind
	Op      wire.Opcode  // SendFragment: the frame's opcode; SendGarbage: the opcode used
	Fin     bool         // SendFragment: last fragment
	Rsv     byte         // SendGarbage with GarbageRsv: the bits set
	Payload []byte       // data or control payload
	Close   ClosePayload // SendClose
	Garbage Garbage      // SendGarbage
	Key     [4]byte      // the masking key
	Chop    Chop         // how the frame's bytes are fed
}

// Frame returns the action's frame. Garbage of the two length kinds has no
// Frame (its header cannot be built by AppendHeader); Bytes spells it.
func (a Action) Frame() Frame {
	switch a.Kind {
	case SendText:
		return ClientFrame(wire.OpText, true, a.Payload, a.Key)
	case SendBinary:
		return ClientFrame(wire.OpBinary, true, a.Payload, a.Key)
	case SendFragment:
		return ClientFrame(a.Op, a.Fin, a.Payload, a.Key)
	case SendPing:
		return ClientFrame(wire.OpPing, true, a.Payload, a.Key)
	case SendPong:
		return ClientFrame(wire.OpPong, true, a.Payload, a.Key)
	case SendClose:
		return ClientFrame(wire.OpClose, true, a.Close.Bytes(), a.Key)
	}
	f := ClientFrame(a.Op, true, a.Payload, a.Key)
	switch a.Garbage {
	case GarbageRsv:
		f.Header.Rsv = a.Rsv | 1 // never zero
	case GarbageUnmasked:
		f.Header.Masked, f.Header.Mask = false, [4]byte{}
	case GarbageFragmentedControl:
		f.Header.Fin = false
	case GarbageLongControl:
		if len(f.Payload) < 126 {
			f.Payload = append(append([]byte(nil), f.Payload...), make([]byte, 126-len(f.Payload))...)
		}
	}
	return f
}

// Bytes returns what the client sends.
func (a Action) Bytes() []byte {
	if a.Kind != SendGarbage || (a.Garbage != GarbageNonMinimalLength && a.Garbage != GarbageLengthMSB) {
		return a.Frame().Bytes()
	}
	b := []byte{0x80 | byte(a.Op&0xF), 0x80}
	switch {
	case a.Garbage == GarbageLengthMSB:
		b[1] |= 127
		b = binary.BigEndian.AppendUint64(b, 1<<63|uint64(len(a.Payload)))
		return append(b, a.Key[:]...) // the payload never matters
	case len(a.Payload) < 126:
		b[1] |= 126
		b = binary.BigEndian.AppendUint16(b, uint16(len(a.Payload)))
	default:
		b[1] |= 127
		b = binary.BigEndian.AppendUint64(b, uint64(len(a.Payload)))
	}
	b = append(b, a.Key[:]...)
	start := len(b)
	b = append(b, a.Payload...)
	wire.MaskBytesSlow(a.Key, 0, b[start:])
	return b
}

func (a Action) String() string {
	var s string
	switch a.Kind {
	case SendClose:
		s = a.Close.String()
	case SendGarbage:
		s = fmt.Sprintf("garbage(%v: %v)", a.Garbage, a.Frame())
	case SendFragment:
		s = fmt.Sprintf("fragment(%v)", a.Frame())
	default:
		s = fmt.Sprintf("%v(%s)", a.Kind, showText(a.Payload))
	}
	if len(a.Chop) > 0 {
		s += " chopped " + a.Chop.String()
	}
	return s
}

// ActionFor generates the next thing a client sends to a server in the
// state m, with data payloads of at most maxLen bytes. Most actions are
// what a correct client would do next (continue an open message, ping,
// send a message), some are not (a continuation with no message open, a
// new message inside one, invalid UTF-8 one time in 20, a bad close
// payload, garbage headers). Close frames and garbage are 4% each, so a
// sequence runs about a dozen actions before the connection ends. Text fragments complete a
// character left open by the previous fragment, and often end inside one.
// Each action is fed in the reads of a Chop. An action shrinks by losing
// its chop, then payload bytes, then towards simpler values; it stays
// meaningful in any state, so a sequence of them can shrink freely.
func ActionFor(m Model, maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randAction(p.Rng, m, maxLen), shrinker(actionCands))
	}
}

// Actions generates client streams: sequences of up to size/4+1 actions
// from ActionFor (fed as one stream; their chops are not used), each drawn
// for the state a Model with a limit of 1 MiB reaches after the ones
// before. A sequence shrinks by losing actions, then by shrinking them.
func Actions(maxLen int) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		m := Model{MaxMessage: 1 << 20}
		n := 1 + r.Intn(p.MaxSize/4+1)
		as := make([]Action, 0, n)
		for range n {
			a := randAction(r, m, maxLen)
			a.Chop = nil
			as = append(as, a)
			m, _ = m.Step(a)
		}
		return gopter.NewGenResult(as, shrinker(func(as []Action) cands[[]Action] { return sliceCands(as, actionCands) }))
	}
}

func randAction(r *rand.Rand, m Model, maxLen int) Action {
	a := Action{Key: randKey(r), Chop: randChop(r)}
	w := r.Intn(100)
	switch {
	case m.Open && w < 64:
		a.Kind, a.Op, a.Fin = SendFragment, wire.OpContinuation, r.Intn(3) == 0
		switch {
		case r.Intn(8) == 0:
			// empty fragments are legal anywhere in a message
		case m.Op == wire.OpText:
			a.Payload = randTextFragment(r, m.Pending(), a.Fin, maxLen)
		default:
			a.Payload = randPayload(r, maxLen)
		}
		return a
	case m.Open && w < 80:
		a.Kind = SendPing
	case m.Open && w < 88:
		a.Kind = SendPong
	case m.Open && w < 92:
		a.Kind = SendText // a new message inside one: 1002
	case w < 28:
		a.Kind = SendText
	case w < 46:
		a.Kind = SendBinary
	case w < 68:
		a.Kind, a.Fin = SendFragment, r.Intn(5) == 0
		a.Op = wire.OpText
		if r.Intn(2) == 0 {
			a.Op = wire.OpBinary
		}
		if r.Intn(20) == 0 {
			a.Op = wire.OpContinuation // with no message open: 1002
		}
	case w < 82:
		a.Kind = SendPing
	case w < 92:
		a.Kind = SendPong
	case w < 96:
		a.Kind = SendClose
	default:
		a.Kind = SendGarbage
	}
	switch a.Kind {
	case SendText:
		a.Payload = randTextPayload(r, maxLen)
	case SendBinary:
		a.Payload = randPayload(r, maxLen)
	case SendFragment:
		switch {
		case r.Intn(8) == 0:
		case a.Op == wire.OpText:
			a.Payload = randTextFragment(r, nil, a.Fin, maxLen)
		default:
			a.Payload = randPayload(r, maxLen)
		}
	case SendPing, SendPong:
		a.Payload = randControlPayload(r)
	case SendClose:
		a.Close = randClosePayload(r)
	case SendGarbage:
		a.Garbage = GarbageKinds[r.Intn(len(GarbageKinds))]
		a.Op = definedOpcodes[r.Intn(len(definedOpcodes))]
		a.Payload = randPayload(r, 300)
		switch a.Garbage {
		case GarbageReservedOpcode:
			a.Op = []wire.Opcode{3, 4, 5, 6, 7, 11, 12, 13, 14, 15}[r.Intn(10)]
		case GarbageRsv:
			a.Rsv = byte(1 + r.Intn(7))
		case GarbageFragmentedControl, GarbageLongControl:
			a.Op = []wire.Opcode{wire.OpClose, wire.OpPing, wire.OpPong}[r.Intn(3)]
			if a.Garbage == GarbageFragmentedControl {
				a.Payload = randControlPayload(r)
			}
		}
	}
	return a
}

// randTextPayload is valid text 19 times in 20, otherwise text with a
// defect.
func randTextPayload(r *rand.Rand, maxLen int) []byte {
	if r.Intn(20) == 0 {
		return randInvalid(r, maxLen).Bytes()
	}
	return randValidText(r, randPayloadLen(r, maxLen))
}

// randTextFragment returns the payload of a text fragment after one that
// left pending (the start of a character) open: usually the rest of that
// character, then valid text, then, a third of the time and unless it is
// the final fragment, the start of another character; one time in 20,
// text with a defect.
func randTextFragment(r *rand.Rand, pending []byte, fin bool, maxLen int) []byte {
	if r.Intn(20) == 0 {
		return randInvalid(r, maxLen).Bytes()
	}
	var b []byte
	if len(pending) > 0 && r.Intn(10) != 0 {
		b = completeChar(r, pending)
	}
	b = append(b, randValidText(r, randPayloadLen(r, maxLen))...)
	if !fin && r.Intn(3) == 0 {
		enc := utf8.AppendRune(nil, randMultiByteRune(r))
		b = append(b, enc[:1+r.Intn(len(enc)-1)]...)
	}
	return b
}

// completeChar returns continuation bytes that make pending, the start of
// a character, a whole valid character.
func completeChar(r *rand.Rand, pending []byte) []byte {
	need := seqLen(pending[0]) - len(pending)
	if need <= 0 {
		return nil
	}
	for range 256 {
		rest := make([]byte, need)
		for i := range rest {
			rest[i] = byte(0x80 + r.Intn(0x40))
		}
		if utf8.Valid(append(append([]byte(nil), pending...), rest...)) {
			return rest
		}
	}
	return nil
}

func actionCands(a Action) cands[Action] {
	with := func(f func(*Action)) Action { x := a; f(&x); return x }
	payload := func(p []byte) Action { return with(func(x *Action) { x.Payload = p }) }
	var simple []Action
	if a.Kind == SendText && ReferenceFirstInvalid(a.Payload) < 0 {
		simple = append(simple, with(func(x *Action) { x.Kind = SendBinary }))
	}
	if a.Kind == SendFragment && a.Op == wire.OpText && ReferenceFirstInvalid(a.Payload) < 0 {
		simple = append(simple, with(func(x *Action) { x.Op = wire.OpBinary }))
	}
	if a.Kind == SendPong {
		simple = append(simple, with(func(x *Action) { x.Kind = SendPing }))
	}
	return concat(
		mapc(chopCands(a.Chop), func(c Chop) Action { return with(func(x *Action) { x.Chop = c }) }),
		mapc(bytesCands(a.Payload), payload),
		mapc(closePayloadCands(a.Close), func(c ClosePayload) Action { return with(func(x *Action) { x.Close = c }) }),
		list(simple...),
		mapc(keyCands(a.Key), func(k [4]byte) Action { return with(func(x *Action) { x.Key = k }) }),
	)
}
