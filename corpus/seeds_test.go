package corpus

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func seedsByTarget(seeds []Seed) map[string][]Seed {
	m := map[string][]Seed{}
	for _, s := range seeds {
		m[s.Target] = append(m[s.Target], s)
	}
	return m
}

func uvarints(b []byte) []int {
	var out []int
	for len(b) > 0 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return append(out, -1)
		}
		out = append(out, int(v))
		b = b[n:]
	}
	return out
}

func TestSeedsOfSeedPage(t *testing.T) {
	c := readOne(t, "testdata/seeds/000_949b1f8a3a10a426.txt")
	seeds, notes := Seeds(c, SeedOptions{})
	if len(notes) != 0 {
		t.Errorf("notes %q", notes)
	}
	by := seedsByTarget(seeds)
	if len(by[TargetSession]) != 1 || len(by[TargetFrame]) != 3 || len(by[TargetClose]) != 1 || len(by[TargetHandshake]) != 1 ||
		len(by[TargetUTF8]) != 0 || len(by[TargetInflate]) != 0 {
		t.Fatalf("seeds per target: %v", by)
	}
	s := by[TargetSession][0].Args
	wantStream := mustHex(t, "8a98c8bd58bfbdd32bd0a4d43bd6bcd83c9fb8d236d8e8cd39c6a4d239db"+"898caa33dd10da5ab3778a43bc69c65cbc74"+"8882e8656e92eb8d")
	if !bytes.Equal(s[0].([]byte), wantStream) {
		t.Errorf("stream %x", s[0])
	}
	if got := uvarints(s[1].([]byte)); len(got) != 2 || got[0] != 30 || got[1] != 18 {
		t.Errorf("chops %v, want [30 18] (the last write, 8, is implied)", got)
	}
	if s[2].(string) != "" {
		t.Errorf("extensions %q", s[2])
	}
	if p := by[TargetClose][0].Args[0].([]byte); !bytes.Equal(p, []byte{0x03, 0xe8}) {
		t.Errorf("close payload %x", p)
	}
	if f := by[TargetFrame][1].Args[0].([]byte); !bytes.Equal(f, mustHex(t, "898caa33dd10da5ab3778a43bc69c65cbc74")) {
		t.Errorf("second frame %x", f)
	}
	if r := string(by[TargetHandshake][0].Args[0].([]byte)); !strings.HasPrefix(r, "GET / HTTP/1.1\r\nUser-Agent: AutobahnTestSuite/0.5.2-0.5.8\r\n") || len(r) != 196 {
		t.Errorf("request %q", r)
	}
}

// TestUTF8Pieces: 5.20's text message arrives in five 9-byte fragments.
func TestUTF8Pieces(t *testing.T) {
	c := readOne(t, "testdata/seeds/004_32658fb35a06e2a2.txt")
	seeds, _ := Seeds(c, SeedOptions{})
	by := seedsByTarget(seeds)
	if len(by[TargetUTF8]) != 1 {
		t.Fatalf("%d UTF-8 seeds", len(by[TargetUTF8]))
	}
	u := by[TargetUTF8][0].Args
	if string(u[0].([]byte)) != "fragment1fragment2fragment3fragment4fragment5" {
		t.Errorf("text %q", u[0])
	}
	if got := uvarints(u[1].([]byte)); len(got) != 4 || got[0] != 9 || got[3] != 9 {
		t.Errorf("splits %v, want [9 9 9 9]", got)
	}
	if got := uvarints(by[TargetSession][0].Args[1].([]byte)); len(got) != 7 || got[0] != 15 || got[6] != 15 {
		t.Errorf("chops %v, want seven 15s", got)
	}

	// 2.6's ping went out byte by byte; 6.4.1's text in three fragments,
	// the middle one invalid UTF-8.
	c = readOne(t, testdataAB+"naive_gorilla_echo_case_6_4_1.json")
	seeds, notes := Seeds(c, SeedOptions{})
	by = seedsByTarget(seeds)
	if len(notes) != 0 || len(by[TargetUTF8]) != 1 || len(by[TargetClose]) != 1 || len(by[TargetFrame]) != 4 {
		t.Fatalf("notes %q, seeds %v", notes, by)
	}
	u = by[TargetUTF8][0].Args
	if string(u[0].([]byte)) != "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited" {
		t.Errorf("text %q", u[0])
	}
	if got := uvarints(u[1].([]byte)); len(got) != 2 || got[0] != 11 || got[1] != 4 {
		t.Errorf("splits %v, want [11 4]", got)
	}
	if p := by[TargetClose][0].Args[0].([]byte); !bytes.HasPrefix(p, []byte("\x03\xefencountered invalid UTF-8")) || len(p) != 83 {
		t.Errorf("close payload %q", p)
	}
}

