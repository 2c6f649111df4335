package replay

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// websocketGUID is the GUID RFC 6455 appends to the key.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// maxResponseHeader bounds the server's handshake response.
const maxResponseHeader = 64 << 10

// Target is a parsed ws:// URL.
type Target struct {
	Addr string // host:port to dial
	Host string // the Host header
	Path string // the request target, "" to keep the report's
}

// ParseTarget parses a ws:// URL. A URL without a path (ws://host:port)
// keeps the path of each report's request; with one, every request goes
// to it. wss:// is not supported.
func ParseTarget(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, err
	}
	if u.Scheme != "ws" {
		return Target{}, fmt.Errorf("target %q: only ws:// URLs are supported", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return Target{}, fmt.Errorf("target %q has no host", raw)
	}
	t := Target{Host: u.Host, Addr: u.Host}
	if u.Port() == "" {
		t.Addr = u.Host + ":80"
	}
	if u.Path != "" || u.RawQuery != "" {
		t.Path = u.RequestURI()
	}
	return t, nil
}

// buildRequest rewrites the report's opening handshake request for the
// target: the target's Host, a fresh Sec-WebSocket-Key, the target's path
// when it has one; every other header is sent as the report shows it.
func buildRequest(report string, t Target) (req []byte, key string, err error) {
	var k [16]byte
	if _, err := rand.Read(k[:]); err != nil {
		return nil, "", err
	}
	key = base64.StdEncoding.EncodeToString(k[:])
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(report), "\r\n", "\n"), "\n")
	first := strings.Fields(lines[0])
	if len(first) != 3 || first[0] != "GET" {
		return nil, "", fmt.Errorf("the report's request line %q is not a GET", lines[0])
	}
	path := first[1]
	if t.Path != "" {
		path = t.Path
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s %s\r\n", path, first[2])
	hostDone, keyDone := false, false
	for _, line := range lines[1:] {
		name, _, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "host":
			line, hostDone = "Host: "+t.Host, true
		case "sec-websocket-key":
			line, keyDone = "Sec-WebSocket-Key: "+key, true
		}
		b.WriteString(line + "\r\n")
	}
	if !hostDone {
		b.WriteString("Host: " + t.Host + "\r\n")
	}
	if !keyDone {
		b.WriteString("Sec-WebSocket-Key: " + key + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes(), key, nil
}

// checkResponse checks the server's handshake response the way Autobahn's
// client does: 101, Upgrade: websocket, Connection: upgrade and the right
// Sec-WebSocket-Accept, and no extension it did not offer. offer is the
// request's Sec-WebSocket-Extensions ("" for none); when the server agreed
// to permessage-deflate, its parameters are returned.
func checkResponse(head []byte, key, offer string) (*deflateParams, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), nil)
	if err != nil {
		return nil, fmt.Errorf("bad HTTP response: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, fmt.Errorf("HTTP status %s, not 101", resp.Status)
	}
	if !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		return nil, fmt.Errorf("Upgrade header %q is not websocket", resp.Header.Get("Upgrade"))
	}
	if !headerHasToken(resp.Header, "Connection", "upgrade") {
		return nil, fmt.Errorf("Connection header %q has no upgrade", resp.Header.Get("Connection"))
	}
	want := acceptKey(key)
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != want {
		return nil, fmt.Errorf("Sec-WebSocket-Accept %q, want %q", got, want)
	}
	ext := strings.Join(resp.Header.Values("Sec-WebSocket-Extensions"), ", ")
	if strings.TrimSpace(ext) == "" {
		return nil, nil
	}
	return parseAgreement(ext, offer)
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}
