package oracle

import (
	"bytes"
	"fmt"
	"strings"
)

// SameFrames reports whether two frame lists are equal, payloads compared
// by content.
func SameFrames(a, b []Frame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// The echo of a compressed message may go uncompressed (RFC 7692
		// lets any message do so; a server does when compressing would
		// not make it shorter): b, the model's frame, says compressed.
		if a[i].Op != b[i].Op || a[i].Compressed != b[i].Compressed && !b[i].Compressed || a[i].Code != b[i].Code ||
			!bytes.Equal(a[i].Payload, b[i].Payload) {
			return false
		}
	}
	return true
}

// DescribeFrames renders frames for a failure message, payloads cut short.
func DescribeFrames(frames []Frame) string {
	if len(frames) == 0 {
		return "nothing"
	}
	var b strings.Builder
	for i, f := range frames {
		if i > 0 {
			b.WriteString(", ")
		}
		switch f.Op {
		case OpClose:
			fmt.Fprintf(&b, "close %d", f.Code)
		default:
			name := map[byte]string{OpText: "text", OpBinary: "binary", OpPong: "pong"}[f.Op]
			if f.Compressed {
				name += " (compressed)"
			}
			fmt.Fprintf(&b, "%s %q", name, clipped(f.Payload))
		}
	}
	return b.String()
}

// clipped shortens a long payload for a message.
func clipped(b []byte) []byte {
	if len(b) > 512 {
		return b[:512]
	}
	return b
}
