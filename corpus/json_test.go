package corpus

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

const testdataAB = "testdata/autobahn/"

func TestJSONCase(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_6_4_1.json")
	if c.ID != "6.4.1" || c.Agent != "naive-gorilla-echo" || c.Behavior != "FAILED" || c.BehaviorClose != "FAILED" || c.DurationMS != 2003 {
		t.Errorf("case %q %q %s/%s %d ms", c.ID, c.Agent, c.Behavior, c.BehaviorClose, c.DurationMS)
	}
	if !c.Failing() {
		t.Error("6.4.1 is not Failing")
	}
	if c.ExpectedClose.ClosedByMe || c.ExpectedClose.RequireClean || !c.ExpectedClose.ClosedByWrongEndpointIsFatal ||
		len(c.ExpectedClose.CloseCode) != 1 || c.ExpectedClose.CloseCode[0] != 1007 {
		t.Errorf("expected close %+v", c.ExpectedClose)
	}
	if !c.Closing.FailedByMe || !c.Closing.DroppedByMe || c.Closing.LocalCloseCode != 1007 ||
		c.Closing.LocalCloseReason != "encountered invalid UTF-8 while processing text message at payload octet index 12" {
		t.Errorf("closing %+v", c.Closing)
	}
	if got, want := kinds(c.Wire), "TO RO TF TO CT CTE TF TO CT CTE TF TO KL RO TF TO RF DROP_ME"; got != want {
		t.Errorf("kinds\n got %s\nwant %s", got, want)
	}
	if e := c.Wire[4]; e.Seconds != 1 || e.Mark != "A" {
		t.Errorf("CT entry %+v", e)
	}
	if e := c.Wire[5]; e.Mark != "A" {
		t.Errorf("CTE entry %+v", e)
	}
	const kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5" // κόσμε, with U+1F79
	if f := c.Wire[2].Frame; string(f.Payload) != kosme || f.PayloadLength != 11 || !f.PayloadExact || f.Fin || f.Opcode != 1 {
		t.Errorf("first fragment %+v", f)
	}
	if f := c.Wire[6].Frame; !bytes.Equal(f.Payload, []byte{0xf4, 0x90, 0x80, 0x80}) || f.Opcode != 0 {
		t.Errorf("hex payload %+v", f)
	}
	// Autobahn failed the connection before the message was whole: it
	// observed only its own two delays running out.
	if len(c.Received) != 2 || c.Received[0].Kind != "timeout" || string(c.Received[0].Data) != "A" || string(c.Received[1].Data) != "B" {
		t.Errorf("received %+v", c.Received)
	}
	if ok, ns := c.Expected["OK"], c.Expected["NON-STRICT"]; len(c.Expected) != 2 || len(ok) != 1 || len(ok[0]) != 1 ||
		string(ok[0][0].Data) != "A" || len(ns) != 1 || len(ns[0]) != 2 || string(ns[0][1].Data) != "B" {
		t.Errorf("expected %+v", c.Expected)
	}
	if c.Partial {
		t.Errorf("partial: %q", c.Skipped)
	}
}

// TestCloseReasonRebuild: Autobahn's own close frame, 89 octets, is cut in
// the log; its payload is the local close code and reason.
func TestCloseReasonRebuild(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_6_4_1.json")
	e := c.Wire[15]
	if !e.Exact || !e.Rebuilt || e.Length != 89 || len(e.Octets) != 89 {
		t.Fatalf("entry 15 exact %v rebuilt %v length %d octets %d", e.Exact, e.Rebuilt, e.Length, len(e.Octets))
	}
	if !bytes.HasPrefix(e.Octets, mustHex(t, "88d330738813339ced7d531cfd7d4416fa76")) {
		t.Errorf("entry 15 starts %x", e.Octets[:18])
	}
	payload := make([]byte, 83)
	for i := range payload {
		payload[i] = e.Octets[6+i] ^ e.Octets[2+i%4]
	}
	want := "\x03\xefencountered invalid UTF-8 while processing text message at payload octet index 12"
	if string(payload) != want {
		t.Errorf("unmasked close payload %q", payload)
	}
}

