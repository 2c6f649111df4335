package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// These tests hold the catalogue against the reports the real
// Autobahn|Testsuite (25.10.1) wrote when it ran all 517 cases against the
// reference server: the same ids, the same expectations, and, case by
// case, the same frames in the same writes with the same timers (compared
// with the script replay.Compile reads out of each report's wire log),
// the same offers, and for the self-judging cases the same messages, as
// the report's traffic counts show them.

const reports = "../server/testdata/autobahn"

// report reads the real suite's report of case id, and its raw JSON.
func report(t *testing.T, id string) (*corpus.Case, map[string]json.RawMessage) {
	t.Helper()
	path := filepath.Join(reports, "wsfuzz_case_"+strings.ReplaceAll(id, ".", "_")+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := corpus.Parse(data, path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	return c, raw
}

func TestIDsAreTheRealSuites(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(reports, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := corpus.ParseIndex(data, "index.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		want = append(want, e.ID)
	}
	slices.SortFunc(want, corpus.CompareIDs)
	var got []string
	for _, c := range All() {
		got = append(got, c.ID)
	}
	if len(got) != 517 || !slices.Equal(got, want) {
		t.Fatalf("catalogue has %d cases, the real suite %d; first difference: %s", len(got), len(want), firstDifference(got, want))
	}
	for _, c := range All() {
		if found, ok := Lookup(c.ID); !ok || found != c {
			t.Errorf("Lookup(%s) does not find the case", c.ID)
		}
		if (c.steps == nil) == (c.echo == nil) {
			t.Errorf("case %s needs exactly one of a script and an echo script", c.ID)
		}
		if c.Description == "" || c.Expectation == "" {
			t.Errorf("case %s is not described", c.ID)
		}
	}
	if got := len(Select([]string{"6.4.*", "1.1.1"})); got != 5 {
		t.Errorf("Select(6.4.*, 1.1.1) = %d cases, want 5", got)
	}
}

func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " vs " + b[i]
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// TestExpectationsAreTheRealSuites compares every case's expected events,
// expected close and extension offer with its report.
func TestExpectationsAreTheRealSuites(t *testing.T) {
	for _, c := range All() {
		r, _ := report(t, c.ID)
		p := c.Plan()
		if got, want := renderExpected(p.Case.Expected), renderExpected(r.Expected); got != want {
			t.Errorf("%s: expected events\n got  %s\n want %s", c.ID, got, want)
		}
		if got, want := fmt.Sprintf("%+v", p.Case.ExpectedClose), fmt.Sprintf("%+v", r.ExpectedClose); got != want {
			t.Errorf("%s: expected close %s, the report's %s", c.ID, got, want)
		}
		if got, want := extensionsOf(p.Request), extensionsOf(r.HTTPRequest); got != want {
			t.Errorf("%s: offer %q, the report's %q", c.ID, got, want)
		}
		if want := r.Expected != nil; c.SelfJudged() == want {
			t.Errorf("%s: self-judged %t, but the report has expected events: %t", c.ID, c.SelfJudged(), want)
		}
	}
}

// renderExpected renders expectations as a report shows them (payloads
// cut to Autobahn's 64 octets).
func renderExpected(m map[string][][]corpus.Event) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s:", k)
		for _, seq := range m[k] {
			for _, e := range seq {
				fmt.Fprintf(&b, " %s/%t/%q", e.Kind, e.Binary, replay.Render(e.Data))
			}
		}
		b.WriteString("; ")
	}
	return b.String()
}

func extensionsOf(req string) string {
	for _, line := range strings.Split(req, "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Sec-WebSocket-Extensions") {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// TestScriptsAreTheRealSuites compares the script of every case that
// does not judge itself with the one replay.Compile reads out of its
// report: step by step, each frame (opcode, FIN, RSV, unmasked payload),
// how it was written (chop sizes, sync), close frames, octets written
// outside frames, and every timer with its delay and tag.
func TestScriptsAreTheRealSuites(t *testing.T) {
	for _, c := range All() {
		if c.SelfJudged() {
			continue
		}
		r, _ := report(t, c.ID)
		got := c.Plan()
		want, err := replay.Compile(r)
		var nr *replay.NotReplayableError
		if errors.As(err, &nr) && nr.Kind == replay.SkipCutPayload {
			// The report cut a long payload: compare the frame entries it
			// logged, cut as they are.
			if g, w := describeFrames(got), describeLoggedScript(r); g != w {
				t.Errorf("%s: the script differs from the report's wire log\n got  %s\n want %s", c.ID, g, w)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: the report does not compile: %v", c.ID, err)
			continue
		}
		if g, w := describeSteps(got), describeSteps(want); g != w {
			t.Errorf("%s: the script differs from the report's\n got  %s\n want %s", c.ID, g, w)
		}
		if got.SuppressClose != want.SuppressClose {
			t.Errorf("%s: suppressClose %t, the report's case class %t", c.ID, got.SuppressClose, want.SuppressClose)
		}
	}
}

// describeSteps renders a plan's steps without the masking keys, which
// are random in a report.
func describeSteps(p *replay.Plan) string {
	var b strings.Builder
	for i, step := range p.Steps {
		fmt.Fprintf(&b, "step %d:", i)
		for _, a := range step {
			switch a.Kind {
			case replay.Send:
				var sizes []string
				for _, c := range a.Chunks {
					sizes = append(sizes, strconv.Itoa(len(c.Data))+map[bool]string{true: "s", false: ""}[c.Sync])
				}
				if a.Frame == nil {
					fmt.Fprintf(&b, " raw[%s]", strings.Join(sizes, ","))
					continue
				}
				payload := a.Frame.Payload
				if f := decodeSent(a); f != nil {
					payload = f.Payload
				}
				fmt.Fprintf(&b, " frame(op=%d fin=%t rsv=%d payload=%s close=%t/%d/%t writes=%s)", a.Frame.Opcode, a.Frame.Fin, a.Frame.Rsv,
					digest(payload), a.Close, a.CloseCode, a.CloseHasCode, strings.Join(sizes, ","))
			case replay.ContinueLater:
				fmt.Fprintf(&b, " continue(%gs tag=%q next=%d)", a.Seconds, a.Tag, a.Next)
			case replay.KillAfter:
				fmt.Fprintf(&b, " kill(%gs)", a.Seconds)
			case replay.CloseAfter:
				fmt.Fprintf(&b, " close-after(%gs)", a.Seconds)
			}
		}
		b.WriteString("; ")
	}
	return b.String()
}

// describeFrames renders the first step of a plan as its frame and timer
// entries would appear in a report: frames by their fields, with the
// payload shown as a report shows it.
func describeFrames(p *replay.Plan) string {
	var out []string
	for _, a := range p.Steps[0] {
		switch {
		case a.Kind == replay.Send && a.Frame != nil:
			out = append(out, loggedFrame(a.Frame))
		case a.Kind == replay.KillAfter:
			out = append(out, fmt.Sprintf("KL %g", a.Seconds))
		case a.Kind == replay.CloseAfter:
			out = append(out, fmt.Sprintf("TI %g", a.Seconds))
		}
	}
	return strings.Join(out, "; ")
}

// describeLoggedScript renders the frame and timer entries a report logged
// for the script of a case that runs in one step: those between the
// opening handshake and the first thing the server sent.
func describeLoggedScript(c *corpus.Case) string {
	var out []string
	open := false
	for _, e := range c.Wire {
		switch e.Kind {
		case corpus.RxOctets, corpus.RxFrame:
			if open {
				return strings.Join(out, "; ")
			}
			open = true
		case corpus.TxFrame:
			out = append(out, loggedFrame(e.Frame))
		case corpus.KillAfter:
			out = append(out, fmt.Sprintf("KL %g", e.Seconds))
		case corpus.Timeout:
			out = append(out, fmt.Sprintf("TI %g", e.Seconds))
		}
	}
	return strings.Join(out, "; ")
}

// loggedFrame renders a frame's fields and its payload as a report shows
// it (Autobahn cuts payloads longer than 60 octets).
func loggedFrame(f *corpus.Frame) string {
	return fmt.Sprintf("TF op=%d fin=%t rsv=%d len=%d repeat=%d chop=%d sync=%t payload=%q", f.Opcode, f.Fin, f.Rsv,
		f.PayloadLength, f.RepeatLength, f.ChopSize, f.Sync, replay.Render(f.Payload))
}

// decodeSent reads back the frame a Send's octets hold, unmasked.
func decodeSent(a replay.Action) *corpus.Frame {
	var wire []byte
	for _, c := range a.Chunks {
		wire = append(wire, c.Data...)
	}
	return decodeWire(wire)
}

// decodeWire decodes one masked client frame.
func decodeWire(wire []byte) *corpus.Frame {
	if len(wire) < 6 {
		return nil
	}
	n, hl := int(wire[1]&0x7f), 2
	switch n {
	case 126:
		n, hl = int(wire[2])<<8|int(wire[3]), 4
	case 127:
		n, hl = 0, 10
		for _, b := range wire[2:10] {
			n = n<<8 | int(b)
		}
	}
	if wire[1]&0x80 == 0 || len(wire) != hl+4+n {
		return nil
	}
	key := wire[hl : hl+4]
	payload := append([]byte(nil), wire[hl+4:]...)
	for i := range payload {
		payload[i] ^= key[i%4]
	}
	return &corpus.Frame{Opcode: int(wire[0] & 15), Fin: wire[0]&0x80 != 0, Rsv: int(wire[0]>>4) & 7, Payload: payload}
}

// digest shows a payload briefly: short ones whole, long ones by length
// and their first and last octets.
func digest(p []byte) string {
	if len(p) <= 32 {
		return fmt.Sprintf("%x", p)
	}
	return fmt.Sprintf("%d:%x..%x", len(p), p[:8], p[len(p)-8:])
}

// TestStreamedFrameIsWhole checks the cases that write one frame's payload
// in pieces (6.4.3, 6.4.4): the pieces of every step, put together, are
// one text frame whose payload is the invalid text 6.4.* send, with its
// empty final frame after it. The report cannot show it: the reference
// server failed the connection before the last piece.
func TestStreamedFrameIsWhole(t *testing.T) {
	for _, id := range []string{"6.4.3", "6.4.4"} {
		c, _ := Lookup(id)
		p := c.Plan()
		var raw []byte
		var last *corpus.Frame
		for _, step := range p.Steps {
			for _, a := range step {
				if a.Kind != replay.Send {
					continue
				}
				if a.Frame != nil {
					last = decodeSent(a)
					continue
				}
				for _, ch := range a.Chunks {
					raw = append(raw, ch.Data...)
				}
			}
		}
		f := decodeWire(raw)
		want := "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited"
		if f == nil || f.Opcode != 1 || f.Fin || string(f.Payload) != want {
			t.Errorf("%s: the streamed octets %x are not the non-final text frame of %x", id, raw, want)
		}
		if last == nil || last.Opcode != 0 || !last.Fin || len(last.Payload) != 0 {
			t.Errorf("%s: the message does not end with an empty final continuation frame", id)
		}
	}
}

// TestSelfJudgedCasesAreTheRealSuites compares the cases that judge
// themselves with their reports: the case's time limit (the report's TI
// entry), and the frames and writes the client made, which the report
// counts by opcode and by size (txFrameStats, txOctetStats); the
// compression cases are compared on the number of messages, as their
// frame sizes depend on the compressor.
func TestSelfJudgedCasesAreTheRealSuites(t *testing.T) {
	for _, c := range All() {
		if !c.SelfJudged() {
			continue
		}
		r, raw := report(t, c.ID)
		e := c.Plan().Echo
		timers := 0
		for _, w := range r.Wire {
			if w.Kind == corpus.Timeout {
				timers++
				if w.Seconds != e.Timeout {
					t.Errorf("%s: time limit %g s, the report's %g s", c.ID, e.Timeout, w.Seconds)
				}
			}
		}
		if timers != 1 {
			t.Errorf("%s: the report arms %d close timers, want 1", c.ID, timers)
		}
		var frames, octets map[string]int
		if err := json.Unmarshal(raw["txFrameStats"], &frames); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw["txOctetStats"], &octets); err != nil {
			t.Fatal(err)
		}
		opcode := "1"
		if e.Binary {
			opcode = "2"
		}
		if frames[opcode] != e.Count {
			t.Errorf("%s: %d messages, the report's %d", c.ID, e.Count, frames[opcode])
		}
		if e.Compress {
			if !utf8.Valid(e.Message(e.Count-1)) && !e.Binary {
				t.Errorf("%s: a text message is not valid UTF-8", c.ID)
			}
			continue
		}
		wantFrames, wantWrites := map[string]int{"8": 1}, map[string]int{"8": 1, "196": 1}
		for i := range e.Count {
			parts := replay.Fragment(e.Message(i), e.FragmentSize)
			for j, part := range parts {
				op := opcode
				if j > 0 {
					op = "0"
				}
				wantFrames[op]++
				size := len(part) + 6
				switch {
				case len(part) > 0xffff:
					size += 8
				case len(part) > 125:
					size += 2
				}
				if e.ChopSize == 0 {
					wantWrites[strconv.Itoa(size)]++
					continue
				}
				for ; size > 0; size -= e.ChopSize {
					wantWrites[strconv.Itoa(min(size, e.ChopSize))]++
				}
			}
		}
		if fmt.Sprint(frames) != fmt.Sprint(wantFrames) {
			t.Errorf("%s: frames by opcode %v, the report's %v", c.ID, wantFrames, frames)
		}
		if fmt.Sprint(octets) != fmt.Sprint(wantWrites) {
			t.Errorf("%s: writes by size %v, the report's %v", c.ID, wantWrites, octets)
		}
	}
}

// TestCompressionMessages checks the messages of the compression cases:
// each has the case's length (in characters for text), consecutive
// messages continue the data where the one before ended, and the five
// data sets differ in kind as Autobahn's do.
func TestCompressionMessages(t *testing.T) {
	for _, id := range []string{"12.1.10", "12.2.3", "12.4.18", "13.7.1"} {
		c, _ := Lookup(id)
		e := c.Plan().Echo
		parts := strings.Split(id, ".")
		i, _ := strconv.Atoi(parts[2])
		length := compressionSizes[i-1].length
		var all []byte
		for m := range 3 {
			msg := e.Message(m)
			n := len(msg)
			if !e.Binary {
				n = utf8.RuneCount(msg)
			}
			if n != length {
				t.Errorf("%s: message %d has %d units, want %d", id, m, n, length)
			}
			all = append(all, msg...)
		}
		d := compressionData()[0]
		if parts[0] == "12" {
			k, _ := strconv.Atoi(parts[1])
			d = compressionData()[k-1]
		}
		var want []byte
		for len(want) < len(all) {
			want = append(want, d.data...)
		}
		if string(all) != string(want[:len(all)]) {
			t.Errorf("%s: the first three messages are not the data read in order", id)
		}
	}
	for i, d := range compressionData() {
		if !d.binary && !utf8.Valid(d.data) {
			t.Errorf("data set %d (%s) is sent as text but is not valid UTF-8", i+1, d.name)
		}
		if !d.binary && utf8.RuneCount(d.data) == len(d.data) {
			t.Errorf("data set %d (%s) has no multi-octet characters", i+1, d.name)
		}
		if len(d.data) < 131072*3/2 {
			t.Errorf("data set %d (%s) has %d octets; the largest message takes 131072", i+1, d.name, len(d.data))
		}
	}
}

// TestCompressionDataCompressLikeAutobahns holds each data set's
// compressibility near that of Autobahn's file of the same kind: the
// compression ratio the real suite reported for the reference server's
// echoes of 128 KiB messages (trafficStats of 12.N.10: 0.05 JSON, 0.99
// bitmap, 0.45 verse, 0.07 HTML, 0.81 PDF), within a margin, measured
// here at flate level 1 on messages of 128 KiB.
func TestCompressionDataCompressLikeAutobahns(t *testing.T) {
	want := [][2]float64{{0.02, 0.10}, {0.90, 1.01}, {0.35, 0.55}, {0.02, 0.10}, {0.70, 0.90}}
	for i, d := range compressionData() {
		msg := d.slicer(131072)
		var in, out int
		for m := range 4 {
			p := msg(m)
			var b bytes.Buffer
			w, err := flate.NewWriter(&b, flate.BestSpeed)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(p)
			w.Close()
			in, out = in+len(p), out+b.Len()
		}
		ratio := float64(out) / float64(in)
		if ratio < want[i][0] || ratio > want[i][1] {
			t.Errorf("data set %d (%s) compresses to %.3f, want %.2f-%.2f", i+1, d.name, ratio, want[i][0], want[i][1])
		}
	}
}
