package server

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// websocketGUID is the constant of RFC 6455 section 1.3 that the accept key
// hashes together with the client's key.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// MaxHandshakeSize bounds the opening handshake request, request line and
// headers together.
const MaxHandshakeSize = 8 << 10

// ErrIncompleteRequest reports that the request's header section has not
// ended yet: more bytes are needed.
var ErrIncompleteRequest = errors.New("handshake request is incomplete")

// Negotiator chooses the extensions of a connection from the values of the
// request's Sec-WebSocket-Extensions headers. It returns the value of the
// response's Sec-WebSocket-Extensions header ("" for none) and the codec
// the session uses (nil for none).
type Negotiator func(offers []string) (response string, codec MessageCodec)

// HandshakeResult is the server's answer to an opening handshake request.
type HandshakeResult struct {
	// Status is 101 when the upgrade is accepted, else 400 or 426 (or 431
	// for an oversized request).
	Status int
	// Reason says in one line why a request was refused.
	Reason string
	// Response is the whole HTTP response to write.
	Response []byte
	// Extensions is the Sec-WebSocket-Extensions value of an accepted
	// upgrade, Codec the matching message codec (nil for none).
	Extensions string
	Codec      MessageCodec
}

// Accepted reports whether the upgrade was accepted.
func (r HandshakeResult) Accepted() bool { return r.Status == http.StatusSwitchingProtocols }

// ReadHandshake is the sans-I/O opening handshake: it parses one HTTP
// request from the start of raw and answers it. consumed is the size of the
// request; what follows it in raw is the start of the WebSocket stream. It
// returns ErrIncompleteRequest while raw holds no complete header section
// and is shorter than MaxHandshakeSize. The header section is read strictly
// (see parseRequestHead): a bare CR or LF, a folded line, a control octet
// in a value or whitespace before a colon is refused with 400.
func ReadHandshake(raw []byte, negotiate Negotiator) (res HandshakeResult, consumed int, err error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 || end+4 > MaxHandshakeSize {
		if len(raw) < MaxHandshakeSize {
			return res, 0, ErrIncompleteRequest
		}
		return refuse(http.StatusRequestHeaderFieldsTooLarge, "request header section exceeds "+strconv.Itoa(MaxHandshakeSize)+" bytes"), len(raw), nil
	}
	consumed = end + 4
	req, reason := parseRequestHead(raw[:consumed])
	if reason != "" {
		return refuse(http.StatusBadRequest, reason), consumed, nil
	}
	return answerUpgrade(req, negotiate), consumed, nil
}

// AnswerHandshake checks an opening handshake request against RFC 6455
// section 4.2.1 and answers it: 101 with the accept key for a valid upgrade,
// 426 with "Sec-WebSocket-Version: 13" for another protocol version, and 400
// with a one-line reason for every other defect. negotiate may be nil.
func AnswerHandshake(req *http.Request, negotiate Negotiator) HandshakeResult {
	header := make(http.Header, len(req.Header))
	for name, values := range req.Header {
		for _, v := range values {
			header[name] = append(header[name], trimOWS(v))
		}
	}
	return answerUpgrade(upgradeRequest{
		method:  req.Method,
		major:   req.ProtoMajor,
		minor:   req.ProtoMinor,
		host:    req.Host,
		header:  header,
		hasBody: req.ContentLength > 0 || len(req.TransferEncoding) > 0,
	}, negotiate)
}

// answerUpgrade answers a request whose header fields are read, as
// AnswerHandshake describes. Values have no whitespace around them.
func answerUpgrade(req upgradeRequest, negotiate Negotiator) HandshakeResult {
	if reason := checkUpgrade(req); reason != "" {
		return refuse(http.StatusBadRequest, reason)
	}
	versions := req.header.Values("Sec-WebSocket-Version")
	if len(versions) != 1 || versions[0] != "13" {
		return refuse(http.StatusUpgradeRequired, "unsupported Sec-WebSocket-Version (only 13 is supported)")
	}
	keys := req.header.Values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return refuse(http.StatusBadRequest, "exactly one Sec-WebSocket-Key header is required")
	}
	key := keys[0]
	if decoded, err := base64.StdEncoding.Strict().DecodeString(key); err != nil || len(decoded) != 16 || len(key) != 24 {
		return refuse(http.StatusBadRequest, "Sec-WebSocket-Key must be base64 of 16 bytes")
	}
	res := HandshakeResult{Status: http.StatusSwitchingProtocols}
	if negotiate != nil {
		if offers := req.header.Values("Sec-WebSocket-Extensions"); len(offers) > 0 {
			res.Extensions, res.Codec = negotiate(offers)
		}
	}
	var b []byte
	b = append(b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	b = append(b, AcceptKey(key)...)
	if res.Extensions != "" {
		b = append(b, "\r\nSec-WebSocket-Extensions: "...)
		b = append(b, res.Extensions...)
	}
	b = append(b, "\r\n\r\n"...)
	res.Response = b
	return res
}

// checkUpgrade returns why req is not a WebSocket upgrade request, or "".
func checkUpgrade(req upgradeRequest) string {
	switch {
	case req.method != http.MethodGet:
		return "method must be GET"
	case req.major != 1 || req.minor != 1:
		return "protocol must be HTTP/1.1"
	case req.host == "":
		return "missing Host header"
	case !headerHasToken(req.header, "Upgrade", "websocket"):
		return "missing \"Upgrade: websocket\" header"
	case !headerHasToken(req.header, "Connection", "upgrade"):
		return "missing \"upgrade\" token in Connection header"
	case req.hasBody:
		return "upgrade request must not have a body"
	}
	return ""
}

// headerHasToken reports whether any value of the header name holds token
// in its comma-separated list, compared case-insensitively.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(trimOWS(t), token) {
				return true
			}
		}
	}
	return false
}

// AcceptKey returns the Sec-WebSocket-Accept value for a client's key.
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// refuse builds a refusal: the status, a one-line reason in the body, and
// Sec-WebSocket-Version: 13 on a 426.
func refuse(status int, reason string) HandshakeResult {
	var b []byte
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"...)
	if status == http.StatusUpgradeRequired {
		b = append(b, "Sec-WebSocket-Version: 13\r\n"...)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(reason)+1), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, reason...)
	b = append(b, '\n')
	return HandshakeResult{Status: status, Reason: reason, Response: b}
}
