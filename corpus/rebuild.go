package corpus

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// maxRebuild bounds the size of a frame the rebuilder reconstructs in
// memory, and maxRebuildCase all it reconstructs for one case; larger
// frames (a report can claim any length) stay unknown beyond what is shown.
const (
	maxRebuild     = 16 << 20
	maxRebuildCase = 64 << 20
)

// budget is what a case may still allocate for rebuilt octets.
type budget struct{ left int }

// take reserves n bytes, reporting whether they were available.
func (b *budget) take(n int) bool {
	if n > maxRebuild || n > b.left {
		return false
	}
	b.left -= n
	return true
}

// complete finishes a freshly read case: it puts the opening handshake
// from httpRequest/httpResponse into the first octet entry of each
// direction, lines up every octet entry with the frame entries of the same
// direction to rebuild cut octet entries and to give frames their exact
// wire bytes (Frame.Wire), and records in Partial and Skipped what of the
// fuzzing peer's own transmission (the TX entries) is still unknown.
//
// Lining up works because Autobahn writes every frame it sends in one
// write, or in writes of exactly its chop size, in the order it logged the
// frames (its send queue is first in, first out), and because the octets a
// peer receives are the frames it logged, back to back. A frame is rebuilt
// from its frame entry (opcode, fin, rsv, mask, payload or repeated
// payload); the rebuild is used only when it agrees with every octet the
// report shows of that entry (the first 64) and with the stated length.
// Octets the fuzzing peer sent outside any frame entry (raw writes) are
// recognised by not agreeing, and pass through as they are.
func complete(c *Case) {
	if c.SuiteVersion == "" {
		c.SuiteVersion = suiteVersion(c.HTTPRequest, c.HTTPResponse)
	}
	reqKind, respKind := TxOctets, RxOctets
	if c.FuzzerIsServer {
		reqKind, respKind = RxOctets, TxOctets
	}
	heads := map[int][]byte{}
	if i := firstOf(c.Wire, reqKind); i >= 0 {
		heads[i] = fillHandshake(&c.Wire[i], c.HTTPRequest)
		if e := c.Wire[i]; e.Exact && !e.Rebuilt {
			c.HTTPRequest = string(heads[i]) // the wire is the truth
		}
	}
	if i := firstOf(c.Wire, respKind); i >= 0 {
		heads[i] = fillHandshake(&c.Wire[i], c.HTTPResponse)
		if e := c.Wire[i]; e.Exact && !e.Rebuilt {
			c.HTTPResponse = string(heads[i])
		}
	}
	fillClosePayloads(c)
	b := &budget{left: maxRebuildCase}
	lineUp(c, TxOctets, TxFrame, heads, true, b)
	lineUp(c, RxOctets, RxFrame, heads, false, b)

	c.Partial, c.Skipped = false, nil
	c.unloggedTx, c.unloggedRx = "", ""
	off := -1
	var run []int // consecutive cut TX entries with the same reason
	reason := ""
	flush := func() {
		if len(run) > 0 {
			c.skip(describeCuts(c, run, reason))
		}
		run, reason = nil, ""
	}
	for i := range c.Wire {
		e := &c.Wire[i]
		switch {
		case e.Kind == Logging && !e.Enabled && off < 0:
			flush()
			off = i
		case e.Kind == Logging && e.Enabled && off >= 0:
			c.skip(fmt.Sprintf("entries %d-%d: wire logging was off; what was sent meanwhile is not in the report", off, i))
			off = -1
		case e.Kind == TxOctets && !e.Exact:
			r := cutReason(c, i)
			if r != reason {
				flush()
			}
			run, reason = append(run, i), r
		case e.Kind == TxOctets:
			flush()
		}
	}
	flush()
	if off >= 0 {
		c.skip(fmt.Sprintf("entries %d-%d: wire logging was off; what was sent meanwhile is not in the report", off, len(c.Wire)-1))
	}
	checkStats(c)
}

func (c *Case) skip(why string) {
	c.Partial = true
	c.Skipped = append(c.Skipped, why)
}

