package oracle

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/internal/deflatebits"
	"github.com/wsfuzz/wsfuzz/target"
)

// cframe is a client frame: masked with a zero key, so the payload reads
// as written.
func cframe(b0 byte, payload []byte) []byte {
	f := []byte{b0}
	switch n := len(payload); {
	case n <= 125:
		f = append(f, 0x80|byte(n))
	default:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	}
	return append(append(f, 0, 0, 0, 0), payload...)
}

// sframe is a server frame, unmasked.
func sframe(b0 byte, payload []byte) []byte {
	return append([]byte{b0, byte(len(payload))}, payload...)
}

func code(c uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, c), reason...)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// TestJudgeLatitude judges hand-made outcomes, one per rule of the
// oracle's latitude and strictness.
func TestJudgeLatitude(t *testing.T) {
	badText := []byte{0xce, 0xba, 0xff}
	tests := []struct {
		name   string
		pieces [][]byte
		o      target.Outcome
		want   string
		strict bool // the verdict must also pass under Strict
	}{
		{
			name:   "echo and clean close",
			pieces: [][]byte{cat(cframe(0x81, []byte("hi")), cframe(0x88, code(1000, "")))},
			o:      target.Outcome{Output: cat(sframe(0x81, []byte("hi")), sframe(0x88, code(1000, ""))), After: []int{8}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0},
			want:   OK, strict: true,
		},
		{
			name:   "invalid UTF-8 failed at once",
			pieces: [][]byte{cframe(0x01, badText), cframe(0x80, []byte("x"))},
			o:      target.Outcome{Output: sframe(0x88, code(1007, "")), After: []int{4, 4}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0, Replied: true, ReplyCode: 1007},
			want:   OK, strict: true,
		},
		{
			name:   "invalid UTF-8 failed at the message end",
			pieces: [][]byte{cframe(0x01, badText), cframe(0x80, []byte("x"))},
			o:      target.Outcome{Output: sframe(0x88, code(1007, "")), After: []int{0, 4}, Sent: 2, Ending: target.EndServerClosed, ClosedAfter: 1, Replied: true, ReplyCode: 1007},
			want:   NonStrict,
		},
		{
			name:   "invalid UTF-8 dropped at the message end without a close frame",
			pieces: [][]byte{cframe(0x01, badText), cframe(0x80, []byte("x"))},
			o:      target.Outcome{After: []int{0, 0}, Sent: 2, Ending: target.EndServerClosed, ClosedAfter: 1},
			want:   NonStrict,
		},
		{
			name:   "invalid UTF-8 echoed",
			pieces: [][]byte{cframe(0x81, badText)},
			o:      target.Outcome{Output: sframe(0x81, badText), After: []int{5}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1},
			want:   Failed,
		},
		{
			name:   "close reason not UTF-8 refused with 1002",
			pieces: [][]byte{cframe(0x88, code(1000, "\xff"))},
			o:      target.Outcome{Output: sframe(0x88, code(1002, "")), After: []int{4}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0},
			want:   OK, strict: true,
		},
		{
			name:   "undefined close code echoed",
			pieces: [][]byte{cframe(0x88, code(5000, ""))},
			o:      target.Outcome{Output: sframe(0x88, code(5000, "")), After: []int{4}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0},
			want:   Informational, strict: true,
		},
		{
			name:   "reserved RSV bits failed on the first two bytes",
			pieces: [][]byte{{0xb1, 0x80}},
			o:      target.Outcome{Output: sframe(0x88, code(1002, "")), After: []int{4}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0, Replied: true, ReplyCode: 1002},
			want:   OK, strict: true,
		},
		{
			name:   "a length not in its minimal form accepted",
			pieces: [][]byte{{0x82, 0x80 | 126, 0, 2, 0, 0, 0, 0, 'h', 'i'}},
			o:      target.Outcome{Output: sframe(0x82, []byte("hi")), After: []int{4}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1},
			want:   NonStrict,
		},
		{
			name:   "a masked server frame",
			pieces: [][]byte{cframe(0x81, []byte("hi"))},
			o:      target.Outcome{Output: []byte{0x81, 0x82, 0, 0, 0, 0, 'h', 'i'}, After: []int{8}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1},
			want:   Failed,
		},
		{
			name:   "an extension the client did not offer",
			pieces: [][]byte{cframe(0x81, []byte("hi"))},
			o:      target.Outcome{Extensions: "permessage-deflate", Output: sframe(0x81, []byte("hi")), After: []int{4}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1},
			want:   Failed,
		},
		{
			name:   "lingering after the closing handshake",
			pieces: [][]byte{cframe(0x88, code(1000, ""))},
			o:      target.Outcome{Output: sframe(0x88, code(1000, "")), After: []int{4}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1, Lingered: true},
			want:   Failed,
		},
		{
			name:   "a panic",
			pieces: [][]byte{cframe(0x88, nil)},
			o:      target.Outcome{Ending: target.EndPanicked, Panic: "boom", ClosedAfter: -1},
			want:   Panicked,
		},
		{
			name:   "memory far above the input",
			pieces: [][]byte{{0x82, 0xff, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0}},
			o:      target.Outcome{Allocated: 4 << 20, After: []int{0}, Sent: 1, Ending: target.EndClientClosed, ClosedAfter: -1},
			want:   Memory,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Status = 101
			v := Judge(target.Input{Pieces: tt.pieces}, &tt.o, Options{})
			if v.Kind != tt.want {
				t.Fatalf("verdict %s, want %s", v, tt.want)
			}
			if got := Judge(target.Input{Pieces: tt.pieces}, &tt.o, Options{Strict: true}).Pass(true); got != tt.strict {
				t.Errorf("passes under Strict: %v, want %v", got, tt.strict)
			}
			if !v.Pass(false) && len(v.Explanation) == 0 {
				t.Error("a failing verdict without an explanation")
			}
			if tt.want == NonStrict && !strings.Contains(strings.Join(v.Explanation, "\n"), "piece") && !strings.Contains(strings.Join(v.Explanation, "\n"), "latitude") {
				t.Errorf("a NON-STRICT verdict that does not say why: %s", v)
			}
		})
	}
}

