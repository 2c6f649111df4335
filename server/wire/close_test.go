package wire

import (
	"errors"
	"strings"
	"testing"
)

// TestSendable checks the classification of every 16-bit code against the
// ranges of RFC 6455 section 7.4 and the IANA registry.
func TestSendable(t *testing.T) {
	for c := range 1 << 16 {
		code := CloseCode(c)
		want := (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999)
		if code.Sendable() != want {
			t.Fatalf("code %d: Sendable %v, want %v", c, code.Sendable(), want)
		}
	}
}

func TestParseClose(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		code   CloseCode
		reason string
		err    error
	}{
		{"empty", nil, CloseNoStatus, "", nil},
		{"1 byte", []byte{0x03}, 0, "", ErrCloseLength},
		{"1000", []byte{0x03, 0xe8}, 1000, "", nil},
		{"1000 with reason", []byte("\x03\xe8bye"), 1000, "bye", nil},
		{"4999 with UTF-8 reason", []byte("\x13\x87κόσμε"), 4999, "κόσμε", nil},
		{"999", []byte{0x03, 0xe7}, 999, "", ErrCloseCode},
		{"1005", []byte{0x03, 0xed}, 1005, "", ErrCloseCode},
		{"5000", []byte{0x13, 0x88}, 5000, "", ErrCloseCode},
		{"bad reason", []byte("\x03\xe8\xce\xba\xff"), 1000, "", ErrCloseReasonUTF8},
	}
	for _, tt := range tests {
		code, reason, err := ParseClose(tt.in)
		if !errors.Is(err, tt.err) || (err == nil && (code != tt.code || string(reason) != tt.reason)) {
			t.Errorf("%s: got %d %q %v, want %d %q %v", tt.name, code, reason, err, tt.code, tt.reason, tt.err)
		}
	}
}

func TestAppendClosePayloadFitsControlFrame(t *testing.T) {
	p := AppendClosePayload(nil, 1000, strings.Repeat("é", 100)) // 200 bytes of reason
	if len(p) > MaxControlPayload {
		t.Fatalf("payload of %d bytes", len(p))
	}
	if _, _, err := ParseClose(p); err != nil {
		t.Fatalf("cut reason no longer parses: %v", err)
	}
}
