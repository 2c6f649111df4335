package replay

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/wsfuzz/wsfuzz/corpus"
)

// deflateEchoServer echoes binary messages compressed, after change, which
// may alter them; under takeover it compresses each message on the
// window of the ones before. It answers the client's close.
func deflateEchoServer(takeover bool, change func(i int, msg []byte) []byte) func(c *fakeConn) {
	return func(c *fakeConn) {
		var out bytes.Buffer
		w, _ := flate.NewWriter(&out, flate.BestSpeed)
		var parts []byte
		for i := 0; ; {
			op, p, err := c.readFrame()
			if err != nil {
				return
			}
			switch op {
			case 8:
				c.writeFrame(8, p, nil)
				return
			case 0, 2:
				parts = append(parts, p...)
				if !c.lastFin {
					continue
				}
				z := append(parts, 0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff)
				msg, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
				if err != nil {
					return
				}
				parts = nil
				msg = change(i, msg)
				i++
				if !takeover {
					w.Reset(&out)
				}
				out.Reset()
				w.Write(msg)
				w.Flush()
				c.Write(encodeFrame(2, true, 4, nil, bytes.TrimSuffix(out.Bytes(), deflateTail)))
			}
		}
	}
}

var knownEchoRuns atomic.Int32

// knownEchoPlan is a compression case of four messages of share, of
// 40 KiB and 20 KiB in turn: all long enough to be remembered, the first
// making the window of the next on its own, the second not.
func knownEchoPlan(share string) *Plan {
	req := "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; client_max_window_bits\r\n\r\n"
	message := func(i int) []byte {
		n := 40 << 10
		if i%2 == 1 {
			n = 20 << 10
		}
		var b bytes.Buffer
		for j := 0; b.Len() < n; j++ {
			fmt.Fprintf(&b, "message %d, line %d; ", i, j*j%97)
		}
		return b.Bytes()[:n]
	}
	return &Plan{
		Case:    &corpus.Case{ID: "12.1.1", ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1000}, ClosedByMe: true, RequireClean: true}},
		Request: req,
		Echo:    &Echo{Count: 4, Message: message, Binary: true, Timeout: 5, Compress: true, CheckContent: true, Share: share},
	}
}

// knownOf counts the echoes of share remembered as checked.
func knownOf(share string) int {
	knownEchoes.mu.Lock()
	defer knownEchoes.mu.Unlock()
	n := 0
	for k, e := range knownEchoes.m {
		if k.share == share && e.ok {
			n++
		}
	}
	return n
}

// TestKnownEchoesNeverHideAWrongEcho runs one share's case against honest
// servers, which makes its echoes known, and against servers that change
// one octet of one message: the changed echo is inflated and fails the
// case as it does without known echoes, and is not remembered.
func TestKnownEchoesNeverHideAWrongEcho(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		t.Run(fmt.Sprintf("server context takeover %t", takeover), func(t *testing.T) {
			agreement := "permessage-deflate; client_no_context_takeover"
			if !takeover {
				agreement += "; server_no_context_takeover"
			}
			share := fmt.Sprintf("%s/%d", t.Name(), knownEchoRuns.Add(1))
			honest := func(_ int, m []byte) []byte { return m }
			run := func(change func(int, []byte) []byte) Verdict {
				t.Helper()
				p := knownEchoPlan(share)
				url := startFakeAgreeing(t, agreement, deflateEchoServer(takeover, change))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				obs, err := Run(ctx, p, url, Options{GuardScale: 0.5})
				if err != nil {
					t.Fatal(err)
				}
				return Judge(p.Case, obs)
			}
			for i := range 2 {
				if v := run(honest); v.Behavior != OK {
					t.Fatalf("honest run %d: %s %q", i+1, v.Behavior, v.Result)
				}
				if n := knownOf(share); n != 4 {
					t.Errorf("after honest run %d: %d echoes known, want all 4", i+1, n)
				}
			}
			for _, wrong := range []int{0, 1, 3} {
				v := run(func(i int, m []byte) []byte {
					if i == wrong {
						m = bytes.Clone(m)
						m[len(m)/2] ^= 1
					}
					return m
				})
				want := fmt.Sprintf("Message %d came back with other content", wrong+1)
				if v.Behavior != Failed || !strings.Contains(v.Result, want) {
					t.Errorf("echo %d changed: %s %q, want FAILED %q", wrong+1, v.Behavior, v.Result, want)
				}
				if n := knownOf(share); n != 4 {
					t.Errorf("echo %d changed: %d echoes known, want the 4 honest ones", wrong+1, n)
				}
			}
		})
	}
}

