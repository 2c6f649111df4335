package replay

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
)

// The client's side of permessage-deflate (RFC 7692), as Autobahn's client
// uses it in cases 12.* and 13.*: it offers the extension in the opening
// handshake, accepts the server's choice of parameters, compresses the
// messages it sends and inflates the ones it receives. It is written here,
// on klauspost/compress, and shares nothing with the server's own
// permessage-deflate, so that the client does not inherit the mistakes of
// the server under test.

// deflateParams are the parameters a server agreed to. A window of 0
// means the default, 15 bits.
type deflateParams struct {
	serverNoContextTakeover, clientNoContextTakeover bool
	serverMaxWindowBits, clientMaxWindowBits         int
}

// deflateTail ends every compressed message on the wire: RFC 7692 removes
// it from the sync flush and the receiver appends it again.
var deflateTail = []byte{0x00, 0x00, 0xff, 0xff}

// finalEmptyBlock is a final, empty stored block. Appended after a
// message's data and deflateTail, it ends the DEFLATE stream, so that the
// inflater stops at the message's end instead of waiting for more.
var finalEmptyBlock = []byte{0x01, 0x00, 0x00, 0xff, 0xff}

// clientLevel is the level at which the client compresses. Autobahn's
// client uses zlib's default level; the level is not negotiated and does
// not change what a correct server must answer, and level 1 keeps the
// client from being the slow end of the 1000-message cases.
const clientLevel = flate.BestSpeed

// extensionOffer returns the Sec-WebSocket-Extensions value of an opening
// handshake request, "" when it has none.
func extensionOffer(req string) string {
	var values []string
	for _, line := range strings.Split(req, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Extensions") {
			values = append(values, strings.TrimSpace(value))
		}
	}
	return strings.Join(values, ", ")
}

