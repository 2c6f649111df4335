package fuzz

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// FuzzHandshake feeds raw bytes to the sans-I/O opening handshake as an
// HTTP request and checks the answer with checkHandshake.
func FuzzHandshake(f *testing.F) {
	f.Fuzz(func(t *testing.T, request []byte) {
		checkHandshake(t, readHandshake, request)
	})
}

// handshakePrefs are the server's permessage-deflate preferences in
// FuzzHandshake: the defaults, which accept any valid offer.
var handshakePrefs = deflate.Preferences{}

// readHandshake is the handshake under test, negotiating permessage-deflate
// as the server does.
func readHandshake(raw []byte) (server.HandshakeResult, int, error) {
	return server.ReadHandshake(raw, server.Deflate(handshakePrefs))
}

// handshakeLimit is the size of the largest request header section the
// server reads (server.MaxHandshakeSize), restated as the contract.
const handshakeLimit = 8 << 10

// expectHandshake is the model's answer to raw: the status (0 while more
// bytes are needed), the size of the request, and for a valid upgrade the
// client's key and the Sec-WebSocket-Extensions answer, which is
// deflate.Negotiate's on the request's offers ("" for none). It applies RFC 6455 section 4.2.1 on top of
// net/http's request parser: a GET in HTTP/1.1 with a Host, an Upgrade
// header naming websocket and a Connection header naming upgrade
// (case-insensitive tokens), no body, exactly one Sec-WebSocket-Version
// that is 13 (else 426) and exactly one Sec-WebSocket-Key that is the
// base64 of 16 bytes. A header section that does not end within 8 KiB is
// refused with 431.
func expectHandshake(raw []byte) (status, size int, key, extensions string) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 || end+4 > handshakeLimit {
		if len(raw) < handshakeLimit {
			return 0, 0, "", ""
		}
		return http.StatusRequestHeaderFieldsTooLarge, len(raw), "", ""
	}
	size = end + 4
	req, err := http.ReadRequest(bufio.NewReaderSize(bytes.NewReader(raw[:size]), size))
	if err != nil {
		return http.StatusBadRequest, size, "", ""
	}
	hasToken := func(name, token string) bool {
		for _, v := range req.Header[http.CanonicalHeaderKey(name)] {
			for _, t := range strings.Split(v, ",") {
				if strings.EqualFold(strings.TrimSpace(t), token) {
					return true
				}
			}
		}
		return false
	}
	if req.Method != "GET" || req.ProtoMajor != 1 || req.ProtoMinor != 1 || req.Host == "" ||
		!hasToken("Upgrade", "websocket") || !hasToken("Connection", "upgrade") ||
		req.ContentLength > 0 || len(req.TransferEncoding) > 0 {
		return http.StatusBadRequest, size, "", ""
	}
	if v := req.Header["Sec-Websocket-Version"]; len(v) != 1 || strings.TrimSpace(v[0]) != "13" {
		return http.StatusUpgradeRequired, size, "", ""
	}
	keys := req.Header["Sec-Websocket-Key"]
	if len(keys) != 1 {
		return http.StatusBadRequest, size, "", ""
	}
	key = strings.TrimSpace(keys[0])
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
		return http.StatusBadRequest, size, "", ""
	}
	if offers := req.Header["Sec-Websocket-Extensions"]; len(offers) > 0 {
		_, extensions, _ = deflate.Negotiate(offers, handshakePrefs)
	}
	return http.StatusSwitchingProtocols, size, key, extensions
}

// checkHandshake is FuzzHandshake's property, over the handshake under
// test: it never panics; it asks for more bytes exactly when the model
// does; otherwise it consumes the request and nothing more, answers 101
// exactly for a valid upgrade (with the accept key of RFC 6455 section
// 1.3, and the permessage-deflate answer the model expects) and otherwise the model's 4xx, with a one-line reason that is also
// the body, and "Sec-WebSocket-Version: 13" on a 426.
func checkHandshake(r reporter, read func([]byte) (server.HandshakeResult, int, error), raw []byte) {
	r.Helper()
	wantStatus, wantSize, key, extensions := expectHandshake(raw)
	res, size, err := read(raw)
	if wantStatus == 0 {
		if err != server.ErrIncompleteRequest {
			r.Errorf("request %q: got status %d, error %v; want a request for more bytes", clip(raw), res.Status, err)
		}
		return
	}
	if err != nil || res.Status != wantStatus || size != wantSize {
		r.Errorf("request %q: status %d (%q), consumed %d, error %v; want %d, consumed %d",
			clip(raw), res.Status, res.Reason, size, err, wantStatus, wantSize)
		return
	}
	resp, ok := parseResponse(res.Response)
	if !ok || resp.status != wantStatus {
		r.Errorf("request %q: response %q does not parse as status %d", clip(raw), res.Response, wantStatus)
		return
	}
	if wantStatus == http.StatusSwitchingProtocols {
		sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		accept := base64.StdEncoding.EncodeToString(sum[:])
		if !res.Accepted() || resp.get("Sec-WebSocket-Accept") != accept || len(resp.body) != 0 ||
			!strings.EqualFold(resp.get("Upgrade"), "websocket") || !strings.EqualFold(resp.get("Connection"), "upgrade") {
			r.Errorf("request %q: 101 response %q lacks Upgrade, Connection or accept key %s", clip(raw), res.Response, accept)
		}
		if resp.get("Sec-WebSocket-Extensions") != extensions || res.Extensions != extensions || (res.Codec == nil) != (extensions == "") {
			r.Errorf("request %q: response %q negotiates %q (codec %v), want %q", clip(raw), res.Response, res.Extensions, res.Codec != nil, extensions)
		}
		return
	}
	if res.Accepted() || res.Reason == "" || strings.ContainsAny(res.Reason, "\r\n") || resp.body != res.Reason+"\n" ||
		resp.get("Content-Length") != strconv.Itoa(len(resp.body)) {
		r.Errorf("request %q: refusal %q has reason %q and body %q", clip(raw), res.Response, res.Reason, resp.body)
	}
	if wantStatus == http.StatusUpgradeRequired && resp.get("Sec-WebSocket-Version") != "13" {
		r.Errorf("request %q: 426 response %q without Sec-WebSocket-Version: 13", clip(raw), res.Response)
	}
}

// response is an HTTP/1.1 response as parseResponse reads it.
type response struct {
	status int
	header [][2]string
	body   string
}

// get returns the value of the header name (case-insensitive), "" if none.
func (r response) get(name string) string {
	for _, h := range r.header {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// parseResponse reads a response the server wrote: a status line
// "HTTP/1.1 NNN text", "Name: value" lines and a body after the blank
// line. It is strict and small on purpose: the server writes these bytes
// itself, so anything looser is a bug.
func parseResponse(b []byte) (response, bool) {
	var resp response
	head, body, found := strings.Cut(string(b), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	status, ok := strings.CutPrefix(lines[0], "HTTP/1.1 ")
	if !found || !ok || len(status) < 4 || status[3] != ' ' {
		return resp, false
	}
	code, err := strconv.Atoi(status[:3])
	if err != nil || http.StatusText(code) != status[4:] {
		return resp, false
	}
	resp.status, resp.body = code, body
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ": ")
		if !ok || name == "" {
			return resp, false
		}
		resp.header = append(resp.header, [2]string{name, value})
	}
	return resp, true
}
