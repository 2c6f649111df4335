package corpus

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The fuzz targets a case can seed, with their arguments:
//
//	FuzzSession(stream []byte, chops []byte, extensions string)
//	FuzzFrame(data []byte)
//	FuzzUTF8(data []byte, splits []byte)
//	FuzzClose(payload []byte)
//	FuzzHandshake(request []byte)
//	FuzzInflate(compressed []byte)
//
// chops and splits are piece sizes as unsigned varints
// (encoding/binary.AppendUvarint); whatever follows the listed pieces is
// one last piece, so the last size is left out.
const (
	TargetSession   = "FuzzSession"
	TargetFrame     = "FuzzFrame"
	TargetUTF8      = "FuzzUTF8"
	TargetClose     = "FuzzClose"
	TargetHandshake = "FuzzHandshake"
	TargetInflate   = "FuzzInflate"
)

// Targets lists the fuzz targets Seeds writes for, in the order it
// produces seeds.
var Targets = []string{TargetSession, TargetFrame, TargetUTF8, TargetClose, TargetHandshake, TargetInflate}

// Seed is one corpus entry: the arguments of one call of a fuzz target.
type Seed struct {
	Target string
	Args   []any  // []byte or string, in the target's argument order
	From   string // where in the case it comes from, for people
}

// SeedOptions tunes Seeds.
type SeedOptions struct {
	// MaxBytes bounds the size of one seed's arguments together; larger
	// inputs are left out, except a session, which is cut after the last
	// whole write that fits. 0 means DefaultMaxBytes.
	MaxBytes int
}

// DefaultMaxBytes is the default SeedOptions.MaxBytes: large enough for
// every frame of Autobahn's protocol cases up to 64 KiB payloads, small
// enough to keep the committed corpus reviewable.
const DefaultMaxBytes = 64 << 10

// Seeds derives the corpus entries of one case, and says in notes what it
// left out and why. Only what the report has whole goes into a seed: exact
// or rebuilt octets, frames whose every octet is known (Frame.Wire).
//
//   - FuzzSession: the client's stream after the opening handshake (the TX
//     octets when Autobahn was the client, the RX octets when it was the
//     server), chopped as it went over the wire, with the extensions the
//     client offered. When an entry is cut or wire logging was off, the
//     stream stops before it: a prefix of a client's stream is a client's
//     stream.
//   - FuzzFrame: every frame Autobahn sent, exactly as on the wire.
//   - FuzzUTF8: every text message Autobahn sent without compression,
//     fragments joined, split where it arrived in pieces (fragments, and
//     writes inside a fragment); a message Autobahn never finished counts
//     with what it sent.
//   - FuzzClose: the payload of every close frame Autobahn sent.
//   - FuzzHandshake: the client's opening request.
//   - FuzzInflate: every compressed (RSV1) message Autobahn sent, payload
//     unmasked and joined, without the 00 00 ff ff tail.
func Seeds(c *Case, opt SeedOptions) (seeds []Seed, notes []string) {
	max := opt.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	seen := map[string]bool{}
	add := func(s Seed) {
		size := 0
		for _, a := range s.Args {
			switch v := a.(type) {
			case []byte:
				size += len(v)
			case string:
				size += len(v)
			}
		}
		if size > max {
			notes = append(notes, fmt.Sprintf("%s (%s): %d bytes, over the %d-byte limit", s.Target, s.From, size, max))
			return
		}
		key := s.Target + "\x00" + fmt.Sprintf("%q", s.Args)
		if seen[key] {
			return
		}
		seen[key] = true
		seeds = append(seeds, s)
	}

	if s, note := sessionSeed(c, max); note != "" {
		notes = append(notes, note)
		if s != nil {
			add(*s)
		}
	} else if s != nil {
		add(*s)
	}

	var msg *message
	emit := func() {
		if msg == nil {
			return
		}
		switch {
		case !msg.whole && msg.rsv&4 != 0:
			notes = append(notes, fmt.Sprintf("FuzzInflate: the compressed message at entry %d is not known whole", msg.entry))
		case !msg.whole && msg.opcode == 1:
			notes = append(notes, fmt.Sprintf("FuzzUTF8: the text message at entry %d is not known whole", msg.entry))
		case !msg.whole:
		case msg.rsv&4 != 0:
			p := bytes.TrimSuffix(msg.payload, []byte{0, 0, 0xff, 0xff})
			add(Seed{Target: TargetInflate, Args: []any{p}, From: fmt.Sprintf("compressed message at entry %d", msg.entry)})
		case msg.opcode == 1:
			add(Seed{Target: TargetUTF8, Args: []any{msg.payload, varints(msg.pieces)}, From: fmt.Sprintf("text message at entry %d", msg.entry)})
		}
		msg = nil
	}
	for i := range c.Wire {
		e := &c.Wire[i]
		if e.Kind != TxFrame {
			continue
		}
		f := e.Frame
		if f.Wire != nil {
			add(Seed{Target: TargetFrame, Args: []any{f.Wire}, From: fmt.Sprintf("frame at entry %d", i)})
		}
		payload, pieces, ok := framePayload(f)
		switch {
		case f.Opcode == 8:
			if ok {
				add(Seed{Target: TargetClose, Args: []any{payload}, From: fmt.Sprintf("close frame at entry %d", i)})
			}
		case f.Opcode >= 8:
		case f.Opcode == 1 || f.Opcode == 2:
			emit()
			msg = &message{entry: i, opcode: f.Opcode, rsv: f.Rsv, whole: true}
			fallthrough
		case f.Opcode == 0 && msg != nil:
			msg.whole = msg.whole && ok
			msg.payload = append(msg.payload, payload...)
			msg.pieces = append(msg.pieces, pieces...)
			if f.Fin {
				emit()
			}
		}
	}
	emit()

	if req := c.HTTPRequest; req != "" && req != "?" {
		add(Seed{Target: TargetHandshake, Args: []any{[]byte(req)}, From: "opening handshake"})
	} else {
		notes = append(notes, "FuzzHandshake: the report has no opening request")
	}
	return seeds, notes
}