// TestRepeatRebuild: 7.1.6 sends 256 KiB of "BAsd7&jh23" repeated; the log
// keeps the pattern and the first 64 octets, which is enough.
func TestRepeatRebuild(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_7_1_6.json")
	e := c.Wire[3]
	if !e.Rebuilt || e.Length != 262158 || len(e.Octets) != 262158 {
		t.Fatalf("entry 3 rebuilt %v length %d have %d", e.Rebuilt, e.Length, len(e.Octets))
	}
	f := c.Wire[2].Frame
	if f.RepeatLength != 262144 || string(f.Payload) != "BAsd7&jh23" || !bytes.Equal(f.Wire, e.Octets) {
		t.Errorf("frame repeat %d payload %q wire==octets %v", f.RepeatLength, f.Payload, bytes.Equal(f.Wire, e.Octets))
	}
	if got := hex.EncodeToString(e.Octets[:14]); got != "81ff0000000000040000a37b57ff" {
		t.Errorf("header %s", got)
	}
	for i := 14; i < len(e.Octets); i += 9973 {
		if got, want := e.Octets[i]^f.Mask[(i-14)%4], "BAsd7&jh23"[(i-14)%10]; got != want {
			t.Fatalf("payload octet %d unmasks to %q, want %q", i-14, got, want)
		}
	}
	// The server's echo is cut in the log and no entry has it whole.
	for i := 11; i <= 15; i++ {
		if c.Wire[i].Kind != RxOctets || c.Wire[i].Exact {
			t.Errorf("entry %d: %s exact %v", i, c.Wire[i].Kind, c.Wire[i].Exact)
		}
	}
	if c.Partial {
		t.Errorf("partial: %q", c.Skipped)
	}
}

// TestUnrecoverable: 1.2.8 sends 64 KiB of 0xfe in 997-byte writes; the
// frame entry shows 64 of them, so the case is partial and says why.
func TestUnrecoverable(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_1_2_8.json")
	if !c.Partial || len(c.Skipped) != 1 {
		t.Fatalf("partial %v skipped %q", c.Partial, c.Skipped)
	}
	want := "entries 3-69 (66 TO entries, 745-997 octets, 64 shown each): cut, and the payload of its frame entry is cut too"
	if c.Skipped[0] != want {
		t.Errorf("skipped\n got %s\nwant %s", c.Skipped[0], want)
	}
	exact, rebuilt, skipped := c.Counts()
	if exact != 1 || rebuilt != 1 || skipped != 66 {
		t.Errorf("counts %d exact %d rebuilt %d skipped", exact, rebuilt, skipped)
	}
	for _, i := range []int{3, 5, 69} {
		if e := c.Wire[i]; e.Exact || e.Rebuilt || len(e.Octets) != 64 {
			t.Errorf("entry %d exact %v rebuilt %v shown %d", i, e.Exact, e.Rebuilt, len(e.Octets))
		}
	}
	if f := c.Wire[2].Frame; f.ChopSize != 997 || f.PayloadExact || f.Wire != nil {
		t.Errorf("frame %+v", f)
	}
}

// TestWireLogOff: 9.7.1 switches wire logging off for the bulk of the case.
func TestWireLogOff(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_9_7_1.json")
	if got, want := kinds(c.Wire), "TO RO WLM TI WLM TF TO RO RF DROP"; got != want {
		t.Errorf("kinds %s, want %s", got, want)
	}
	if e := c.Wire[2]; e.Enabled {
		t.Error("WLM entry 2 enables logging")
	}
	if !c.Partial || len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0], "entries 2-4: wire logging was off") {
		t.Errorf("partial %v skipped %q", c.Partial, c.Skipped)
	}
}

// TestWholeDespiteMark: a 63-byte payload carries the cut mark but is whole.
func TestWholeDespiteMark(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_6_12_8.json")
	f := c.Wire[2].Frame
	if f.PayloadLength != 63 || !f.PayloadExact || len(f.Payload) != 63 || f.Payload[0] != 0x80 || f.Payload[62] != 0xbe {
		t.Errorf("frame %+v", f)
	}
	if e := c.Wire[3]; !e.Rebuilt || e.Length != 69 {
		t.Errorf("entry 3 rebuilt %v length %d", e.Rebuilt, e.Length)
	}
}

// TestChoppedExact: 2.6 sends a ping in 1-byte writes; each is exact, and
// together they give the frame, whose own payload entry is cut.
func TestChoppedExact(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_2_6.json")
	f := c.Wire[2].Frame
	if f.ChopSize != 1 || f.Opcode != 9 || f.PayloadLength != 125 || f.PayloadExact {
		t.Fatalf("frame %+v", f)
	}
	if len(f.Wire) != 131 || len(f.cuts) != 130 {
		t.Errorf("wire %d octets, %d cuts", len(f.Wire), len(f.cuts))
	}
	if c.Partial {
		t.Errorf("partial: %q", c.Skipped)
	}
}

