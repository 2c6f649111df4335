package fuzz

import (
	"bytes"
	"fmt"
	"strings"
)

// sameFrames reports whether two frame lists are equal, payloads compared
// by content.
func sameFrames(a, b []modelFrame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// The echo of a compressed message may go uncompressed (RFC 7692
		// lets any message do so; a server does when compressing would
		// not make it shorter): b, the model's frame, says compressed.
		if a[i].op != b[i].op || a[i].compressed != b[i].compressed && !b[i].compressed || a[i].code != b[i].code ||
			!bytes.Equal(a[i].payload, b[i].payload) {
			return false
		}
	}
	return true
}

// describeFrames renders frames for a failure message, payloads cut short.
func describeFrames(frames []modelFrame) string {
	if len(frames) == 0 {
		return "nothing"
	}
	var b strings.Builder
	for i, f := range frames {
		if i > 0 {
			b.WriteString(", ")
		}
		switch f.op {
		case opClose:
			fmt.Fprintf(&b, "close %d", f.code)
		default:
			name := map[byte]string{opText: "text", opBinary: "binary", opPong: "pong"}[f.op]
			if f.compressed {
				name += " (compressed)"
			}
			fmt.Fprintf(&b, "%s %q", name, clip(f.payload))
		}
	}
	return b.String()
}
