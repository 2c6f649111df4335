package fuzz

import (
	"strings"
	"testing"
)

// TestHandshakeModel pins the model's own verdicts, independently of the
// server: the status it expects for each hand-written handshake seed.
func TestHandshakeModel(t *testing.T) {
	want := map[string]int{
		"rfc": 101, "rfc-with-frame-after": 101, "lowercase-tokens": 101, "absolute-uri": 101,
		"key-tabs": 101, "content-length-zero": 101, "percent-escapes": 101, "host-ipv6-literal": 101, "upgrade-obs-fold": 400,
		"deflate-offer": 101, "deflate-two-offers": 101, "deflate-bad-window": 101, "deflate-two-headers": 101, "deflate-quoted": 101,
		"deflate-client-window-value": 101, "deflate-repeated-parameter": 101, "deflate-flag-with-value": 101,
		"deflate-window-without-value": 101, "deflate-window-leading-zero": 101, "deflate-window-16": 101,
		"deflate-unknown-parameter": 101, "deflate-missing-semicolon": 101, "deflate-empty-parameter": 101,
		"deflate-no-name": 101, "deflate-empty-value": 101, "deflate-quoted-escapes": 101, "deflate-quoted-not-token": 101,
		"deflate-quoted-comma": 101, "deflate-unterminated-quote": 101, "deflate-quoted-pair-at-the-end": 101, "deflate-other-extensions-only": 101,
		"no-upgrade": 400, "upgrade-h2c": 400, "connection-keep-alive": 400, "post": 400, "http-1.0": 400, "no-host": 400,
		"body": 400, "chunked": 400, "bad-request-line": 400, "no-key": 400, "two-keys": 400, "key-15-bytes": 400, "key-not-base64": 400,
		"version-8": 426, "two-versions": 426, "version-list": 426, "version-nbsp": 426,
		"key-nbsp": 400, "key-vertical-tab": 400, "key-obs-fold": 400, "bare-lf": 400, "bare-cr": 400,
		"nul-in-value": 400, "nul-in-key": 400, "space-before-colon": 400, "space-in-name": 400, "line-without-colon": 400,
		"two-hosts": 400, "host-with-space": 400, "key-padding-bits": 400, "asterisk-target": 400, "bad-percent-escape": 400,
		"two-spaces-in-request-line": 400, "leading-empty-line": 400, "content-length-plus": 400,
		"incomplete": 0, "bare-lf-only": 400, "oversized": 431,
	}
	seen := 0
	for _, s := range handshakeSeeds() {
		status, ok := want[s.name]
		if !ok {
			t.Errorf("seed %s has no expected status here", s.name)
			continue
		}
		seen++
		if got := expectHandshake(s.args[0].([]byte)); got.status != status {
			t.Errorf("seed %s: the model says %d, want %d", s.name, got.status, status)
		}
	}
	if seen != len(want) {
		t.Errorf("%d seeds checked, %d expected", seen, len(want))
	}
}

func TestHandshakeModelKeys(t *testing.T) {
	for key, ok := range map[string]bool{
		"dGhlIHNhbXBsZSBub25jZQ==":   true,
		"AAAAAAAAAAAAAAAAAAAAAA==":   true,
		"/////////////////////w==":   true,
		"/////////////////////x==":   false, // unused bits set
		"dGhlIHNhbXBsZSBub25jZQ=":    false,
		"dGhlIHNhbXBsZSBub25jZQ===":  false,
		"dGhlIHNhbXBsZSBub25jZQ":     false,
		"dGhlIHNhbXBsZSBub25j":       false,
		"dGhlIHNhbXBsZSBub25jZQ-=":   false,
		"dGhl IHNhbXBsZSBub25jZQ==":  false,
		"dGhlIHNhbXBsZSBub25jZA==":   true,
		strings.Repeat("A", 24):      false,
		"dGhlIHNhbXBsZSBub25jZQ==\t": false,
	} {
		if got := canonicalBase64Of16(key); got != ok {
			t.Errorf("canonicalBase64Of16(%q) = %v, want %v", key, got, ok)
		}
	}
}