// cutReason says why a TX octet entry is still cut.
func cutReason(c *Case, i int) string {
	for j := i - 1; j >= 0; j-- {
		if c.Wire[j].Kind == TxFrame {
			if f := c.Wire[j].Frame; !f.PayloadExact || f.uncertain {
				return "cut, and the payload of its frame entry is cut too"
			}
			break
		}
	}
	return "cut, and no frame entry rebuilds it"
}

// describeCuts describes a run of cut TX octet entries in one line.
func describeCuts(c *Case, run []int, reason string) string {
	lo, hi := -1, -1
	shown := 0
	for _, i := range run {
		e := &c.Wire[i]
		if lo < 0 || e.Length < lo {
			lo = e.Length
		}
		hi = max(hi, e.Length)
		shown = max(shown, len(e.Octets))
	}
	size := fmt.Sprintf("%d octets", lo)
	switch {
	case lo < 0:
		size = "length not stated"
	case lo != hi:
		size = fmt.Sprintf("%d-%d octets", lo, hi)
	}
	if len(run) == 1 {
		return fmt.Sprintf("entry %d (TO, %s, %d shown): %s", run[0], size, shown, reason)
	}
	return fmt.Sprintf("entries %d-%d (%d TO entries, %s, %d shown each): %s", run[0], run[len(run)-1], len(run), size, shown, reason)
}

// fillClosePayloads completes cut close-frame payloads from the close code
// and reason the report keeps whole in its closing details: a close
// payload is the code in two bytes, big-endian, then the reason. The
// candidate is used only when it has the stated length and starts with
// the shown part of the payload.
func fillClosePayloads(c *Case) {
	for i := range c.Wire {
		e := &c.Wire[i]
		if e.Frame == nil || e.Frame.Opcode != 8 || (e.Frame.PayloadExact && !e.Frame.uncertain) {
			continue
		}
		code, reason := c.Closing.LocalCloseCode, c.Closing.LocalCloseReason
		if e.Kind == RxFrame {
			code, reason = c.Closing.RemoteCloseCode, c.Closing.RemoteCloseReason
		}
		if code <= 0 || code > 0xffff {
			continue
		}
		p := append([]byte{byte(code >> 8), byte(code)}, reason...)
		f := e.Frame
		if f.PayloadLength != len(p) || f.RepeatLength > 0 {
			continue
		}
		if !f.uncertain && !bytes.HasPrefix(p, f.Payload) {
			continue
		}
		f.Payload, f.PayloadExact, f.uncertain = p, true, false
	}
}

func firstOf(wire []Entry, k EntryKind) int {
	for i := range wire {
		if wire[i].Kind == k {
			return i
		}
	}
	return -1
}

// fillHandshake makes the first octet entry of a direction whole from the
// handshake text the report keeps separately, and returns the handshake's
// octets: the entry may hold more after them (frames that arrived in the
// same read).
func fillHandshake(e *Entry, text string) []byte {
	h := []byte(text)
	if text == "?" { // Autobahn's placeholder for a missing handshake
		h = nil
	}
	if e.Exact {
		if len(h) > 0 && bytes.HasPrefix(e.Octets, h) {
			return e.Octets[:len(h)]
		}
		if i := bytes.Index(e.Octets, []byte("\r\n\r\n")); i >= 0 {
			return e.Octets[:i+4]
		}
		return e.Octets
	}
	if len(h) == 0 {
		return e.Octets // all we know; the entry stays cut
	}
	n := min(len(h), len(e.Octets))
	if !bytes.Equal(h[:n], e.Octets[:n]) || (e.Length >= 0 && e.Length < len(h)) {
		return e.Octets // contradicts the handshake text: leave it cut
	}
	if e.Length < 0 || e.Length == len(h) {
		e.Octets, e.Length, e.Exact, e.Rebuilt = h, len(h), true, true
	}
	return h
}

// segment is one frame entry placed in its direction's frame stream.
type segment struct {
	f     *Frame
	start int    // offset in the frame stream, -1 when not yet known
	size  int    // octets on the wire, -1 when the report does not say
	want  []byte // the octets expected from the frame entry: all, or a prefix
	wire  []byte // octets learnt from octet entries (exact or rebuilt)
	have  int    // how many of wire are filled
	cuts  []int
}