// TestJudgeZlibWindow: a client that promised an 8-bit window and refers
// 300 octets back. Servers built on zlib accept it (zlib's smallest window
// is 9 bits), strict ones refuse it with 1007: both pass.
func TestJudgeZlibWindow(t *testing.T) {
	var w deflatebits.Writer
	w.BlockHeader(true, deflatebits.Fixed)
	var plain []byte
	for i := range 300 {
		plain = append(plain, byte('a'+i%26))
	}
	w.FixedLiterals(string(plain))
	w.FixedCopy3(300)
	w.FixedSymbol(256)
	w.Align()
	plain = append(plain, plain[:3]...)
	stream := cat(cframe(0xc2, w.Bytes()), cframe(0x88, code(1000, "")))
	offer := "permessage-deflate; client_max_window_bits=8"
	for _, tt := range []struct {
		name   string
		output []byte
	}{
		{"echoed, as zlib reads it", cat([]byte{0x82, 126, byte(len(plain) >> 8), byte(len(plain))}, plain, sframe(0x88, code(1000, "")))},
		{"refused with 1007", sframe(0x88, code(1007, ""))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := &target.Outcome{Status: 101, Extensions: offer, Output: tt.output, After: []int{len(tt.output)}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0}
			if v := Judge(target.Input{Offer: offer, Pieces: [][]byte{stream}}, o, Options{}); !v.Pass(true) {
				t.Errorf("%s", v)
			}
		})
	}
	// A server that echoes something else still fails.
	bad := cat(sframe(0x82, []byte("nope")), sframe(0x88, code(1000, "")))
	o := &target.Outcome{Status: 101, Extensions: offer, Output: bad, After: []int{len(bad)}, Sent: 1, Ending: target.EndServerClosed, ClosedAfter: 0}
	if v := Judge(target.Input{Offer: offer, Pieces: [][]byte{stream}}, o, Options{}); v.Pass(false) {
		t.Errorf("a wrong echo passed: %s", v)
	}
}
