package replay

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/wsfuzz/wsfuzz/corpus"
)

// echoPlan is a self-judging plan of count messages of payload.
func echoPlan(count int, payload []byte, compress, content bool) *Plan {
	req := "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n"
	if compress {
		req += "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; client_max_window_bits\r\n"
	}
	return &Plan{
		Case:    &corpus.Case{ID: "9.7.1", ExpectedClose: corpus.ExpectedClose{CloseCode: []int{1000}, ClosedByMe: true, RequireClean: true}},
		Request: req + "\r\n",
		Echo:    &Echo{Count: count, Message: func(int) []byte { return payload }, Binary: true, Timeout: 2, Compress: compress, CheckContent: content},
	}
}

// echoServer echoes binary messages after change, which may alter them,
// until the client's close, which it answers.
func echoServer(change func(i int, p []byte) []byte) func(c *fakeConn) {
	return func(c *fakeConn) {
		for i := 0; ; {
			op, p, err := c.readFrame()
			if err != nil {
				return
			}
			switch op {
			case 2:
				c.writeFrame(2, change(i, p), nil)
				i++
			case 8:
				c.writeFrame(8, p, nil)
				return
			}
		}
	}
}

// TestEchoJudgesItself: a run of an echo script judges itself, and Judge
// takes the case's verdict: OK when every echo came back, FAILED with the
// reason when one came back wrong or none came back in time, UNIMPLEMENTED
// when a compression case finds no permessage-deflate.
func TestEchoJudgesItself(t *testing.T) {
	payload := []byte("0123456789")
	for _, tc := range []struct {
		name     string
		plan     *Plan
		change   func(i int, p []byte) []byte
		behavior string
		result   string
	}{
		{"all echoed", echoPlan(5, payload, false, true), func(_ int, p []byte) []byte { return p }, OK, "All 5 echoes arrived"},
		{"one octet changed", echoPlan(5, payload, false, true), func(i int, p []byte) []byte {
			if i == 3 {
				p = append([]byte(nil), p...)
				p[4] ^= 1
			}
			return p
		}, Failed, "Message 4 came back with other content (first difference at octet 4)"},
		{"content not checked", echoPlan(5, payload, false, false), func(_ int, p []byte) []byte { return bytes.ToUpper(p) }, OK, "All 5 echoes"},
		{"one short", echoPlan(5, payload, false, false), func(i int, p []byte) []byte { return p[:len(p)-i%2] }, Failed, "Message 2 came back with 9 octets; it was sent with 10"},
		{"no echo", echoPlan(5, payload, false, true), nil, Failed, "did not finish within 2 seconds"},
		{"no permessage-deflate", echoPlan(5, payload, true, true), func(_ int, p []byte) []byte { return p }, Unimplemented, "did not agree to permessage-deflate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			serve := func(c *fakeConn) { c.untilClose(false) }
			if tc.change != nil {
				serve = echoServer(tc.change)
			}
			url := startFake(t, serve)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			obs, err := Run(ctx, tc.plan, url, Options{GuardScale: 0.5})
			if err != nil {
				t.Fatal(err)
			}
			v := Judge(tc.plan.Case, obs)
			if v.Behavior != tc.behavior || !strings.Contains(v.Result, tc.result) {
				t.Errorf("verdict %s %q, want %s %q\n  %s", v.Behavior, v.Result, tc.behavior, tc.result, strings.Join(v.Diff, "\n  "))
			}
			if len(obs.Events) != 0 {
				t.Errorf("an echo script recorded events: %v", obs.Events)
			}
		})
	}
}