// chunk is one octet entry as a piece of the stream after the handshake.
type chunk struct {
	entry int
	head  []byte // leading octets that belong to the handshake
	skip  int    // len(head)
	n     int    // stream octets in the entry, -1 when unknown
	seen  []byte // the stream octets the report shows
	exact bool
}

// lineUp lines up the octet entries of one direction with its frame
// entries. Wire logging switched off (WLM false) cuts both sequences; each
// stretch with logging on is lined up on its own. raw says whether the
// sender may write octets outside any frame entry (the fuzzing peer can;
// what it receives is all frames).
func lineUp(c *Case, octetKind, frameKind EntryKind, heads map[int][]byte, raw bool, b *budget) {
	var frames []*Frame
	var chunks []chunk
	flush := func() {
		if len(chunks) > 0 || len(frames) > 0 {
			lineUpStretch(c, frames, chunks, raw, b)
		}
		frames, chunks = nil, nil
	}
	for i := range c.Wire {
		e := &c.Wire[i]
		switch e.Kind {
		case Logging:
			if !e.Enabled {
				flush()
			}
		case frameKind:
			frames = append(frames, e.Frame)
		case octetKind:
			ch := chunk{entry: i, n: e.Length, exact: e.Exact}
			if h, ok := heads[i]; ok {
				s := len(h)
				if s >= len(e.Octets) && e.Length < 0 {
					continue // the handshake alone, or unknown
				}
				ch.head, ch.skip = h, s
				if e.Length >= 0 {
					ch.n = e.Length - s
					if ch.n <= 0 {
						continue
					}
				}
			}
			if ch.skip < len(e.Octets) {
				ch.seen = e.Octets[ch.skip:]
			}
			chunks = append(chunks, ch)
		}
	}
	flush()
}

func lineUpStretch(c *Case, frames []*Frame, chunks []chunk, raw bool, b *budget) {
	segs := make([]*segment, len(frames))
	start := 0
	for i, f := range frames {
		s := &segment{f: f, size: -1, start: -1}
		s.want, s.size = expectedOctets(f, b)
		if start >= 0 {
			s.start = start
			if s.size >= 0 {
				start += s.size
			} else {
				start = -1
			}
		}
		segs[i] = s
	}
	// place fixes the start of segments that follow one whose size has
	// just become known.
	place := func(from int) {
		for i := from; i+1 < len(segs) && segs[i].start >= 0 && segs[i].size >= 0 && segs[i+1].start < 0; i++ {
			segs[i+1].start = segs[i].start + segs[i].size
		}
	}

	pos, si, aligned := 0, 0, true
	for ci, ch := range chunks {
		e := &c.Wire[ch.entry]
		for si < len(segs) && segs[si].start >= 0 && segs[si].size >= 0 && pos >= segs[si].start+segs[si].size {
			si++
		}
		if !aligned || si >= len(segs) || segs[si].start < 0 {
			if !raw {
				aligned = false
			}
			continue
		}
		s := segs[si]
		if s.size < 0 && ch.exact && pos == s.start {
			// An older report without payload lengths: read the frame's
			// size from the octets themselves, if they agree with the entry.
			head := headerOctets(chunks[ci:])
			if size, ok := sizeFromOctets(s.f, head); ok {
				s.size = size
				place(si)
			} else if raw && !headerAgrees(s.f, head) {
				continue // a raw write outside any frame entry
			}
		}
		n := ch.n
		if n < 0 && raw && s.size >= 0 {
			n = predictWrite(s, pos)
		}
		if n < 0 || !agrees(segs, si, pos, ch.seen) {
			if ch.exact && raw {
				continue // a raw write outside any frame entry
			}
			aligned = false
			continue
		}
		var got []byte
		if ch.exact {
			got = ch.seen
		} else if full, ok := expectedRange(segs, si, pos, n); ok {
			got = full
			whole := append(append([]byte(nil), ch.head...), full...)
			e.Octets, e.Length, e.Exact, e.Rebuilt = whole, ch.skip+n, true, true
		}
		if got != nil {
			fill(segs, si, pos, got, ch.entry, b)
		}
		pos += n
	}
	for _, s := range segs {
		if s.size > 0 && s.have == s.size {
			s.f.Wire = s.wire
			s.f.cuts = s.cuts
		}
	}
}

