package corpus

import (
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
)

// kinds renders a wire log's entry kinds as one string for comparison.
func kinds(wire []Entry) string {
	var b strings.Builder
	for i, e := range wire {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(e.Kind))
	}
	return b.String()
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readOne(t *testing.T, path string) *Case {
	t.Helper()
	cases, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("%s: %d cases, want 1", path, len(cases))
	}
	return cases[0]
}

// TestSeedPages reads the five plain-text case pages and checks what each
// says: case, agent, verdicts, closing details and the wire log.
func TestSeedPages(t *testing.T) {
	tests := []struct {
		file                    string
		id, agent               string
		behavior, behaviorClose string
		resultClose             string
		durationMS              int
		closedByMe, wasClean    bool
		localCode, remoteCode   int
		remoteReason            string
		notClean                string
		kinds                   string
		rebuilt                 []int // entries rebuilt (the handshake)
		// The TX octets after the handshake, in order.
		tx []string
	}{
		{
			file: "000_949b1f8a3a10a426.txt", id: "2.9", agent: "WebSocket++ 0.2.0dev",
			behavior: "OK", behaviorClose: "OK", resultClose: "Connection was properly closed", durationMS: 1,
			closedByMe: true, wasClean: true, localCode: 1000, remoteCode: 1000,
			kinds: "TO RO TF TO TF TO TI RO RF TF TO RO RF DROP",
			tx:    []string{"8a98c8bd58bfbdd32bd0a4d43bd6bcd83c9fb8d236d8e8cd39c6a4d239db", "898caa33dd10da5ab3778a43bc69c65cbc74", "8882e8656e92eb8d"},
		},
		{
			file: "001_72029364c55155f4.txt", id: "2.9", agent: "websock server",
			behavior: "OK", behaviorClose: "UNCLEAN", resultClose: "The spec requires the connection to be failed cleanly here", durationMS: 1,
			closedByMe: true, wasClean: false, localCode: 1000, remoteCode: 0,
			notClean: "peer dropped the TCP connection without previous WebSocket closing handshake",
			kinds:    "TO RO TF TO TF TO TI RO RF TF TO DROP",
			rebuilt:  []int{0, 1},
			tx:       []string{"8a98d488fdeca1e68e83b8e19e85a0ed99cca4e7938bf4f89c95b8e79c88", "898ca35900c0d3306ea7832961b9cf3661a4", "88828ed7acca8d3f"},
		},
		{
			file: "002_247072b0f929b953.txt", id: "4.1.2", agent: "AutobahnServer/0.4.10",
			behavior: "OK", behaviorClose: "OK", resultClose: "Connection was properly closed", durationMS: 1,
			closedByMe: false, wasClean: true, localCode: 1000, remoteCode: 1002,
			remoteReason: "data frame using reserved opcode 4",
			kinds:        "TO RO TF TO KL RO RF TF TO DROP",
			tx:           []string{"84976119930a137ce06f136ff66e4176e3690e7df62a1178ea660e78f7", "888271c57f78722d"},
		},
		{
			file: "003_ba6530e889acc9cc.txt", id: "1.2.1", agent: "rust-websocket",
			behavior: "OK", behaviorClose: "OK", resultClose: "Connection was properly closed", durationMS: 1,
			closedByMe: true, wasClean: true, localCode: 1000, remoteCode: 0,
			kinds:   "TO RO TF TO KL RO RF TF TO RO RF DROP",
			rebuilt: []int{0, 1},
			tx:      []string{"8280f9872d41", "888258afd2da5b47"},
		},
		{
			file: "004_32658fb35a06e2a2.txt", id: "5.20", agent: "UnknownServer",
			behavior: "OK", behaviorClose: "OK", resultClose: "Connection was properly closed", durationMS: 1005,
			closedByMe: true, wasClean: true, localCode: 1000, remoteCode: 0,
			kinds:   "TO RO TF TO TF TF CT TO TO RO RF CTE TF TO TF TF TF TI TO TO TO RO RF RO RF TF TO RO RF DROP",
			rebuilt: []int{0, 1},
			tx: []string{"018983b53f5be5c75e3ceed0512fb2", "008931d99d0557abfc625cbcf37103", "8989e20d193d9262775a8f68390cc3",
				"00892fe1b3214993d2464284dd551c", "0089690a307d0f78511a046f5e095d", "8989ca318529ba5eeb4ea754a51beb",
				"80897abcd1741cceb01317d9bf004f", "8882a6416ffaa5a9"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := readOne(t, filepath.Join("testdata", "seeds", tt.file))
			if c.ID != tt.id || c.Agent != tt.agent {
				t.Errorf("case %q agent %q, want %q %q", c.ID, c.Agent, tt.id, tt.agent)
			}
			if c.Behavior != tt.behavior || c.BehaviorClose != tt.behaviorClose || c.ResultClose != tt.resultClose {
				t.Errorf("verdicts %q/%q (%q), want %q/%q (%q)", c.Behavior, c.BehaviorClose, c.ResultClose, tt.behavior, tt.behaviorClose, tt.resultClose)
			}
			if c.DurationMS != tt.durationMS {
				t.Errorf("duration %d ms, want %d", c.DurationMS, tt.durationMS)
			}
			cl := c.Closing
			if cl.ClosedByMe != tt.closedByMe || cl.WasClean != tt.wasClean || cl.LocalCloseCode != tt.localCode ||
				cl.RemoteCloseCode != tt.remoteCode || cl.RemoteCloseReason != tt.remoteReason || cl.WasNotCleanReason != tt.notClean {
				t.Errorf("closing %+v", cl)
			}
			if c.FuzzerIsServer || cl.DroppedByMe || cl.FailedByMe {
				t.Errorf("isServer %v droppedByMe %v failedByMe %v, want all false", c.FuzzerIsServer, cl.DroppedByMe, cl.FailedByMe)
			}
			if got := kinds(c.Wire); got != tt.kinds {
				t.Errorf("kinds\n got %s\nwant %s", got, tt.kinds)
			}
			if c.Partial || len(c.Skipped) > 0 {
				t.Errorf("partial %v, skipped %q", c.Partial, c.Skipped)
			}
			// The handshake entry is the request, rebuilt from the page's
			// handshake section where the hex is cut.
			if !c.Wire[0].Exact || string(c.Wire[0].Octets) != c.HTTPRequest || !strings.HasPrefix(c.HTTPRequest, "GET /") || !strings.HasSuffix(c.HTTPRequest, "\r\n\r\n") {
				t.Errorf("handshake entry %q, request %q", c.Wire[0].Octets, c.HTTPRequest)
			}
			var rebuilt []int
			var tx []string
			for i, e := range c.Wire {
				if e.Rebuilt {
					rebuilt = append(rebuilt, i)
				}
				if e.Kind == TxOctets && i > 0 {
					tx = append(tx, hex.EncodeToString(e.Octets))
					if !e.Exact {
						t.Errorf("entry %d not exact", i)
					}
				}
			}
			if strings.Join(tx, " ") != strings.Join(tt.tx, " ") {
				t.Errorf("TX octets\n got %v\nwant %v", tx, tt.tx)
			}
			if len(rebuilt) != len(tt.rebuilt) || (len(rebuilt) > 0 && (rebuilt[0] != tt.rebuilt[0] || rebuilt[1] != tt.rebuilt[1])) {
				t.Errorf("rebuilt entries %v, want %v", rebuilt, tt.rebuilt)
			}
		})
	}
}

