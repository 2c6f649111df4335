package fuzz

import (
	"encoding/binary"
	"github.com/wsfuzz/wsfuzz/oracle"
	"testing"
)

// TestModel pins the session model's predictions on cases whose answer
// RFC 6455 settles, so that a wrong model cannot agree with a wrong
// server unnoticed.
func TestModel(t *testing.T) {
	closeWith := func(code uint16) []byte {
		return maskedFrame(oracle.OpClose, binary.BigEndian.AppendUint16(nil, code))
	}
	echo := func(op byte, s string) oracle.Frame { return oracle.Frame{Op: op, Payload: []byte(s)} }
	closing := func(code uint16) oracle.Frame { return oracle.Frame{Op: oracle.OpClose, Code: code} }
	tests := []struct {
		name         string
		stream       []byte
		want         []oracle.Frame
		done, failed bool
	}{
		{"echo", maskedFrame(oracle.OpText, []byte("Hello")), []oracle.Frame{echo(oracle.OpText, "Hello")}, false, false},
		{"fragments joined", cat(frag(false, 0, oracle.OpBinary, "ab"), frag(true, 0, oracle.OpPing, "p"), frag(true, 0, oracle.OpContinuation, "c")),
			[]oracle.Frame{echo(oracle.OpPong, "p"), echo(oracle.OpBinary, "abc")}, false, false},
		{"close echoed", closeWith(4001), []oracle.Frame{closing(4001)}, true, false},
		{"empty close answered 1000", maskedFrame(oracle.OpClose, nil), []oracle.Frame{closing(1000)}, true, false},
		{"1005 on the wire", closeWith(1005), []oracle.Frame{closing(1002)}, true, true},
		{"unmasked", []byte{0x81, 0x01, 'x'}, []oracle.Frame{closing(1002)}, true, true},
		{"bad UTF-8 fails before the frame ends", maskedFrame(oracle.OpText, []byte("a\xc0\xafbcdef"))[:9], []oracle.Frame{closing(1007)}, true, true},
		{"open sequence mid-frame waits", maskedFrame(oracle.OpText, []byte("a\xe2\x82\xac"))[:8], nil, false, false},
		{"too big by its header", header(0x82, true, 1<<20, 8), []oracle.Frame{closing(1009)}, true, true},
		{"header incomplete", header(0x82, true, 300, 2)[:5], nil, false, false},
		{"length MSB judged before the key", header(0x82, true, 1<<63, 8)[:10], []oracle.Frame{closing(1002)}, true, true},
		{"nothing after close", cat(closeWith(1000), maskedFrame(oracle.OpText, []byte("late"))), []oracle.Frame{closing(1000)}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, done, failed := oracle.Predict(tt.stream, oracle.ModelConfig{MaxMessage: sessionMaxMessage})
			if !oracle.SameFrames(got, tt.want) || done != tt.done || failed != tt.failed {
				t.Errorf("model: %s, done=%v failed=%v; want %s, done=%v failed=%v",
					oracle.DescribeFrames(got), done, failed, oracle.DescribeFrames(tt.want), tt.done, tt.failed)
			}
		})
	}
}
