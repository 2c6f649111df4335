package corpus

import (
	"strconv"
	"strings"
)

// The wire log of a case page is numbered lines, one entry each, some
// continued on indented lines:
//
//	002 TX FRAME : OPCODE=1, FIN=False, RSV=0, PAYLOAD-LEN=9, MASK=96fbe844, PAYLOAD-REPEAT-LEN=None, CHOPSIZE=None, SYNC=True
//	               fragment1
//	003 TX OCTETS: 018996fbe844f0898923fb9e8630a7
//	006 DELAY 1.000000 sec for TAG None
//	017 CLOSE CONNECTION AFTER 1.000000 sec
//	028 TCP DROPPED BY PEER
//
// Octets are hex, wrapped at 100 characters. A frame's payload follows on
// the next line(s), absent when empty. Older pages have no PAYLOAD-LEN.

// wireIndent is the indentation of continuation lines: the width of
// "000 TX OCTETS: ".
const wireIndent = 15

// parseWireLines reads the wire log of a case page.
func parseWireLines(lines []wireLine) ([]Entry, *ParseError) {
	type raw struct {
		n     int
		head  string
		class string
		more  []string
	}
	var items []raw
	for _, l := range lines {
		t := strings.TrimRight(l.text, " \t\r")
		if t == "" {
			continue
		}
		if n, rest, ok := numbered(t); ok {
			items = append(items, raw{n: n, head: rest, class: l.class})
			continue
		}
		if len(items) == 0 || (t[0] != ' ' && t[0] != '\t') {
			return nil, &ParseError{Entry: len(items), Msg: "wire log line is neither numbered nor indented: " + clipText(t)}
		}
		last := &items[len(items)-1]
		last.more = append(last.more, unindent(l.text))
	}
	entries := make([]Entry, 0, len(items))
	for i, it := range items {
		if it.n != i {
			return nil, wireErr(i, "", "entry numbered %03d, want %03d", it.n, i)
		}
		e, err := parseWireEntry(i, it.head, it.class, it.more)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// numbered splits "017 CLOSE ..." into 17 and "CLOSE ...".
func numbered(t string) (int, string, bool) {
	j := 0
	for j < len(t) && '0' <= t[j] && t[j] <= '9' {
		j++
	}
	if j < 3 || j >= len(t) || t[j] != ' ' {
		return 0, "", false
	}
	n, err := strconv.Atoi(t[:j])
	if err != nil {
		return 0, "", false
	}
	return n, t[j+1:], true
}

// unindent removes the continuation indent, and no more: a payload may
// itself start with spaces.
func unindent(s string) string {
	s = strings.TrimRight(s, "\r")
	i := 0
	for i < len(s) && i < wireIndent && s[i] == ' ' {
		i++
	}
	return s[i:]
}

func parseWireEntry(n int, head, class string, more []string) (Entry, *ParseError) {
	var e Entry
	switch {
	case strings.HasPrefix(head, "TX OCTETS:"), strings.HasPrefix(head, "RX OCTETS:"):
		e.Kind = RxOctets
		if head[0] == 'T' {
			e.Kind = TxOctets
			e.Sync = strings.HasSuffix(class, "_sync")
		}
		first := strings.TrimSpace(head[len("TX OCTETS:"):])
		s := joinHex(append([]string{first}, more...))
		o, err := decodeLoggedOctets(s, -1)
		if err != nil {
			return e, wireErr(n, e.Kind, "%v", err)
		}
		e.Octets, e.Length, e.Exact = o.data, o.length, o.exact
	case strings.HasPrefix(head, "TX FRAME"), strings.HasPrefix(head, "RX FRAME"):
		e.Kind = RxFrame
		if head[0] == 'T' {
			e.Kind = TxFrame
		}
		_, fields, ok := strings.Cut(head, ":")
		if !ok {
			return e, wireErr(n, e.Kind, "no fields: %s", clipText(head))
		}
		f, err := frameFields(fields, e.Kind == TxFrame)
		if err != nil {
			return e, wireErr(n, e.Kind, "%v", err)
		}
		textPayload(f, more)
		e.Frame, e.Sync = f, f.Sync
	case strings.HasPrefix(head, "DELAY TIMEOUT on TAG"):
		e.Kind = ContinueFired
		e.Mark = tagOf(strings.TrimPrefix(head, "DELAY TIMEOUT on TAG"))
	case strings.HasPrefix(head, "DELAY "):
		e.Kind = ContinueAfter
		secs, tag, _ := strings.Cut(strings.TrimPrefix(head, "DELAY "), " sec for TAG")
		if err := seconds(secs, &e.Seconds); err != nil {
			return e, wireErr(n, e.Kind, "%v", err)
		}
		e.Mark = tagOf(tag)
	case strings.HasPrefix(head, "FAIL CONNECTION AFTER "):
		e.Kind = KillAfter
		if err := seconds(strings.TrimSuffix(strings.TrimPrefix(head, "FAIL CONNECTION AFTER "), " sec"), &e.Seconds); err != nil {
			return e, wireErr(n, e.Kind, "%v", err)
		}
	case head == "FAILING CONNECTION":
		e.Kind = KillExpired
	case strings.HasPrefix(head, "CLOSE CONNECTION AFTER "):
		e.Kind = Timeout
		if err := seconds(strings.TrimSuffix(strings.TrimPrefix(head, "CLOSE CONNECTION AFTER "), " sec"), &e.Seconds); err != nil {
			return e, wireErr(n, e.Kind, "%v", err)
		}
	case head == "CLOSING CONNECTION":
		e.Kind = TimeoutFired
	case head == "WIRELOG ENABLED", head == "WIRELOG DISABLED":
		e.Kind, e.Enabled = Logging, head == "WIRELOG ENABLED"
	case head == "TCP DROPPED BY PEER":
		e.Kind = DroppedByPeer
	case head == "TCP DROPPED BY ME":
		e.Kind = DroppedByMe
	default:
		return e, wireErr(n, "", "unknown entry: %s", clipText(head))
	}
	if len(more) > 0 && e.Kind != TxOctets && e.Kind != RxOctets && e.Kind != TxFrame && e.Kind != RxFrame {
		return e, wireErr(n, e.Kind, "unexpected continuation line: %s", clipText(more[0]))
	}
	return e, nil
}

// joinHex joins wrapped hex lines. The wrapping may have put the cut
// mark's "..." on a line of its own, dropping the space before it.
func joinHex(parts []string) string {
	s := strings.Join(parts, "")
	if strings.HasSuffix(s, "...") && !strings.HasSuffix(s, cutMark) {
		s = strings.TrimSuffix(s, "...") + cutMark
	}
	return s
}

// frameFields reads "OPCODE=1, FIN=False, RSV=0, PAYLOAD-LEN=9, MASK=..., ...".
func frameFields(s string, tx bool) (*Frame, error) {
	f := &Frame{PayloadLength: -1}
	seen := map[string]bool{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return nil, errorString("field without '=': " + clipText(kv))
		}
		seen[k] = true
		var err error
		switch k {
		case "OPCODE":
			f.Opcode, err = strconv.Atoi(v)
		case "FIN":
			f.Fin, err = pyBool(v)
		case "RSV":
			f.Rsv, err = strconv.Atoi(v)
		case "PAYLOAD-LEN":
			f.PayloadLength, err = strconv.Atoi(v)
			if err == nil && f.PayloadLength < 0 {
				err = errorString("negative PAYLOAD-LEN")
			}
		case "MASK":
			if v != "None" {
				f.Mask, err = pageMask(v)
			}
		case "MASKED":
			_, err = pyBool(v)
		case "PAYLOAD-REPEAT-LEN":
			f.RepeatLength, err = optInt(v)
		case "CHOPSIZE":
			f.ChopSize, err = optInt(v)
		case "SYNC":
			f.Sync, err = pyBool(v)
		default:
			err = errorString("unknown field " + k)
		}
		if err != nil {
			return nil, errorString(k + ": " + err.Error())
		}
	}
	for _, k := range []string{"OPCODE", "FIN", "RSV", "MASK"} {
		if !seen[k] {
			return nil, errorString("missing field " + k)
		}
	}
	if err := checkFrame(f); err != nil {
		return nil, err
	}
	return f, nil
}

// pageMask reads a frame's MASK field. The pages of Autobahn's fuzzing
// server (reports/clients) show the mask of a received frame as the hex of
// its hex: MASK=3465313537333031 is the key 4e157301.
func pageMask(v string) ([]byte, error) {
	m, err := decodeHex(v)
	if err == nil && len(m) == 8 {
		if inner, err := decodeHex(string(m)); err == nil {
			m = inner
		}
	}
	if err == nil && len(m) != 4 {
		err = errorString("MASK is not 4 bytes")
	}
	return m, err
}

// textPayload sets a frame's payload from the lines under its header.
// Autobahn passes the payload through Python's textwrap before writing
// it: every whitespace character becomes a space, whitespace at line
// breaks and at the end is dropped, and an all-blank payload vanishes. So
// a shown text payload is trusted only when the length is stated, matches,
// and no space is shown (a space may have been any whitespace); the octet
// entries, when whole, tell the rest.
func textPayload(f *Frame, lines []string) {
	var s string
	switch {
	case len(lines) == 0:
	case strings.HasPrefix(lines[0], "0x"):
		s = joinHex(lines)
	default:
		s = strings.Join(lines, " ")
		if len(lines) > 1 {
			f.uncertain = true
		}
		if len(lines) > 1 && lines[len(lines)-1] == "..." {
			s = strings.Join(lines[:len(lines)-1], " ") + cutMark
		}
	}
	p := decodeLoggedPayload(s, f.PayloadLength)
	f.Payload = p.data
	switch {
	case f.PayloadLength < 0:
		f.uncertain = true
		f.PayloadExact = false
	case p.cut:
		f.PayloadExact = len(p.data) == f.PayloadLength
	default:
		f.PayloadExact = len(p.data) == f.PayloadLength
		if !f.PayloadExact {
			f.uncertain = true
		}
	}
	if !strings.HasPrefix(s, "0x") && strings.ContainsAny(s, " ") {
		f.uncertain = true
	}
	if f.uncertain {
		f.PayloadExact = false
	}
}

func tagOf(s string) string {
	s = strings.TrimSpace(s)
	if s == "None" {
		return ""
	}
	return s
}

func seconds(s string, v *float64) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e9 {
		return errorString("bad seconds " + strconv.Quote(s))
	}
	*v = f
	return nil
}

func pyBool(v string) (bool, error) {
	switch v {
	case "True":
		return true, nil
	case "False":
		return false, nil
	}
	return false, errorString("want True or False, got " + strconv.Quote(v))
}

func optInt(v string) (int, error) {
	if v == "None" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err == nil && n < 0 {
		err = errorString("negative")
	}
	return n, err
}

type errorString string

func (e errorString) Error() string { return string(e) }

func clipText(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60]) + "..."
	}
	return strconv.Quote(s)
}