// TestSeedsLeaveOut: what a report does not have whole is never written.
func TestSeedsLeaveOut(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_1_2_8.json")
	seeds, notes := Seeds(c, SeedOptions{})
	by := seedsByTarget(seeds)
	if len(by[TargetSession]) != 0 || len(by[TargetFrame]) != 1 || len(by[TargetClose]) != 1 {
		t.Errorf("seeds %v", by)
	}
	if len(notes) != 1 || notes[0] != "FuzzSession: nothing to write, entry 3 is cut" {
		t.Errorf("notes %q", notes)
	}

	// 7.1.6's big frame is whole but over the size limit; the session
	// stops before it... which is at its start, so nothing is written.
	c = readOne(t, testdataAB+"naive_gorilla_echo_case_7_1_6.json")
	seeds, notes = Seeds(c, SeedOptions{MaxBytes: 1000})
	by = seedsByTarget(seeds)
	if len(by[TargetSession]) != 0 || len(by[TargetFrame]) != 3 {
		t.Errorf("seeds %v", by)
	}
	if len(notes) != 3 || notes[0] != "FuzzSession: nothing to write, entry 3 would pass the 1000-byte limit" ||
		notes[1] != "FuzzFrame (frame at entry 3): 262158 bytes, over the 1000-byte limit" ||
		notes[2] != "FuzzUTF8 (text message at entry 3): 262144 bytes, over the 1000-byte limit" {
		t.Errorf("notes %q", notes)
	}
	// With room, the session is whole, 262158+18+8+6 bytes.
	seeds, _ = Seeds(c, SeedOptions{MaxBytes: 1 << 20})
	if s := seedsByTarget(seeds)[TargetSession]; len(s) != 1 || len(s[0].Args[0].([]byte)) != 262190 {
		t.Errorf("session %v", s)
	}

	// A session cut short keeps the whole writes before the cut.
	c = readOne(t, "testdata/seeds/004_32658fb35a06e2a2.txt")
	seeds, notes = Seeds(c, SeedOptions{MaxBytes: 40})
	if s := seedsByTarget(seeds)[TargetSession]; len(s) != 1 || len(s[0].Args[0].([]byte)) != 30 || !strings.Contains(notes[0], "entry 8 would pass the 40-byte limit") {
		t.Errorf("session %v notes %q", s, notes)
	}
}

// TestSeedsCompressed: a compressed message becomes a FuzzInflate seed
// without the 00 00 ff ff tail, and the offered extensions reach the
// session seed.
func TestSeedsCompressed(t *testing.T) {
	req := "GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
	mask := []byte{1, 2, 3, 4}
	frame := func(b0 byte, payload []byte) []byte {
		f := append([]byte{b0, 0x80 | byte(len(payload))}, mask...)
		for i, c := range payload {
			f = append(f, c^mask[i&3])
		}
		return f
	}
	f1 := frame(0x41, []byte{0xf2, 0x48}) // RSV1, text, not final
	f2 := frame(0x80, []byte{0xcd, 0xc9, 0x00, 0x00, 0xff, 0xff})
	c := &Case{ID: "12.1.1", HTTPRequest: req, Wire: []Entry{
		{Kind: TxOctets, Octets: []byte(req), Length: len(req), Exact: true},
		{Kind: TxFrame, Frame: &Frame{Opcode: 1, Rsv: 4, Mask: mask, Payload: []byte{0xf2, 0x48}, PayloadLength: 2, PayloadExact: true}},
		{Kind: TxOctets, Octets: f1, Length: len(f1), Exact: true},
		{Kind: TxFrame, Frame: &Frame{Opcode: 0, Fin: true, Mask: mask, Payload: []byte{0xcd, 0xc9, 0, 0, 0xff, 0xff}, PayloadLength: 6, PayloadExact: true}},
		{Kind: TxOctets, Octets: f2, Length: len(f2), Exact: true},
	}}
	complete(c)
	seeds, notes := Seeds(c, SeedOptions{})
	by := seedsByTarget(seeds)
	if len(by[TargetInflate]) != 1 || !bytes.Equal(by[TargetInflate][0].Args[0].([]byte), []byte{0xf2, 0x48, 0xcd, 0xc9}) {
		t.Errorf("inflate seeds %v, notes %q", by[TargetInflate], notes)
	}
	if len(by[TargetUTF8]) != 0 {
		t.Errorf("a compressed message became a UTF-8 seed")
	}
	if s := by[TargetSession]; len(s) != 1 || s[0].Args[2].(string) != "permessage-deflate; client_max_window_bits" {
		t.Errorf("session %v", s)
	}
}

// TestSeedsStreamingWrites: in 6.4.3 Autobahn writes a text frame in three
// raw writes with no frame entry; the frame and its message are read from
// the octets.
func TestSeedsStreamingWrites(t *testing.T) {
	c := readOne(t, testdataAB+"peers/coder_case_6_4_3.json")
	seeds, notes := Seeds(c, SeedOptions{})
	by := seedsByTarget(seeds)
	if len(notes) != 0 || len(by[TargetFrame]) != 3 || len(by[TargetUTF8]) != 1 {
		t.Fatalf("notes %q seeds %v", notes, by)
	}
	if f := by[TargetFrame][0]; f.From != "frame at entry 2" || !bytes.HasPrefix(f.Args[0].([]byte), mustHex(t, "0195dd08ffed13b2")) || len(f.Args[0].([]byte)) != 27 {
		t.Errorf("first frame %s %x", f.From, f.Args[0])
	}
	u := by[TargetUTF8][0].Args
	if string(u[0].([]byte)) != "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80edited" {
		t.Errorf("text %q", u[0])
	}
	// The pieces: three writes of the first fragment, then the empty final one.
	if got := uvarints(u[1].([]byte)); len(got) != 3 || got[0] != 11 || got[1] != 4 || got[2] != 6 {
		t.Errorf("splits %v, want [11 4 6]", got)
	}
}