// parseAgreement reads the server's Sec-WebSocket-Extensions answer to an
// offer. It accepts exactly one permessage-deflate with valid parameters,
// as Autobahn's client does, and fails on anything else: an extension that
// was not offered, an unknown, repeated or malformed parameter, or
// client_max_window_bits when the offer did not allow the server to choose
// it.
func parseAgreement(answer, offer string) (*deflateParams, error) {
	if !strings.Contains(strings.ToLower(offer), "permessage-deflate") {
		return nil, fmt.Errorf("the server accepted extension %q, which was not offered", answer)
	}
	exts := strings.Split(answer, ",")
	if len(exts) != 1 {
		return nil, fmt.Errorf("the server accepted %d extensions (%q); one was offered", len(exts), answer)
	}
	parts := strings.Split(exts[0], ";")
	if name := strings.TrimSpace(parts[0]); !strings.EqualFold(name, "permessage-deflate") {
		return nil, fmt.Errorf("the server accepted extension %q, which was not offered", name)
	}
	p := &deflateParams{}
	seen := map[string]bool{}
	for _, param := range parts[1:] {
		name, value, hasValue := strings.Cut(strings.TrimSpace(param), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.Trim(strings.TrimSpace(value), `"`)
		if seen[name] {
			return nil, fmt.Errorf("permessage-deflate parameter %s given twice in %q", name, answer)
		}
		seen[name] = true
		switch name {
		case "server_no_context_takeover", "client_no_context_takeover":
			if hasValue {
				return nil, fmt.Errorf("permessage-deflate parameter %s takes no value, got %q", name, value)
			}
			if name == "server_no_context_takeover" {
				p.serverNoContextTakeover = true
			} else {
				p.clientNoContextTakeover = true
			}
		case "server_max_window_bits", "client_max_window_bits":
			bits, err := strconv.Atoi(value)
			if !hasValue || err != nil || bits < 8 || bits > 15 || value != strconv.Itoa(bits) {
				return nil, fmt.Errorf("permessage-deflate parameter %s needs a window of 8 to 15 bits, got %q", name, value)
			}
			if name == "server_max_window_bits" {
				p.serverMaxWindowBits = bits
			} else {
				if !strings.Contains(strings.ToLower(offer), "client_max_window_bits") {
					return nil, errors.New("the server set client_max_window_bits, which the offer did not allow")
				}
				p.clientMaxWindowBits = bits
			}
		default:
			return nil, fmt.Errorf("unknown permessage-deflate parameter %q in %q", name, answer)
		}
	}
	return p, nil
}

// String renders the parameters for traces.
func (p *deflateParams) String() string {
	return fmt.Sprintf("server_no_context_takeover=%t client_no_context_takeover=%t server_max_window_bits=%d client_max_window_bits=%d",
		p.serverNoContextTakeover, p.clientNoContextTakeover, p.serverMaxWindowBits, p.clientMaxWindowBits)
}

// deflater compresses the client's messages and inflates the server's for
// one connection.
type deflater struct {
	p deflateParams

	w   *flate.Writer
	out bytes.Buffer

	r        io.ReadCloser
	z        []byte // the payload being inflated, its ends restored
	src      bytes.Reader
	inflated bytes.Buffer
	hist     []byte // the last 32 KiB inflated, under the server's context takeover
}

func newDeflater(p deflateParams) *deflater { return &deflater{p: p} }

// compress returns the payload of one message as the client sends it:
// DEFLATE data ending in a sync flush, without its last four octets.
// Back-references reach at most 2^client_max_window_bits octets back, and
// into earlier messages only under context takeover. The result is valid
// until the next call.
func (d *deflater) compress(msg []byte) ([]byte, error) {
	d.out.Reset()
	switch {
	case d.w == nil:
		var err error
		if bits := d.p.clientMaxWindowBits; bits > 0 && bits < 15 {
			d.w, err = flate.NewWriterWindow(&d.out, 1<<bits)
		} else {
			d.w, err = flate.NewWriter(&d.out, clientLevel)
		}
		if err != nil {
			return nil, err
		}
	case d.p.clientNoContextTakeover:
		d.w.Reset(&d.out)
	}
	if _, err := d.w.Write(msg); err != nil {
		return nil, err
	}
	if err := d.w.Flush(); err != nil {
		return nil, err
	}
	data := d.out.Bytes()
	if !bytes.HasSuffix(data, deflateTail) {
		return nil, errors.New("the compressor did not end the message with a sync flush")
	}
	return data[:len(data)-len(deflateTail)], nil
}

// errInflatedTooLarge is a message that inflates past the limit.
var errInflatedTooLarge = errors.New("the message inflates past the limit")

// windowSize is the largest DEFLATE window: what context takeover keeps.
const windowSize = 1 << 15

// inflate returns the message a compressed payload carries, at most limit
// octets. Under the server's context takeover the window of earlier
// messages is the dictionary. The result is valid until the next call.
func (d *deflater) inflate(payload []byte, limit int) ([]byte, error) {
	d.z = append(append(append(d.z[:0], payload...), deflateTail...), finalEmptyBlock...)
	d.src.Reset(d.z)
	var dict []byte
	if !d.p.serverNoContextTakeover {
		dict = d.hist
	}
	if d.r == nil {
		d.r = flate.NewReaderDict(&d.src, dict)
	} else if err := d.r.(flate.Resetter).Reset(&d.src, dict); err != nil {
		return nil, err
	}
	d.inflated.Reset()
	n, err := d.inflated.ReadFrom(io.LimitReader(d.r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("the compressed message does not inflate: %v", err)
	}
	if n > int64(limit) {
		return nil, errInflatedTooLarge
	}
	msg := d.inflated.Bytes()
	d.remember(msg)
	return msg, nil
}

// remember adds an inflated message to the window the next one is
// inflated on, under the server's context takeover.
func (d *deflater) remember(msg []byte) {
	if d.p.serverNoContextTakeover {
		return
	}
	if len(msg) >= windowSize {
		d.hist = append(d.hist[:0], msg[len(msg)-windowSize:]...)
		return
	}
	d.hist = append(d.hist, msg...)
	if over := len(d.hist) - windowSize; over > 0 {
		d.hist = append(d.hist[:0], d.hist[over:]...)
	}
}

// takesOver reports whether the next message is inflated on a window
// of earlier ones (the server's context takeover, once a message came).
func (d *deflater) takesOver() bool {
	return !d.p.serverNoContextTakeover && len(d.hist) > 0
}

// windowDigest is the SHA-256 digest of the window the next message is
// inflated on.
func (d *deflater) windowDigest() [sha256.Size]byte { return sha256.Sum256(d.hist) }
