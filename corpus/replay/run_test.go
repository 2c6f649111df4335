package replay

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// referenceReports holds the reference server's committed Autobahn reports.
const referenceReports = "../../server/testdata/autobahn"

// readCase reads one case of the reference server's reports.
func readCase(t *testing.T, id string) *corpus.Case {
	t.Helper()
	name := "wsfuzz_case_" + strings.ReplaceAll(id, ".", "_") + ".json"
	cs, err := corpus.ReadFile(filepath.Join(referenceReports, name))
	if err != nil || len(cs) != 1 {
		t.Fatalf("reading case %s: %v", id, err)
	}
	return cs[0]
}

// fakeConn is one connection to a scripted server.
type fakeConn struct {
	net.Conn
	r       *bufio.Reader
	lastFin bool // FIN of the frame readFrame returned last
}

// startFake runs a server that answers the opening handshake and then
// hands each connection to serve. It returns the ws:// URL.
func startFake(t *testing.T, serve func(c *fakeConn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				nc.SetDeadline(time.Now().Add(10 * time.Second))
				c := &fakeConn{Conn: nc, r: bufio.NewReader(nc)}
				key := ""
				for {
					line, err := c.r.ReadString('\n')
					if err != nil {
						return
					}
					if name, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Sec-WebSocket-Key") {
						key = strings.TrimSpace(v)
					}
					if line == "\r\n" {
						break
					}
				}
				io.WriteString(nc, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+acceptKey(key)+"\r\n\r\n")
				serve(c)
			}()
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}

// readFrame reads one client frame and unmasks it.
func (c *fakeConn) readFrame() (opcode int, payload []byte, err error) {
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		io.ReadFull(c.r, b[:])
		n = int(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		io.ReadFull(c.r, b[:])
		n = int(binary.BigEndian.Uint64(b[:]))
	}
	var key [4]byte
	if h[1]&0x80 != 0 {
		io.ReadFull(c.r, key[:])
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(c.r, payload); err != nil {
		return 0, nil, err
	}
	maskAt(payload, key[:], 0)
	c.lastFin = h[0]&0x80 != 0
	return int(h[0] & 0x0f), payload, nil
}

// writeFrame writes a final, unmasked server frame (masked with key when
// one is given).
func (c *fakeConn) writeFrame(opcode int, payload []byte, key []byte) {
	c.Write(encodeFrame(opcode, true, 0, key, payload))
}

// untilClose reads client frames, answering pings with pongs when pong is
// set, until the client's close frame, whose payload it returns.
func (c *fakeConn) untilClose(pong bool) ([]byte, bool) {
	for {
		op, p, err := c.readFrame()
		if err != nil {
			return nil, false
		}
		switch op {
		case 8:
			return p, true
		case 9:
			if pong {
				c.writeFrame(10, p, nil)
			}
		}
	}
}

// fast replays the scripted servers quickly: they answer at once or never,
// and a silent one is given up on after half of Autobahn's waits.
var fast = Options{TimeScale: 0.05, GuardScale: 0.5, MinWait: 20 * time.Millisecond, Limit: 5 * time.Second, Trace: true}

func replayOne(t *testing.T, c *corpus.Case, url string) (*Observed, Verdict) {
	t.Helper()
	p, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), p, url, fast)
	if err != nil {
		t.Fatal(err)
	}
	return o, Judge(c, o)
}

