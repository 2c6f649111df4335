package fuzz

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/oracle"
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

// checkHandshake is FuzzHandshake's property, over the handshake under
// test: it never panics; it asks for more bytes exactly when the model
// (expectHandshake) does; otherwise it consumes the request and nothing
// more, answers 101 exactly for a valid upgrade, with the accept key of RFC
// 6455 section 1.3 and the permessage-deflate answer of a server that
// accepts the first acceptable offer with default preferences
// (oracle.DefaultPMDAnswer, which must also be a valid acceptance by
// oracle.JudgePMDResponse), and otherwise the model's 4xx, with a one-line
// reason that is also the body, and "Sec-WebSocket-Version: 13" on a 426.
func checkHandshake(r reporter, read func([]byte) (server.HandshakeResult, int, error), raw []byte) {
	r.Helper()
	want := expectHandshake(raw)
	res, size, err := read(raw)
	if want.status == 0 {
		if err != server.ErrIncompleteRequest {
			r.Errorf("request %q: got status %d, error %v; want a request for more bytes", clip(raw), res.Status, err)
		}
		return
	}
	if err != nil || res.Status != want.status || size != want.size {
		r.Errorf("request %q: status %d (%q), consumed %d, error %v; want %d, consumed %d",
			clip(raw), res.Status, res.Reason, size, err, want.status, want.size)
		return
	}
	resp, ok := parseResponse(res.Response)
	if !ok || resp.status != want.status {
		r.Errorf("request %q: response %q does not parse as status %d", clip(raw), res.Response, want.status)
		return
	}
	if want.status == http.StatusSwitchingProtocols {
		sum := sha1.Sum([]byte(want.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		accept := base64.StdEncoding.EncodeToString(sum[:])
		if !res.Accepted() || resp.get("Sec-WebSocket-Accept") != accept || len(resp.body) != 0 ||
			!strings.EqualFold(resp.get("Upgrade"), "websocket") || !strings.EqualFold(resp.get("Connection"), "upgrade") {
			r.Errorf("request %q: 101 response %q lacks Upgrade, Connection or accept key %s", clip(raw), res.Response, accept)
		}
		if reason := checkExtensionAnswer(want.offers, resp.get("Sec-WebSocket-Extensions")); reason != "" || res.Extensions != resp.get("Sec-WebSocket-Extensions") || (res.Codec == nil) != (res.Extensions == "") {
			r.Errorf("request %q: response %q negotiates %q (codec %v): %s", clip(raw), res.Response, res.Extensions, res.Codec != nil, reason)
		}
		return
	}
	if res.Accepted() || res.Reason == "" || strings.ContainsAny(res.Reason, "\r\n") || resp.body != res.Reason+"\n" ||
		resp.get("Content-Length") != strconv.Itoa(len(resp.body)) {
		r.Errorf("request %q: refusal %q has reason %q and body %q", clip(raw), res.Response, res.Reason, resp.body)
	}
	if want.status == http.StatusUpgradeRequired && resp.get("Sec-WebSocket-Version") != "13" {
		r.Errorf("request %q: 426 response %q without Sec-WebSocket-Version: 13", clip(raw), res.Response)
	}
}

// checkExtensionAnswer says how answer, the Sec-WebSocket-Extensions value
// of a 101 response ("" for none), differs from what a server with default
// preferences answers to offers, or "".
func checkExtensionAnswer(offers []oracle.PMDOffer, answer string) string {
	want, offer := oracle.DefaultPMDAnswer(offers)
	if offer < 0 {
		if answer != "" {
			return "no offer is acceptable, yet the server answers one"
		}
		return ""
	}
	got, accepted, others, err := oracle.ParsePMDResponse(answer)
	switch {
	case err != nil:
		return err.Error()
	case !accepted || len(others) > 0 || got != want:
		return fmt.Sprintf("want %q (offer %d)", want.String(), offer)
	}
	if _, judged, err := oracle.JudgePMDResponse(offers, answer); err != nil || judged != offer {
		return fmt.Sprintf("the answer accepts offer %d (%v), want offer %d", judged, err, offer)
	}
	return ""
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