// maxFrameHeader is the longest frame header: 2 bytes, an 8-byte length
// and a 4-byte masking key.
const maxFrameHeader = 14

// headerOctets returns the octets of chunks[0] followed by those of the
// exact chunks after it, up to a whole frame header: a frame sent in
// chop-size writes shows its header in several entries.
func headerOctets(chunks []chunk) []byte {
	head := chunks[0].seen
	for k := 1; len(head) < maxFrameHeader && k < len(chunks) && chunks[k].exact; k++ {
		head = append(head[:len(head):len(head)], chunks[k].seen...)
	}
	return head
}

// predictWrite returns the size of the write that starts at stream offset
// pos inside segment s, as Autobahn's sender chops it: the rest of the
// frame, or up to the next multiple of the chop size.
func predictWrite(s *segment, pos int) int {
	off := pos - s.start
	n := s.size - off
	if cs := s.f.ChopSize; cs > 0 {
		n = min(n, cs-off%cs)
	}
	return n
}

// agrees reports whether the octets seen at stream offset pos match what
// the frame entries predict wherever they predict something.
func agrees(segs []*segment, si, pos int, seen []byte) bool {
	for len(seen) > 0 && si < len(segs) {
		s := segs[si]
		if s.start < 0 || s.size < 0 {
			return true // nothing more is predicted
		}
		off := pos - s.start
		n := min(len(seen), s.size-off)
		if n <= 0 {
			si++
			continue
		}
		if off < len(s.want) {
			m := min(n, len(s.want)-off)
			if !bytes.Equal(seen[:m], s.want[off:off+m]) {
				return false
			}
		}
		seen, pos = seen[n:], pos+n
		si++
	}
	return true
}

// expectedRange returns the octets [pos, pos+n) of the stream when the
// frame entries predict all of them.
func expectedRange(segs []*segment, si, pos, n int) ([]byte, bool) {
	out := make([]byte, 0, min(n, maxRebuild))
	for n > 0 {
		if si >= len(segs) {
			return nil, false
		}
		s := segs[si]
		if s.start < 0 || s.size < 0 || len(s.want) < s.size {
			return nil, false
		}
		off := pos - s.start
		m := min(n, s.size-off)
		out = append(out, s.want[off:off+m]...)
		n, pos = n-m, pos+m
		si++
	}
	return out, true
}

// fill records octets learnt at stream offset pos, from octet entry
// entry, in the segments they belong to, and where one octet entry ended
// inside a frame.
func fill(segs []*segment, si, pos int, data []byte, entry int, b *budget) {
	for len(data) > 0 && si < len(segs) {
		s := segs[si]
		if s.start < 0 || s.size < 0 || (s.wire == nil && !b.take(s.size)) {
			return
		}
		off := pos - s.start
		n := min(len(data), s.size-off)
		if n <= 0 {
			si++
			continue
		}
		if s.wire == nil {
			s.wire = make([]byte, s.size)
		}
		if off == 0 {
			s.f.at = entry + 1
		}
		copy(s.wire[off:], data[:n])
		s.have += n
		if off+n < s.size {
			s.cuts = append(s.cuts, off+n)
		}
		data, pos = data[n:], pos+n
		si++
	}
}

