package deflate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ExtensionName is the registered name of the extension (RFC 7692 section 7).
const ExtensionName = "permessage-deflate"

// The four extension parameters of RFC 7692 section 7.1.
const (
	paramServerNoContextTakeover = "server_no_context_takeover"
	paramClientNoContextTakeover = "client_no_context_takeover"
	paramServerMaxWindowBits     = "server_max_window_bits"
	paramClientMaxWindowBits     = "client_max_window_bits"
)

// deflateOffer is a valid permessage-deflate offer, read into fields.
type deflateOffer struct {
	serverNoContextTakeover bool
	clientNoContextTakeover bool
	serverMaxWindowBits     int  // 0 when absent
	clientMaxWindowBits     bool // the parameter is present
	clientMaxWindowBitsVal  int  // its value, 0 when it has none
}

// CheckDeflate reports why o is not an acceptable permessage-deflate offer,
// or nil if it is one. RFC 7692 section 7 makes a server decline an offer
// whose parameters are unknown, repeated or have invalid values; this says
// which rule the offer breaks, for logs and tests.
func (o Offer) CheckDeflate() error {
	_, err := readDeflateOffer(o)
	return err
}

func readDeflateOffer(o Offer) (deflateOffer, error) {
	var d deflateOffer
	if o.Err != nil {
		return d, o.Err
	}
	if o.Name != ExtensionName {
		return d, fmt.Errorf("deflate: extension %q is not %s", o.Name, ExtensionName)
	}
	seen := make(map[string]bool, len(o.Params))
	for _, p := range o.Params {
		if seen[p.Name] {
			return d, fmt.Errorf("deflate: parameter %s repeated", p.Name)
		}
		seen[p.Name] = true
		switch p.Name {
		case paramServerNoContextTakeover, paramClientNoContextTakeover:
			if p.HasValue {
				return d, fmt.Errorf("deflate: parameter %s takes no value", p.Name)
			}
			if p.Name == paramServerNoContextTakeover {
				d.serverNoContextTakeover = true
			} else {
				d.clientNoContextTakeover = true
			}
		case paramServerMaxWindowBits:
			// RFC 7692 7.1.2.1: the value is required.
			if !p.HasValue {
				return d, errors.New("deflate: parameter server_max_window_bits needs a value")
			}
			bits, err := parseWindowBits(p)
			if err != nil {
				return d, err
			}
			d.serverMaxWindowBits = bits
		case paramClientMaxWindowBits:
			// RFC 7692 7.1.2.2: the value is optional in an offer.
			d.clientMaxWindowBits = true
			if p.HasValue {
				bits, err := parseWindowBits(p)
				if err != nil {
					return d, err
				}
				d.clientMaxWindowBitsVal = bits
			}
		default:
			return d, fmt.Errorf("deflate: unknown parameter %q", p.Name)
		}
	}
	return d, nil
}

// parseWindowBits accepts "a decimal integer value without leading zeroes
// between 8 to 15, inclusive" (RFC 7692 sections 7.1.2.1 and 7.1.2.2).
func parseWindowBits(p Param) (int, error) {
	v := p.Value
	if len(v) == 0 || len(v) > 2 || v[0] == '0' || strings.Trim(v, "0123456789") != "" {
		return 0, fmt.Errorf("deflate: parameter %s has invalid value %q", p.Name, v)
	}
	n, _ := strconv.Atoi(v)
	if n < MinWindowBits || n > MaxWindowBits {
		return 0, fmt.Errorf("deflate: parameter %s value %d is outside 8..15", p.Name, n)
	}
	return n, nil
}