func TestNULPayload(t *testing.T) {
	c := readOne(t, testdataAB+"naive_gorilla_echo_case_7_9_1.json")
	if f := c.Wire[2].Frame; !bytes.Equal(f.Payload, []byte{0, 0}) || !f.PayloadExact || f.Opcode != 8 {
		t.Errorf("frame %+v", f)
	}
}

// TestBadJSON: contradictions are errors that name the file and entry.
func TestBadJSON(t *testing.T) {
	head := `{"id": "1.1.1", "agent": "x", "behavior": "OK", "wirelog": [["TO", [3, "474554"], false], `
	tests := []struct{ entry, want string }{
		{`["TO", [5, "0102"], false]`, "bad.json: wire log entry 1 (TO): stated length 5 but the hex holds 2 octets"},
		{`["RO", [2, "010"]]`, "bad.json: wire log entry 1 (RO): odd-length hex (3 digits)"},
		{`["RO", [1, "zz"]]`, `bad.json: wire log entry 1 (RO): invalid hex digit 'z' at offset 0`},
		{`["RO", [70, "00 ..."]]`, ""}, // cut and shorter: fine
		{`["RO", [1, "0000 ..."]]`, "bad.json: wire log entry 1 (RO): stated length 1 but 2 octets are shown"},
		{`["XX", 1]`, `bad.json: wire log entry 1 (XX): unknown entry kind "XX"`},
		{`["TF", [3, "abcd"], 1, true, 0, null, null, null, false]`, "bad.json: wire log entry 1 (TF): stated payload length 3 but the payload has 4 bytes"},
		{`["TF", [2, "ab"], 1, true, 0, "0102", null, null, false]`, `bad.json: wire log entry 1 (TF): mask "0102" is not 4 bytes of hex`},
		{`["TF", [2, "ab"], 99, true, 0, null, null, null, false]`, "bad.json: wire log entry 1 (TF): opcode 99 out of range 0-15"},
		{`["TF", [2, "ab"], 1]`, "bad.json: wire log entry 1 (TF): has 3 fields, want at least 9"},
		{`["KL", "soon"]`, "bad.json: wire log entry 1 (KL): seconds: want a number, got \"soon\""},
		{`7`, "bad.json: wire log entry 1: not a list with a kind: 7"},
	}
	for _, tt := range tests {
		_, err := ParseJSON([]byte(head+tt.entry+`]}`), "bad.json")
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.entry, err)
			}
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.entry, err, tt.want)
		}
	}
	for _, doc := range []string{`{"agent": "x"}`, `[1, 2]`, `{"id": 5}`, ``} {
		if _, err := ParseJSON([]byte(doc), "x.json"); err == nil || !strings.HasPrefix(err.Error(), "x.json: ") {
			t.Errorf("%q: error %v", doc, err)
		}
	}
}

// TestPeerReports reads the non-OK cases of other servers.
func TestPeerReports(t *testing.T) {
	c := readOne(t, testdataAB+"peers/gobwas_case_13_3_1.json")
	if c.Behavior != "UNIMPLEMENTED" || !c.Partial || kinds(c.Wire) != "TO RO WLM DROP" {
		t.Errorf("13.3.1: %s partial %v kinds %s", c.Behavior, c.Partial, kinds(c.Wire))
	}
	if ext := handshakeHeader(c.HTTPRequest, "sec-websocket-extensions"); ext != "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9" {
		t.Errorf("extensions %q", ext)
	}
	c = readOne(t, testdataAB+"peers/coder_case_6_4_1.json")
	if c.Behavior != "FAILED" || c.Result != "Actual events match at least one expected." || c.ResultClose != "The connection was failed by the wrong endpoint" {
		t.Errorf("coder 6.4.1: %s %q %q", c.Behavior, c.Result, c.ResultClose)
	}
	if c.Partial {
		t.Errorf("coder 6.4.1 partial: %q", c.Skipped)
	}
}