// TestLookupEcho: an echo is known once a check settled it as its
// message, not when the check failed; a lookup during a check waits for
// its outcome.
func TestLookupEcho(t *testing.T) {
	k := knownEchoKey{share: t.Name(), index: 7, windowOf: -1}
	if known, settle := lookupEcho(k); known {
		t.Fatal("an echo never checked is known")
	} else {
		settle(false)
	}
	known, settle := lookupEcho(k)
	if known {
		t.Fatal("an echo whose check failed is known")
	}
	waited := make(chan bool)
	go func() {
		known, _ := lookupEcho(k)
		waited <- known
	}()
	select {
	case <-waited:
		t.Fatal("a lookup during the check did not wait for it")
	case <-time.After(20 * time.Millisecond):
	}
	settle(true)
	if !<-waited {
		t.Error("the waiting lookup did not learn the check's outcome")
	}
	if known, _ := lookupEcho(k); !known {
		t.Error("a checked echo is not known")
	}
	forgetKnownEchoes()
	if known, settle := lookupEcho(k); known {
		t.Error("a forgotten echo is known")
	} else {
		settle(false)
	}
	other := k
	other.payload[0] = 1
	if known, settle := lookupEcho(other); known {
		t.Error("other octets are known")
	} else {
		settle(false)
	}
}

// TestKnownEchoesNeedTheSameWindow: compressed octets known to be a
// message on one window are inflated again on another. A server under
// context takeover compresses the second of two equal messages, each
// random octets twice, as references into the first; a server that sends the first echo
// uncompressed and then those same octets leaves the client an empty
// window, on which they are not the message.
func TestKnownEchoesNeedTheSameWindow(t *testing.T) {
	share := fmt.Sprintf("%s/%d", t.Name(), knownEchoRuns.Add(1))
	// 20 KiB of random octets twice: the second copy of the message
	// starts with references into the first.
	random := make([]byte, 20<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	random = append(random, random...)
	plan := func() *Plan {
		p := knownEchoPlan(share)
		p.Echo.Count, p.Echo.Message = 2, func(int) []byte { return random }
		return p
	}
	run := func(serve func(c *fakeConn)) Verdict {
		t.Helper()
		p := plan()
		url := startFakeAgreeing(t, "permessage-deflate; client_no_context_takeover", serve)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		obs, err := Run(ctx, p, url, Options{GuardScale: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		return Judge(p.Case, obs)
	}
	// The honest run, keeping the second echo's octets.
	var second []byte
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	msg := plan().Echo.Message(0)
	for range 2 {
		out.Reset()
		w.Write(msg)
		w.Flush()
		second = bytes.Clone(bytes.TrimSuffix(out.Bytes(), deflateTail))
	}
	if len(second) > len(msg)/4 {
		t.Fatalf("the second echo takes %d octets: not references into the first", len(second))
	}
	if v := run(deflateEchoServer(true, func(_ int, m []byte) []byte { return m })); v.Behavior != OK || knownOf(share) != 2 {
		t.Fatalf("honest run: %s %q, %d echoes known", v.Behavior, v.Result, knownOf(share))
	}
	v := run(func(c *fakeConn) {
		for i := 0; ; {
			op, p, err := c.readFrame()
			switch {
			case err != nil:
				return
			case op == 8:
				c.writeFrame(8, p, nil)
				return
			case i == 0:
				c.writeFrame(2, msg, nil) // uncompressed: the window stays empty
			default:
				c.Write(encodeFrame(2, true, 4, nil, second))
			}
			i++
		}
	})
	if v.Behavior == OK {
		t.Errorf("the second echo's octets on an empty window were taken for the message: %s %q", v.Behavior, v.Result)
	}
}
