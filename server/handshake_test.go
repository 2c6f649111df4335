package server

import (
	"errors"
	"strings"
	"testing"
)

const goodRequest = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

// request returns goodRequest with header lines replaced (name: value) or,
// for an empty value, removed.
func request(firstLine string, edits ...string) string {
	lines := strings.Split(strings.TrimSuffix(goodRequest, "\r\n\r\n"), "\r\n")
	if firstLine != "" {
		lines[0] = firstLine
	}
	for _, e := range edits {
		name, value, _ := strings.Cut(e, ":")
		kept := lines[:1]
		for _, l := range lines[1:] {
			if !strings.HasPrefix(strings.ToLower(l), strings.ToLower(name)+":") {
				kept = append(kept, l)
			}
		}
		lines = kept
		if value != "" {
			lines = append(lines, name+":"+value)
		}
	}
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

func TestHandshakeAccepts(t *testing.T) {
	for _, req := range []string{
		goodRequest,
		request("", "Upgrade: WebSocket", "Connection: keep-alive, Upgrade"),
		request("", "Connection: UPGRADE"),
		request("", "Upgrade: websocket, foo/1"),
		request("", "Sec-WebSocket-Key:\t dGhlIHNhbXBsZSBub25jZQ== \t"),
		request("", "Content-Length: 00"),
		request("GET http://server.example.com/chat?a=%20b HTTP/1.1"),
	} {
		res, n, err := ReadHandshake([]byte(req+"\x81"), nil)
		if err != nil || !res.Accepted() || n != len(req) {
			t.Fatalf("%q: status %d %q, consumed %d, err %v", req, res.Status, res.Reason, n, err)
		}
		// RFC 6455 section 1.3's example key and accept value.
		if !strings.Contains(string(res.Response), "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") {
			t.Fatalf("response lacks the RFC accept value:\n%s", res.Response)
		}
	}
}

func TestHandshakeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		req    string
		status int
		reason string
	}{
		{"POST", request("POST /chat HTTP/1.1"), 400, "method must be GET"},
		{"HTTP/1.0", request("GET /chat HTTP/1.0"), 400, "protocol must be HTTP/1.1"},
		{"no Host", request("", "Host:"), 400, "missing Host header"},
		{"no Upgrade", request("", "Upgrade:"), 400, "missing \"Upgrade: websocket\" header"},
		{"Upgrade h2c", request("", "Upgrade: h2c"), 400, "missing \"Upgrade: websocket\" header"},
		{"no Connection", request("", "Connection:"), 400, "missing \"upgrade\" token in Connection header"},
		{"Connection close", request("", "Connection: close"), 400, "missing \"upgrade\" token in Connection header"},
		{"no key", request("", "Sec-WebSocket-Key:"), 400, "exactly one Sec-WebSocket-Key header is required"},
		{"key not base64", request("", "Sec-WebSocket-Key: not base64!"), 400, "Sec-WebSocket-Key must be base64 of 16 bytes"},
		{"key of 15 bytes", request("", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"), 400, "Sec-WebSocket-Key must be base64 of 16 bytes"},
		{"no version", request("", "Sec-WebSocket-Version:"), 426, "unsupported Sec-WebSocket-Version (only 13 is supported)"},
		{"version 8", request("", "Sec-WebSocket-Version: 8"), 426, "unsupported Sec-WebSocket-Version (only 13 is supported)"},
		{"not HTTP", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "malformed request line"},
		{"with a body", request("", "Content-Length: 5"), 400, "upgrade request must not have a body"},
		{"chunked body", request("", "Transfer-Encoding: chunked"), 400, "upgrade request must not have a body"},
		{"Content-Length not digits", request("", "Content-Length: +0"), 400, "malformed Content-Length header"},
		// RFC 7230 field syntax: only SP and HTAB are whitespace around a value.
		{"key with NBSP", request("", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\u00a0"), 400, "Sec-WebSocket-Key must be base64 of 16 bytes"},
		{"version with NBSP", request("", "Sec-WebSocket-Version: 13\u00a0"), 426, "unsupported Sec-WebSocket-Version (only 13 is supported)"},
		{"key with vertical tab", request("", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\v"), 400, "control octet in a header field value"},
		{"NUL in a value", request("", "X-Nul: a\x00b"), 400, "control octet in a header field value"},
		{"obs-fold", strings.Replace(goodRequest, "Sec-WebSocket-Key: ", "Sec-WebSocket-Key:\r\n ", 1), 400, "folded header line (obs-fold)"},
		{"bare LF", strings.Replace(goodRequest, "Upgrade: websocket\r\n", "Upgrade: websocket\n", 1), 400, "bare CR or LF in the request header section"},
		{"bare CR", strings.Replace(goodRequest, "Upgrade: websocket\r\n", "Upgrade: websocket\rX: y\r\n", 1), 400, "bare CR or LF in the request header section"},
		{"space before colon", strings.Replace(goodRequest, "Upgrade:", "Upgrade :", 1), 400, "malformed header field name"},
		{"space in a name", strings.Replace(goodRequest, "Upgrade:", "Up grade:", 1), 400, "malformed header field name"},
		{"no colon", strings.Replace(goodRequest, "Upgrade:", "X-No-Colon\r\nUpgrade:", 1), 400, "malformed header field name"},
		{"two keys", strings.Replace(goodRequest, "Sec-WebSocket-Version", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version", 1), 400, "exactly one Sec-WebSocket-Key header is required"},
		{"two Hosts", strings.Replace(goodRequest, "Upgrade:", "Host: other.example\r\nUpgrade:", 1), 400, "more than one Host header"},
		{"Host with a space", request("", "Host: a b"), 400, "malformed Host header"},
		{"key with nonzero padding bits", request("", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR=="), 400, "Sec-WebSocket-Key must be base64 of 16 bytes"},
		{"asterisk target", request("GET * HTTP/1.1"), 400, "malformed request line"},
		{"fragment in the target", request("GET /chat#x HTTP/1.1"), 400, "malformed request line"},
		{"bad percent-encoding", request("GET /%zz HTTP/1.1"), 400, "malformed request line"},
		{"two spaces", request("GET  /chat HTTP/1.1"), 400, "malformed request line"},
		{"lower-case version", request("GET /chat http/1.1"), 400, "malformed request line"},
		{"empty line first", "\r\n" + goodRequest, 400, "malformed request line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := ReadHandshake([]byte(tt.req), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.Reason != tt.reason {
				t.Fatalf("got %d %q, want %d %q", res.Status, res.Reason, tt.status, tt.reason)
			}
			resp := string(res.Response)
			if strings.Contains(resp, "101") || !strings.HasSuffix(resp, "\r\n\r\n"+tt.reason+"\n") {
				t.Fatalf("response does not end in the reason:\n%s", resp)
			}
			if hasVersion := strings.Contains(resp, "Sec-WebSocket-Version: 13\r\n"); hasVersion != (tt.status == 426) {
				t.Fatalf("Sec-WebSocket-Version in response: %v for status %d", hasVersion, tt.status)
			}
		})
	}
}

func TestHandshakeIncompleteAndOversized(t *testing.T) {
	if _, _, err := ReadHandshake([]byte(goodRequest[:40]), nil); !errors.Is(err, ErrIncompleteRequest) {
		t.Fatalf("partial request: err %v", err)
	}
	huge := "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", MaxHandshakeSize)
	res, _, err := ReadHandshake([]byte(huge), nil)
	if err != nil || res.Status != 431 {
		t.Fatalf("oversized request: status %d err %v, want 431", res.Status, err)
	}
}

func TestHandshakeNegotiates(t *testing.T) {
	var offered []string
	negotiate := func(offers []string) (string, MessageCodec) {
		offered = offers
		return "permessage-deflate", nil
	}
	req := request("", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
	res, _, _ := ReadHandshake([]byte(req), negotiate)
	if !res.Accepted() || len(offered) != 1 || offered[0] != "permessage-deflate; client_max_window_bits" {
		t.Fatalf("negotiator saw %q", offered)
	}
	if !strings.Contains(string(res.Response), "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n") {
		t.Fatalf("response lacks the extension:\n%s", res.Response)
	}
}