// expectedOctets returns the octets a frame entry predicts (all of them
// when its payload is whole and b allows, else the header and the
// payload's shown prefix) and the frame's size on the wire (-1 when the
// entry does not state the payload length).
func expectedOctets(f *Frame, b *budget) ([]byte, int) {
	plen := f.PayloadLength
	if f.RepeatLength > 0 {
		plen = f.RepeatLength
	}
	if plen < 0 || plen > maxStated {
		return nil, -1
	}
	hdr := frameHeader(f, plen)
	size := len(hdr) + plen
	var payload []byte
	switch {
	case f.uncertain:
	case f.RepeatLength > 0 && f.PayloadExact && len(f.Payload) > 0 && b.take(plen):
		payload = repeatTo(f.Payload, plen)
	case f.RepeatLength > 0:
		payload = f.Payload
	default:
		payload = f.Payload
	}
	if len(payload) > plen {
		payload = payload[:plen]
	}
	out := make([]byte, len(hdr)+len(payload))
	copy(out, hdr)
	masked := out[len(hdr):]
	copy(masked, payload)
	if len(f.Mask) == 4 {
		for i := range masked {
			masked[i] ^= f.Mask[i&3]
		}
	}
	return out, size
}

// frameHeader encodes a frame header the way Autobahn's sendFrame does:
// FIN, RSV and opcode bits, the mask bit and the shortest length form,
// then the masking key.
func frameHeader(f *Frame, plen int) []byte {
	b0 := byte(f.Opcode&0x0f) | byte(f.Rsv&7)<<4
	if f.Fin {
		b0 |= 0x80
	}
	var b1 byte
	if len(f.Mask) == 4 {
		b1 = 0x80
	}
	h := make([]byte, 0, 14)
	switch {
	case plen <= 125:
		h = append(h, b0, b1|byte(plen))
	case plen <= 0xffff:
		h = append(h, b0, b1|126)
		h = binary.BigEndian.AppendUint16(h, uint16(plen))
	default:
		h = append(h, b0, b1|127)
		h = binary.BigEndian.AppendUint64(h, uint64(plen))
	}
	if len(f.Mask) == 4 {
		h = append(h, f.Mask...)
	}
	return h
}

// headerAgrees reports whether the octets b, the start of a frame's
// header, agree with the frame entry as far as they go: FIN, RSV and
// opcode, the mask bit, and the masking key.
func headerAgrees(f *Frame, b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if b[0]&0x80 != 0 != f.Fin || int(b[0]>>4&7) != f.Rsv || int(b[0]&0x0f) != f.Opcode {
		return false
	}
	if len(b) == 1 {
		return true
	}
	masked := b[1]&0x80 != 0
	if masked != (len(f.Mask) == 4) {
		return false
	}
	if !masked {
		return true
	}
	at := 2 + map[byte]int{126: 2, 127: 8}[b[1]&0x7f]
	for i := 0; i < 4 && at+i < len(b); i++ {
		if b[at+i] != f.Mask[i] {
			return false
		}
	}
	return true
}

// sizeFromOctets reads a frame's size from its octets when their header
// agrees with the frame entry.
func sizeFromOctets(f *Frame, b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	fin, rsv, op := b[0]&0x80 != 0, int(b[0]>>4&7), int(b[0]&0x0f)
	masked := b[1]&0x80 != 0
	if fin != f.Fin || rsv != f.Rsv || op != f.Opcode || masked != (len(f.Mask) == 4) {
		return 0, false
	}
	n, plen := 2, uint64(b[1]&0x7f)
	switch plen {
	case 126:
		if len(b) < 4 {
			return 0, false
		}
		plen, n = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return 0, false
		}
		plen, n = binary.BigEndian.Uint64(b[2:]), 10
	}
	if masked {
		if len(b) < n+4 || !bytes.Equal(b[n:n+4], f.Mask) {
			return 0, false
		}
		n += 4
	}
	if plen > maxRebuild {
		return 0, false
	}
	return n + int(plen), true
}

// repeatTo returns p repeated to n bytes, as Autobahn's payload_len does.
func repeatTo(p []byte, n int) []byte {
	if len(p) == 0 {
		return nil
	}
	out := bytes.Repeat(p, n/len(p)+1)
	return out[:n]
}

// handshakeHeader returns the comma-joined values of an HTTP header in a
// raw request or response, "" when absent.
func handshakeHeader(raw, name string) string {
	var vals []string
	for _, line := range strings.Split(raw, "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			vals = append(vals, strings.TrimSpace(v))
		}
	}
	return strings.Join(vals, ", ")
}