// TestHandshakeAndFrameInOneEntry: an octet entry that holds the end of
// the handshake and a frame after it is rebuilt from both.
func TestHandshakeAndFrameInOneEntry(t *testing.T) {
	req := "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
	frame := "8182010203046060" // "ab" masked with 01020304
	shown := hex.EncodeToString([]byte(req))[:128] + " ..."
	doc := `{"id": "1.1.1", "agent": "x", "httpRequest": ` + strconv.Quote(req) + `, "wirelog": [` +
		`["TF", [2, "ab"], 1, true, 0, "01020304", null, null, false], ` +
		`["TO", [` + strconv.Itoa(len(req)+8) + `, "` + shown + `"], false]]}`
	c, err := ParseJSON([]byte(doc), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	e := c.Wire[1]
	if !e.Exact || !e.Rebuilt || string(e.Octets) != req+string(mustHex(t, frame)) {
		t.Errorf("entry 1 exact %v rebuilt %v octets %q", e.Exact, e.Rebuilt, e.Octets)
	}
	if got := hex.EncodeToString(c.Wire[0].Frame.Wire); got != frame {
		t.Errorf("frame wire %s", got)
	}
	seeds, _ := Seeds(c, SeedOptions{})
	if s := seedsByTarget(seeds)[TargetSession]; len(s) != 1 || hex.EncodeToString(s[0].Args[0].([]byte)) != frame {
		t.Errorf("session %v", s)
	}
}

// TestFuzzingServerReport: in reports/clients Autobahn is the server. The
// client's stream is what Autobahn received (RX); a cut RX entry is
// rebuilt from the RX frame entries, which keep the client's masks.
func TestFuzzingServerReport(t *testing.T) {
	req := "GET /runCase?case=1&agent=x HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	payload := strings.Repeat("0123456789", 6) + "ab" // 62 bytes: shown whole, marked cut
	mask := []byte{0xa1, 0xb2, 0xc3, 0xd4}
	frame := append([]byte{0x81, 0x80 | 62}, mask...)
	for i := range payload {
		frame = append(frame, payload[i]^mask[i&3])
	}
	closeFrame := append([]byte{0x88, 0x82}, mask...)
	closeFrame = append(closeFrame, 0x03^mask[0], 0xe8^mask[1])
	q := strconv.Quote
	doc := `{"id": "1.1.1", "agent": "x", "isServer": true, "httpRequest": ` + q(req) + `, "httpResponse": ` + q(resp) + `, "wirelog": [` +
		`["RO", [` + strconv.Itoa(len(req)) + `, "` + hex.EncodeToString([]byte(req))[:128] + ` ..."]], ` +
		`["TO", [` + strconv.Itoa(len(resp)) + `, "` + hex.EncodeToString([]byte(resp))[:128] + ` ..."], false], ` +
		`["TF", [62, ` + q(payload+" ...") + `], 1, true, 0, null, null, null, false], ` +
		`["TO", [64, "` + hex.EncodeToString([]byte{0x81, 62}) + hex.EncodeToString([]byte(payload)) + ` ..."], false], ` +
		`["RO", [` + strconv.Itoa(len(frame)+len(closeFrame)) + `, "` + hex.EncodeToString(frame)[:128] + ` ..."]], ` +
		`["RF", [62, ` + q(payload+" ...") + `], 1, true, 0, true, "a1b2c3d4"], ` +
		`["RF", [2, "0x03e8"], 8, true, 0, true, "a1b2c3d4"]]}`
	c, err := ParseJSON([]byte(doc), "clients.json")
	if err != nil {
		t.Fatal(err)
	}
	if !c.FuzzerIsServer || c.Partial {
		t.Fatalf("isServer %v partial %v %q", c.FuzzerIsServer, c.Partial, c.Skipped)
	}
	// Entry 3 is Autobahn's 64-byte frame: marked cut, shown whole.
	for i, rebuilt := range []bool{true, true, false, false, true} {
		if e := c.Wire[i]; e.Kind != TxFrame && (!e.Exact || e.Rebuilt != rebuilt) {
			t.Errorf("entry %d (%s) exact %v rebuilt %v", i, e.Kind, e.Exact, e.Rebuilt)
		}
	}
	if got := c.Wire[4].Octets; !bytes.Equal(got, append(append([]byte{}, frame...), closeFrame...)) {
		t.Errorf("client stream %x", got)
	}
	seeds, _ := Seeds(c, SeedOptions{})
	by := seedsByTarget(seeds)
	s := by[TargetSession]
	if len(s) != 1 || !bytes.Equal(s[0].Args[0].([]byte), c.Wire[4].Octets) || len(s[0].Args[1].([]byte)) != 0 || s[0].Args[2].(string) != "permessage-deflate" {
		t.Errorf("session %v", s)
	}
	// Autobahn's own (unmasked) frame is the FuzzFrame and FuzzUTF8 seed.
	if f := by[TargetFrame]; len(f) != 1 || !bytes.Equal(f[0].Args[0].([]byte), append([]byte{0x81, 62}, payload...)) {
		t.Errorf("frames %v", f)
	}
	if u := by[TargetUTF8]; len(u) != 1 || string(u[0].Args[0].([]byte)) != payload {
		t.Errorf("utf8 %v", u)
	}
	if h := by[TargetHandshake]; len(h) != 1 || string(h[0].Args[0].([]byte)) != req {
		t.Errorf("handshake %v", h)
	}
}
