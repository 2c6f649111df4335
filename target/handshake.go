package target

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// clientKey is the Sec-WebSocket-Key of every exchange: RFC 6455's own
// example nonce. A fixed key keeps an exchange a pure function of its input;
// the key is only there to prove the server read the request.
const clientKey = "dGhlIHNhbXBsZSBub25jZQ=="

// HandshakeResponse is a server's 101 answer to HandshakeRequest, agreeing
// to extensions ("" for none): what a report of an exchange shows.
func HandshakeResponse(extensions string) []byte {
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acceptKey(clientKey) + "\r\n"
	if extensions != "" {
		resp += "Sec-WebSocket-Extensions: " + extensions + "\r\n"
	}
	return []byte(resp + "\r\n")
}

// acceptKey is the Sec-WebSocket-Accept a server must answer to key.
func acceptKey(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// maxResponseHead bounds the server's handshake response head.
const maxResponseHead = 64 << 10

// OfferSendable reports whether offer can stand in an HTTP header field
// value (RFC 7230 section 3.2): visible characters, obs-text, spaces and
// tabs, with no white space at either end. An offer that cannot is not
// sent: the connection goes without extensions.
func OfferSendable(offer string) bool {
	if offer == "" || offer[0] == ' ' || offer[0] == '\t' || offer[len(offer)-1] == ' ' || offer[len(offer)-1] == '\t' {
		return false
	}
	for i := 0; i < len(offer); i++ {
		c := offer[i]
		if c < 0x20 && c != '\t' || c == 0x7F {
			return false
		}
	}
	return true
}

// HandshakeRequest is the opening handshake request of an exchange: a GET
// for path on host with a fixed key, and the offer when it is sendable.
func HandshakeRequest(host, path, offer string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n", path, host)
	b.WriteString("Sec-WebSocket-Key: " + clientKey + "\r\nSec-WebSocket-Version: 13\r\n")
	if OfferSendable(offer) {
		b.WriteString("Sec-WebSocket-Extensions: " + offer + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// handshakeResponse is the server's answer to the opening handshake.
type handshakeResponse struct {
	status     int
	extensions string
	rest       []byte // bytes after the head: the first of the server's frames
	err        string // why the handshake did not complete
}

// readHandshakeResponse reads the server's response head from conn, until
// the deadline, and checks an upgrade as a client must (RFC 6455 section
// 4.1): 101, Upgrade websocket, Connection upgrade, the right accept value.
func readHandshakeResponse(conn net.Conn, until time.Time) handshakeResponse {
	conn.SetReadDeadline(until)
	defer conn.SetReadDeadline(time.Time{})
	bp := headBuffers.Get().(*[]byte)
	defer headBuffers.Put(bp)
	buf := *bp
	var head []byte
	for {
		if end := bytes.Index(head, []byte("\r\n\r\n")); end >= 0 {
			r := parseHandshakeResponse(head[:end+4])
			r.rest = head[end+4:]
			return r
		}
		if len(head) > maxResponseHead {
			return handshakeResponse{err: fmt.Sprintf("the response head is over %d bytes", maxResponseHead)}
		}
		n, err := conn.Read(buf)
		head = append(head, buf[:n]...)
		if err != nil && n == 0 {
			if len(head) == 0 {
				return handshakeResponse{err: "no response: " + err.Error()}
			}
			return handshakeResponse{err: fmt.Sprintf("the response ended after %d bytes without a blank line: %v", len(head), err)}
		}
	}
}

// headBuffers are the read buffers of handshake responses, reused: one
// exchange per fuzz input would otherwise allocate one each.
var headBuffers = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

func parseHandshakeResponse(head []byte) handshakeResponse {
	resp, err := http.ReadResponse(bufio.NewReaderSize(bytes.NewReader(head), len(head)), nil)
	if err != nil {
		return handshakeResponse{err: "bad HTTP response: " + err.Error()}
	}
	resp.Body.Close()
	r := handshakeResponse{status: resp.StatusCode, extensions: strings.Join(resp.Header.Values("Sec-WebSocket-Extensions"), ", ")}
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		r.err = "HTTP status " + resp.Status
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		r.err = fmt.Sprintf("Upgrade header %q is not websocket", resp.Header.Get("Upgrade"))
	case !hasToken(resp.Header.Values("Connection"), "upgrade"):
		r.err = fmt.Sprintf("Connection header %q has no upgrade", resp.Header.Get("Connection"))
	case resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(clientKey):
		r.err = fmt.Sprintf("Sec-WebSocket-Accept %q, want %q", resp.Header.Get("Sec-WebSocket-Accept"), acceptKey(clientKey))
	}
	return r
}

func hasToken(values []string, token string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