// Negotiate chooses the permessage-deflate parameters for a connection.
// headerValues are the request's Sec-WebSocket-Extensions values (see
// ParseOffers). It accepts the first acceptable permessage-deflate offer and
// returns the agreed Params and the value of the Sec-WebSocket-Extensions
// response header. ok is false when no offer is acceptable (or none was
// made); the handshake then succeeds without the extension. Offers of other
// extensions are ignored, and a malformed item does not spoil the others.
//
// The response names every parameter that binds both sides:
//
//   - server_no_context_takeover when the client asked for it (RFC 7692
//     7.1.1.1 makes that mandatory) or the server prefers it;
//   - client_no_context_takeover when the server prefers it, or when the
//     client offered it: in an offer it is only a hint, and turning it into
//     an agreement costs the client nothing it had not given up already,
//     while it lets the server drop inflate state between messages;
//   - server_max_window_bits=N when the client asked for a window (it must be
//     answered with the same or a smaller value, 7.1.2.1) or the server
//     compresses with less than 15 bits (it may say so unasked);
//   - client_max_window_bits=N only when the offer carried
//     client_max_window_bits (7.1.2.2 forbids it otherwise): N is the smaller
//     of the offer's value and Preferences.ClientMaxWindowBits; it is left
//     out only when the offer gave no value and the server sets no limit.
//
// # Window bits 8
//
// zlib cannot compress with a raw 256-octet window (1.2.9 and later refuse
// it, older versions silently used 512), so many servers answer
// server_max_window_bits=9 to a request for 8. That answer breaks RFC 7692,
// which allows only the same or a smaller value, and a client that really
// inflates with a 256-octet window (as zlib's inflate can) fails on the first
// back-reference further than 256 octets, typically in a later message under
// context takeover. This server compresses with github.com/klauspost/compress,
// whose encoder supports a 256-octet window exactly, so it answers
// server_max_window_bits=8 and keeps every distance within 256 octets. It
// answers 8 only to a client that asked for 8, though: a server preference
// of 8 becomes 9 otherwise, because clients that never ask for 8 may not
// accept it (Autobahn|Testsuite's and .NET's accept 9 to 15 only).
//
// In the other direction the server never asks a client for 8 (a zlib-based
// client could not comply), but a client may promise 8 itself with
// client_max_window_bits=8; the answer then repeats 8, and the Decompressor
// accepts distances up to 512 octets for it, so that a client whose zlib
// turned its 8 into 9 still works. Autobahn|Testsuite's 13.* cases offer
// server_max_window_bits 9 and 15 (its client rejects 8 in a response) and a
// valueless client_max_window_bits, with and without no_context_takeover;
// all are accepted with the values asked for.
func Negotiate(headerValues []string, prefs Preferences) (p Params, response string, ok bool) {
	offers, _ := ParseOffers(headerValues)
	for _, o := range offers {
		if o.Name != ExtensionName {
			continue
		}
		d, err := readDeflateOffer(o)
		if err != nil {
			continue
		}
		p, response = accept(d, prefs)
		return p, response, true
	}
	return Params{}, "", false
}

// accept computes the agreed parameters and the response for a valid offer.
func accept(d deflateOffer, prefs Preferences) (Params, string) {
	p := Params{
		ServerNoContextTakeover: d.serverNoContextTakeover || prefs.ServerNoContextTakeover,
		ClientNoContextTakeover: d.clientNoContextTakeover || prefs.ClientNoContextTakeover,
		ServerMaxWindowBits:     windowBits(prefs.ServerMaxWindowBits),
		ClientMaxWindowBits:     MaxWindowBits,
	}
	var b strings.Builder
	b.WriteString(ExtensionName)
	if p.ServerNoContextTakeover {
		b.WriteString("; " + paramServerNoContextTakeover)
	}
	if p.ClientNoContextTakeover {
		b.WriteString("; " + paramClientNoContextTakeover)
	}

	if d.serverMaxWindowBits != 0 {
		p.ServerMaxWindowBits = min(p.ServerMaxWindowBits, d.serverMaxWindowBits)
	}
	if p.ServerMaxWindowBits == MinWindowBits && d.serverMaxWindowBits != MinWindowBits {
		p.ServerMaxWindowBits = MinWindowBits + 1 // 8 only to a client that asked for it
	}
	if d.serverMaxWindowBits != 0 || p.ServerMaxWindowBits < MaxWindowBits {
		fmt.Fprintf(&b, "; %s=%d", paramServerMaxWindowBits, p.ServerMaxWindowBits)
	}

	if d.clientMaxWindowBits {
		limit := MaxWindowBits
		if prefs.ClientMaxWindowBits != 0 {
			limit = max(windowBits(prefs.ClientMaxWindowBits), MinWindowBits+1)
		}
		if d.clientMaxWindowBitsVal != 0 {
			limit = min(limit, d.clientMaxWindowBitsVal)
		}
		p.ClientMaxWindowBits = limit
		if limit < MaxWindowBits || d.clientMaxWindowBitsVal != 0 {
			fmt.Fprintf(&b, "; %s=%d", paramClientMaxWindowBits, limit)
		}
	}
	return p, b.String()
}