func TestFragment(t *testing.T) {
	for _, tc := range []struct {
		n, size int
		want    []int
	}{
		{10, 0, []int{10}}, {10, 10, []int{10}}, {10, 20, []int{10}}, {0, 4, []int{0}},
		{10, 4, []int{4, 4, 2}}, {8, 4, []int{4, 4, 0}}, {3, 1, []int{1, 1, 1, 0}},
	} {
		var got []int
		for _, p := range Fragment(make([]byte, tc.n), tc.size) {
			got = append(got, len(p))
		}
		if !slicesEqual(got, tc.want) {
			t.Errorf("Fragment(%d octets, %d) = %v, want %v (Autobahn ends a multiple of the size with an empty frame)", tc.n, tc.size, got, tc.want)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseAgreement(t *testing.T) {
	const offer = "permessage-deflate; client_no_context_takeover; client_max_window_bits"
	for _, tc := range []struct {
		answer, offer string
		want          *deflateParams
	}{
		{"permessage-deflate", offer, &deflateParams{}},
		{"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9", offer,
			&deflateParams{serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9}},
		{"permessage-deflate; client_max_window_bits=10", offer, &deflateParams{clientMaxWindowBits: 10}},
		{`permessage-deflate; server_max_window_bits="12"`, offer, &deflateParams{serverMaxWindowBits: 12}},
		{"permessage-deflate; client_max_window_bits=10", "permessage-deflate", nil}, // not offered
		{"permessage-deflate; server_max_window_bits=7", offer, nil},
		{"permessage-deflate; server_max_window_bits=09", offer, nil},
		{"permessage-deflate; server_max_window_bits", offer, nil},
		{"permessage-deflate; client_no_context_takeover=1", offer, nil},
		{"permessage-deflate; server_no_context_takeover; server_no_context_takeover", offer, nil},
		{"permessage-deflate; mystery", offer, nil},
		{"x-webkit-deflate-frame", offer, nil},
		{"permessage-deflate, permessage-deflate", offer, nil},
		{"permessage-deflate", "", nil}, // nothing offered
	} {
		got, err := parseAgreement(tc.answer, tc.offer)
		switch {
		case tc.want == nil && err == nil:
			t.Errorf("%q to offer %q: accepted as %v, want refused", tc.answer, tc.offer, got)
		case tc.want != nil && (err != nil || *got != *tc.want):
			t.Errorf("%q: got %v, %v; want %v", tc.answer, got, err, tc.want)
		}
	}
}

// TestDeflateRoundTrip compresses messages as the client does and inflates
// them as it does, with and without context takeover and with small
// client windows; inflating a server's stream under its context takeover
// needs the earlier messages' window.
func TestDeflateRoundTrip(t *testing.T) {
	msgs := [][]byte{
		bytes.Repeat([]byte("hello websocket "), 200),
		[]byte(""),
		bytes.Repeat([]byte("hello websocket "), 300),
		[]byte("a short one"),
	}
	for _, p := range []deflateParams{
		{clientNoContextTakeover: true, serverNoContextTakeover: true},
		{},
		{clientMaxWindowBits: 9, clientNoContextTakeover: true},
		{clientMaxWindowBits: 8},
	} {
		client := newDeflater(p)
		peer := newDeflater(deflateParams{serverNoContextTakeover: p.clientNoContextTakeover})
		for i, m := range msgs {
			z, err := client.compress(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := peer.inflate(append([]byte(nil), z...), 1<<20)
			if err != nil || !bytes.Equal(got, m) {
				t.Errorf("%+v message %d: inflated %d octets (%v), want %d", p, i, len(got), err, len(m))
			}
		}
	}
	// A server stream under context takeover refers back into earlier
	// messages: inflating it needs the window the inflater keeps.
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	d := newDeflater(deflateParams{})
	for i, m := range msgs {
		out.Reset()
		w.Write(m)
		w.Flush()
		z := bytes.TrimSuffix(out.Bytes(), deflateTail)
		got, err := d.inflate(z, 1<<20)
		if err != nil || !bytes.Equal(got, m) {
			t.Errorf("context takeover, message %d: inflated %d octets (%v), want %d", i, len(got), err, len(m))
		}
	}
	if _, err := newDeflater(deflateParams{}).inflate([]byte{0xff, 0xff, 0xff}, 100); err == nil {
		t.Error("garbage inflates")
	}
	big, _ := newDeflater(deflateParams{serverNoContextTakeover: true}).compress(make([]byte, 1000))
	if _, err := newDeflater(deflateParams{serverNoContextTakeover: true}).inflate(big, 999); err != errInflatedTooLarge {
		t.Errorf("a message past the limit: %v, want errInflatedTooLarge", err)
	}
}
