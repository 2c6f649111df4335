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
	for _, f := range sentFrames(c) {
		if f.wire != nil {
			add(Seed{Target: TargetFrame, Args: []any{f.wire}, From: fmt.Sprintf("frame at entry %d", f.entry)})
		}
		payload, pieces, ok := f.payload()
		switch {
		case f.opcode == 8:
			if ok {
				add(Seed{Target: TargetClose, Args: []any{payload}, From: fmt.Sprintf("close frame at entry %d", f.entry)})
			}
		case f.opcode >= 8:
		case f.opcode == 1 || f.opcode == 2:
			emit()
			msg = &message{entry: f.entry, opcode: f.opcode, rsv: f.rsv, whole: true}
			fallthrough
		case f.opcode == 0 && msg != nil:
			msg.whole = msg.whole && ok
			msg.payload = append(msg.payload, payload...)
			msg.pieces = append(msg.pieces, pieces...)
			if f.fin {
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

// sentFrame is one frame Autobahn sent. wire is nil when its octets are
// not all known; then the header fields come from its frame entry.
type sentFrame struct {
	entry       int // the entry its first octet is in, or its frame entry
	wire        []byte
	cuts        []int // where octet entries ended inside wire
	opcode, rsv int
	fin         bool
}

// sentFrames returns the frames Autobahn sent, in order: first those read
// from the longest whole stretch of its octets after the handshake (this
// finds frames Autobahn wrote without logging a frame entry, as its
// streaming API does), then those of its frame entries whose octets lie
// beyond that stretch.
func sentFrames(c *Case) []sentFrame {
	p := streamPrefix(c, TxOctets, 0)
	var out []sentFrame
	ends := make([]int, len(p.pieces)) // end offset of each piece
	off := 0
	for i, n := range p.pieces {
		off += n
		ends[i] = off
	}
	for pos, k := 0, 0; pos < len(p.stream); {
		b := p.stream[pos:]
		hl := headerLen(b)
		if hl < 0 {
			break
		}
		plen, ok := frameLen(b)
		if !ok || plen > uint64(len(b)-hl) {
			break
		}
		end := pos + hl + int(plen)
		for k < len(ends) && ends[k] <= pos {
			k++
		}
		f := sentFrame{entry: p.entries[k], wire: p.stream[pos:end],
			fin: b[0]&0x80 != 0, rsv: int(b[0] >> 4 & 7), opcode: int(b[0] & 0x0f)}
		for j := k; j < len(ends) && ends[j] < end; j++ {
			f.cuts = append(f.cuts, ends[j]-pos)
		}
		out = append(out, f)
		pos = end
	}
	for i := range c.Wire {
		e := &c.Wire[i]
		if e.Kind != TxFrame {
			continue
		}
		fr := e.Frame
		inStretch := (fr.at > 0 && fr.at-1 <= p.last) || (fr.at == 0 && i <= p.last)
		if inStretch {
			continue
		}
		f := sentFrame{entry: i, wire: fr.Wire, cuts: fr.cuts, opcode: fr.Opcode, rsv: fr.Rsv, fin: fr.Fin}
		if fr.at > 0 {
			f.entry = fr.at - 1
		}
		out = append(out, f)
	}
	return out
}

// payload returns the frame's unmasked payload and the sizes of the pieces
// it went out in.
func (f *sentFrame) payload() (payload []byte, pieces []int, ok bool) {
	hl := headerLen(f.wire)
	if f.wire == nil || hl < 0 {
		return nil, nil, false
	}
	plen := len(f.wire) - hl
	payload = append([]byte(nil), f.wire[hl:]...)
	if f.wire[1]&0x80 != 0 {
		key := f.wire[hl-4 : hl]
		for i := range payload {
			payload[i] ^= key[i&3]
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

// frameLen returns the payload length a frame header at the start of b
// states; ok is false when b is too short to say.
func frameLen(b []byte) (n uint64, ok bool) {
	if headerLen(b) < 0 {
		return 0, false
	}
	switch n := uint64(b[1] & 0x7f); n {
	case 126:
		return uint64(binary.BigEndian.Uint16(b[2:])), true
	case 127:
		return binary.BigEndian.Uint64(b[2:]), true
	default:
		return n, true
	}
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

// prefix is the longest whole stretch of one side's octets after the
// opening handshake.
type prefix struct {
	stream  []byte
	pieces  []int // the octet entries' sizes
	entries []int // and their indices
	last    int   // the index of the last entry in the stretch, -1 if none
	stop    string
}

// streamPrefix collects the octet entries of a kind after the handshake,
// up to the first one that is cut, the first gap in the wire log, or,
// with max > 0, the first that would pass max octets. The first entry of
// the kind holds the handshake: the request on the client's side, the
// response on the server's.
func streamPrefix(c *Case, kind EntryKind, max int) prefix {
	p := prefix{last: -1}
	hs := firstOf(c.Wire, kind)
	if hs < 0 {
		p.stop = "no octets"
		return p
	}
	text := c.HTTPResponse
	if (kind == TxOctets) != c.FuzzerIsServer {
		text = c.HTTPRequest
	}
	add := func(i int, b []byte) bool {
		if max > 0 && len(p.stream)+len(b) > max {
			p.stop = fmt.Sprintf("entry %d would pass the %d-byte limit", i, max)
			return false
		}
		p.stream = append(p.stream, b...)
		p.pieces = append(p.pieces, len(b))
		p.entries = append(p.entries, i)
		p.last = i
		return true
	}
	if h := c.Wire[hs]; h.Exact {
		skip := len(text)
		if skip == 0 || !bytes.HasPrefix(h.Octets, []byte(text)) {
			if i := bytes.Index(h.Octets, []byte("\r\n\r\n")); i >= 0 {
				skip = i + 4
			} else {
				skip = len(h.Octets)
			}
		}
		if rest := h.Octets[skip:]; len(rest) > 0 && !add(hs, rest) {
			return p
		}
	}
	for i := hs + 1; i < len(c.Wire); i++ {
		e := &c.Wire[i]
		switch {
		case e.Kind == Logging && !e.Enabled:
			p.stop = fmt.Sprintf("wire logging goes off at entry %d", i)
			return p
		case e.Kind != kind:
		case !e.Exact:
			p.stop = fmt.Sprintf("entry %d is cut", i)
			return p
		default:
			if !add(i, e.Octets) {
				return p
			}
		}
	}
	return p
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
	if firstOf(c.Wire, kind) < 0 {
		return nil, "FuzzSession: no octets from the client"
	}
	p := streamPrefix(c, kind, max)
	if len(p.stream) == 0 {
		if p.stop != "" {
			return nil, "FuzzSession: nothing to write, " + p.stop
		}
		return nil, "FuzzSession: no octets after the opening handshake"
	}
	ext := handshakeHeader(c.HTTPRequest, "Sec-WebSocket-Extensions")
	from := fmt.Sprintf("entries %d-%d", p.entries[0], p.last)
	s := &Seed{Target: TargetSession, Args: []any{p.stream, varints(p.pieces), ext}, From: from}
	if p.stop != "" {
		return s, fmt.Sprintf("FuzzSession: the stream up to entry %d only (%d writes): %s", p.last, len(p.pieces), p.stop)
	}
	return s, ""
}