// TestSeedPageDetails checks the parts of the pages that only some seeds
// have: frame fields, timers, events.
func TestSeedPageDetails(t *testing.T) {
	c := readOne(t, "testdata/seeds/004_32658fb35a06e2a2.txt")
	f := c.Wire[2].Frame
	if f.Opcode != 1 || f.Fin || f.Rsv != 0 || hex.EncodeToString(f.Mask) != "83b53f5b" || string(f.Payload) != "fragment1" ||
		f.PayloadLength != 9 || !f.PayloadExact || !f.Sync || f.ChopSize != 0 || f.RepeatLength != 0 {
		t.Errorf("entry 2 frame %+v", f)
	}
	if got := hex.EncodeToString(f.Wire); got != "018983b53f5be5c75e3ceed0512fb2" {
		t.Errorf("entry 2 wire %s", got)
	}
	// "pongme 1!" has a space, which the page cannot vouch for; the octets can.
	if f := c.Wire[5].Frame; f.PayloadExact || string(f.Payload) != "pongme 1!" || hex.EncodeToString(f.Wire) != "8989e20d193d9262775a8f68390cc3" {
		t.Errorf("entry 5 frame exact %v payload %q wire %x", f.PayloadExact, f.Payload, f.Wire)
	}
	if e := c.Wire[6]; e.Kind != ContinueAfter || e.Seconds != 1 || e.Mark != "" {
		t.Errorf("entry 6 %+v", e)
	}
	if e := c.Wire[17]; e.Kind != Timeout || e.Seconds != 1 {
		t.Errorf("entry 17 %+v", e)
	}
	want := []Event{{Kind: "pong", Data: []byte("pongme 1!")}, {Kind: "pong", Data: []byte("pongme 2!")},
		{Kind: "message", Data: []byte("fragment1fragment2fragment3fragment4fragment5")}}
	if len(c.Received) != 3 || len(c.Expected["OK"]) != 1 || len(c.Expected["OK"][0]) != 3 {
		t.Fatalf("received %v expected %v", c.Received, c.Expected)
	}
	for i, w := range want {
		for _, got := range []Event{c.Received[i], c.Expected["OK"][0][i]} {
			if got.Kind != w.Kind || string(got.Data) != string(w.Data) || got.Binary || got.Truncated {
				t.Errorf("event %d: %+v, want %+v", i, got, w)
			}
		}
	}

	// An old page: no payload lengths, so the octets decide.
	c = readOne(t, "testdata/seeds/000_949b1f8a3a10a426.txt")
	close := c.Wire[9].Frame
	if close.Opcode != 8 || close.PayloadLength != -1 || close.PayloadExact || hex.EncodeToString(close.Wire) != "8882e8656e92eb8d" {
		t.Errorf("old close frame %+v", close)
	}
	if c.Wire[6].Kind != Timeout || c.Wire[13].Kind != DroppedByPeer {
		t.Errorf("entries 6, 13: %s %s", c.Wire[6].Kind, c.Wire[13].Kind)
	}
	// The old page shows the whole handshake; it is not rebuilt but read.
	if c.Wire[0].Rebuilt || c.Wire[0].Length != 196 {
		t.Errorf("handshake rebuilt %v length %d", c.Wire[0].Rebuilt, c.Wire[0].Length)
	}

	c = readOne(t, "testdata/seeds/003_ba6530e889acc9cc.txt")
	if e := c.Received; len(e) != 1 || e[0].Kind != "message" || len(e[0].Data) != 0 || !e[0].Binary {
		t.Errorf("1.2.1 received %+v", e)
	}
	if f := c.Wire[2].Frame; f.Opcode != 2 || f.PayloadLength != 0 || !f.PayloadExact || len(f.Payload) != 0 {
		t.Errorf("1.2.1 empty frame %+v", f)
	}
}