// message collects the fragments of one message.
type message struct {
	entry   int
	opcode  int
	rsv     int
	payload []byte
	pieces  []int
	whole   bool
}

// framePayload returns a frame's unmasked payload from its wire octets and
// the sizes of the pieces the payload went out in.
func framePayload(f *Frame) (payload []byte, pieces []int, ok bool) {
	if f.Wire == nil {
		return nil, nil, false
	}
	hl := headerLen(f.Wire)
	if hl < 0 {
		return nil, nil, false
	}
	plen := len(f.Wire) - hl
	payload = append([]byte(nil), f.Wire[hl:]...)
	if len(f.Mask) == 4 {
		for i := range payload {
			payload[i] ^= f.Mask[i&3]
		}
	}
	last := 0
	for _, c := range f.cuts {
		if c > hl && c-hl > last && c-hl < plen {
			pieces = append(pieces, c-hl-last)
			last = c - hl
		}
	}
	pieces = append(pieces, plen-last)
	return payload, pieces, true
}

// headerLen returns the length of the frame header at the start of b, -1
// when b is shorter than its header.
func headerLen(b []byte) int {
	if len(b) < 2 {
		return -1
	}
	n := 2
	switch b[1] & 0x7f {
	case 126:
		n = 4
	case 127:
		n = 10
	}
	if b[1]&0x80 != 0 {
		n += 4
	}
	if n > len(b) {
		return -1
	}
	return n
}

// varints encodes piece sizes as unsigned varints, leaving out the last.
func varints(pieces []int) []byte {
	out := []byte{}
	for i, p := range pieces {
		if i == len(pieces)-1 {
			break
		}
		out = binary.AppendUvarint(out, uint64(p))
	}
	return out
}

// sessionSeed builds the FuzzSession seed of a case. note, when set, says
// what was left out.
func sessionSeed(c *Case, max int) (*Seed, string) {
	kind, unlogged := TxOctets, c.unloggedTx
	if c.FuzzerIsServer {
		kind, unlogged = RxOctets, c.unloggedRx
	}
	if unlogged != "" {
		return nil, "FuzzSession: nothing to write, the wire log leaves out " + unlogged + " somewhere"
	}
	hs := firstOf(c.Wire, kind)
	if hs < 0 {
		return nil, "FuzzSession: no octets from the client"
	}
	var stream []byte
	var pieces []int
	first, last := -1, -1
	stop := ""
	if h := c.Wire[hs]; h.Exact {
		skip := len(c.HTTPRequest)
		if !bytes.HasPrefix(h.Octets, []byte(c.HTTPRequest)) || skip == 0 {
			if i := bytes.Index(h.Octets, []byte("\r\n\r\n")); i >= 0 {
				skip = i + 4
			} else {
				skip = len(h.Octets)
			}
		}
		if rest := h.Octets[skip:]; len(rest) > 0 {
			stream = append(stream, rest...)
			pieces = append(pieces, len(rest))
			first, last = hs, hs
		}
	}
	for i := hs + 1; i < len(c.Wire) && stop == ""; i++ {
		e := &c.Wire[i]
		switch {
		case e.Kind == Logging && !e.Enabled:
			stop = fmt.Sprintf("wire logging goes off at entry %d", i)
		case e.Kind != kind:
		case !e.Exact:
			stop = fmt.Sprintf("entry %d is cut", i)
		default:
			if len(stream)+len(e.Octets) > max {
				stop = fmt.Sprintf("entry %d would pass the %d-byte limit", i, max)
				break
			}
			stream = append(stream, e.Octets...)
			pieces = append(pieces, len(e.Octets))
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if len(stream) == 0 {
		if stop != "" {
			return nil, "FuzzSession: nothing to write, " + stop
		}
		return nil, "FuzzSession: no octets after the opening handshake"
	}
	ext := handshakeHeader(c.HTTPRequest, "Sec-WebSocket-Extensions")
	from := fmt.Sprintf("entries %d-%d", first, last)
	s := &Seed{Target: TargetSession, Args: []any{stream, varints(pieces), ext}, From: from}
	if stop != "" {
		return s, fmt.Sprintf("FuzzSession: the stream up to entry %d only (%d writes): %s", last, len(pieces), stop)
	}
	return s, ""
}