// Each scripted server misbehaves in one way; the replay must give the
// verdicts Autobahn's rules give that behaviour.
func TestRunAgainstScriptedServers(t *testing.T) {
	closeWith := func(code int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(code)) }
	for _, tc := range []struct {
		name, id              string
		serve                 func(c *fakeConn)
		behavior, close       string
		pass, strictPass      bool
		clientCode            int // close code the client must send, 0: not checked
		droppedByMe, wasClean bool
	}{
		{
			name: "correct", id: "2.9",
			serve: func(c *fakeConn) {
				if _, ok := c.untilClose(true); ok {
					c.writeFrame(8, closeWith(1000), nil)
				}
			},
			behavior: OK, close: OK, wasClean: true, pass: true, strictPass: true,
		},
		{
			name: "drops TCP instead of answering the close", id: "2.9",
			serve:    func(c *fakeConn) { c.untilClose(true) },
			behavior: OK, close: Unclean,
		},
		{
			name: "answers the close but keeps TCP open", id: "2.9",
			serve: func(c *fakeConn) {
				if _, ok := c.untilClose(true); ok {
					c.writeFrame(8, closeWith(1000), nil)
					io.Copy(io.Discard, c.r)
				}
			},
			behavior: OK, close: Unclean, droppedByMe: true,
		},
		{
			name: "never answers", id: "2.9",
			serve:    func(c *fakeConn) { io.Copy(io.Discard, c.r) },
			behavior: Failed, close: Unclean, droppedByMe: true,
		},
		{
			name: "answers a bad close code with 1000", id: "7.9.1",
			serve: func(c *fakeConn) {
				if _, ok := c.untilClose(false); ok {
					c.writeFrame(8, closeWith(1000), nil)
				}
			},
			behavior: Failed, close: WrongCode, wasClean: true,
		},
		{
			name: "fails a bad frame by dropping TCP", id: "5.1",
			serve:    func(c *fakeConn) { c.readFrame() },
			behavior: OK, close: OK, pass: true,
		},
		{
			name: "fails a bad frame with an empty close", id: "5.1",
			serve: func(c *fakeConn) {
				c.readFrame()
				c.writeFrame(8, nil, nil)
				c.untilClose(false)
			},
			behavior: OK, close: OK, wasClean: true, pass: true,
		},
		{
			name: "fails a bad frame properly", id: "5.1",
			serve: func(c *fakeConn) {
				c.readFrame()
				c.writeFrame(8, closeWith(1002), nil)
				c.untilClose(false)
			},
			behavior: OK, close: OK, wasClean: true, pass: true, strictPass: true,
		},
		{
			name: "sends a masked pong", id: "2.9",
			serve: func(c *fakeConn) {
				for {
					op, p, err := c.readFrame()
					if err != nil {
						return
					}
					if op == 9 {
						c.writeFrame(10, p, []byte{1, 2, 3, 4})
					}
					if op == 8 {
						c.writeFrame(8, p, nil)
						return
					}
				}
			},
			// The client fails the connection (1002) and still records the
			// pong, as Autobahn does; the server echoes the 1002.
			behavior: OK, close: WrongCode, clientCode: 1002, wasClean: true,
		},
		{
			name: "does not fail fast on invalid UTF-8", id: "6.4.1",
			serve: func(c *fakeConn) {
				var msg []byte
				for {
					op, p, err := c.readFrame()
					if err != nil {
						return
					}
					if op == 0 || op == 1 {
						msg = append(msg, p...)
						if len(msg) == len(fragmentedInvalid) {
							c.writeFrame(8, closeWith(1007), nil)
							c.untilClose(false)
							return
						}
					}
				}
			},
			behavior: NonStrict, close: OK, wasClean: true, pass: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var clientClose []byte
			got := make(chan []byte, 1)
			url := startFake(t, func(c *fakeConn) { tc.serve(c) })
			if tc.clientCode != 0 {
				url = startFake(t, func(c *fakeConn) {
					for {
						op, p, err := c.readFrame()
						if err != nil {
							got <- nil
							return
						}
						if op == 9 {
							c.writeFrame(10, p, []byte{1, 2, 3, 4})
						}
						if op == 8 {
							got <- p
							c.writeFrame(8, p, nil)
							return
						}
					}
				})
			}
			c := readCase(t, tc.id)
			o, v := replayOne(t, c, url)
			if tc.clientCode != 0 {
				clientClose = <-got
				if len(clientClose) < 2 || int(binary.BigEndian.Uint16(clientClose)) != tc.clientCode {
					t.Errorf("client's close payload %x, want code %d", clientClose, tc.clientCode)
				}
			}
			if v.Behavior != tc.behavior || v.BehaviorClose != tc.close {
				t.Errorf("verdict %s/%s, want %s/%s", v.Behavior, v.BehaviorClose, tc.behavior, tc.close)
			}
			if o.Closing.DroppedByMe != tc.droppedByMe || o.Closing.WasClean != tc.wasClean {
				t.Errorf("droppedByMe=%v wasClean=%v, want %v %v", o.Closing.DroppedByMe, o.Closing.WasClean, tc.droppedByMe, tc.wasClean)
			}
			if v.Pass(false) != tc.pass || v.Pass(true) != tc.strictPass {
				t.Errorf("passes %v, strictly %v (findings %q); want %v, %v", v.Pass(false), v.Pass(true), v.Strict, tc.pass, tc.strictPass)
			}
			if t.Failed() {
				t.Logf("diff:\n  %s\ntrace:\n  %s", strings.Join(v.Diff, "\n  "), strings.Join(o.Trace, "\n  "))
			}
		})
	}
}

func TestRunRefusesBadTargets(t *testing.T) {
	p, err := Compile(readCase(t, "2.9"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"http://127.0.0.1:1/", "wss://127.0.0.1:1/", "ws:///x", "::"} {
		if _, err := Run(context.Background(), p, target, fast); err == nil {
			t.Errorf("Run accepted target %q", target)
		}
	}
	// Nothing listens on a port just closed.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := Run(context.Background(), p, "ws://"+addr+"/", fast); err == nil {
		t.Error("Run reported no error for a refused connection")
	}
}

// A server that refuses the upgrade fails the case's closing behaviour.
func TestRunHandshakeRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		bufio.NewReader(nc).ReadString('\n')
		io.WriteString(nc, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		nc.Close()
	}()
	o, v := replayOne(t, readCase(t, "2.9"), "ws://"+ln.Addr().String()+"/")
	if o.Open || o.HandshakeError == "" || v.BehaviorClose != Failed || v.ResultClose != resultNeverOpen {
		t.Fatalf("open=%v handshake error %q verdict %s/%s", o.Open, o.HandshakeError, v.Behavior, v.BehaviorClose)
	}
}

// TestMaskAt checks the word-wise masking against the definition, at every
// offset and length around the word size.
func TestMaskAt(t *testing.T) {
	key := []byte{0x12, 0x34, 0x56, 0x78}
	for pos := range 5 {
		for n := range 20 {
			p := make([]byte, n)
			for i := range p {
				p[i] = byte(i * 7)
			}
			got := append([]byte(nil), p...)
			maskAt(got, key, pos)
			for i := range p {
				if got[i] != p[i]^key[(pos+i)%4] {
					t.Fatalf("pos %d len %d: octet %d is %#x, want %#x", pos, n, i, got[i], p[i]^key[(pos+i)%4])
				}
			}
		}
	}
}
