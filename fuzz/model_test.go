package fuzz

import (
	"encoding/binary"
	"testing"
)

// TestModel pins the session model's predictions on cases whose answer
// RFC 6455 settles, so that a wrong model cannot agree with a wrong
// server unnoticed.
func TestModel(t *testing.T) {
	closeWith := func(code uint16) []byte {
		return maskedFrame(opClose, binary.BigEndian.AppendUint16(nil, code))
	}
	echo := func(op byte, s string) modelFrame { return modelFrame{op: op, payload: []byte(s)} }
	closing := func(code uint16) modelFrame { return modelFrame{op: opClose, code: code} }
	tests := []struct {
		name         string
		stream       []byte
		want         []modelFrame
		done, failed bool
	}{
		{"echo", maskedFrame(opText, []byte("Hello")), []modelFrame{echo(opText, "Hello")}, false, false},
		{"fragments joined", cat(frag(false, 0, opBinary, "ab"), frag(true, 0, opPing, "p"), frag(true, 0, opContinuation, "c")),
			[]modelFrame{echo(opPong, "p"), echo(opBinary, "abc")}, false, false},
		{"close echoed", closeWith(4001), []modelFrame{closing(4001)}, true, false},
		{"empty close answered 1000", maskedFrame(opClose, nil), []modelFrame{closing(1000)}, true, false},
		{"1005 on the wire", closeWith(1005), []modelFrame{closing(1002)}, true, true},
		{"unmasked", []byte{0x81, 0x01, 'x'}, []modelFrame{closing(1002)}, true, true},
		{"bad UTF-8 fails before the frame ends", maskedFrame(opText, []byte("a\xc0\xafbcdef"))[:9], []modelFrame{closing(1007)}, true, true},
		{"open sequence mid-frame waits", maskedFrame(opText, []byte("a\xe2\x82\xac"))[:8], nil, false, false},
		{"too big by its header", header(0x82, true, 1<<20, 8), []modelFrame{closing(1009)}, true, true},
		{"header incomplete", header(0x82, true, 300, 2)[:5], nil, false, false},
		{"length MSB judged before the key", header(0x82, true, 1<<63, 8)[:10], []modelFrame{closing(1002)}, true, true},
		{"nothing after close", cat(closeWith(1000), maskedFrame(opText, []byte("late"))), []modelFrame{closing(1000)}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, done, failed := predictSession(tt.stream, modelConfig{maxMessage: sessionMaxMessage})
			if !sameFrames(got, tt.want) || done != tt.done || failed != tt.failed {
				t.Errorf("model: %s, done=%v failed=%v; want %s, done=%v failed=%v",
					describeFrames(got), done, failed, describeFrames(tt.want), tt.done, tt.failed)
			}
		})
	}
}
