package oracle

import (
	"errors"
	"fmt"
	"strings"
)

// This file reads the permessage-deflate negotiation of RFC 7692 section 7
// from both sides: the offers in a client's Sec-WebSocket-Extensions
// header, the server's answer, and whether that answer accepts one of the
// offers. It is written from the RFCs alone (RFC 6455 section 9.1 for the
// header grammar, RFC 7230 section 3.2.6 for tokens and quoted strings,
// section 7 for lists) and shares no code with the server it judges.

// PMDName is the registered name of the permessage-deflate extension. Names
// are compared as sent, octet for octet.
const PMDName = "permessage-deflate"

// The window sizes RFC 7692 section 7.1.2 allows, as the base-2 logarithm
// of the LZ77 window: 8 is 256 octets, 15 (the default) 32 KiB.
const (
	MinWindowBits = 8
	MaxWindowBits = 15
)

// The four extension parameters of RFC 7692 section 7.1, the only ones a
// permessage-deflate offer or response may carry.
const (
	paramServerNoContextTakeover = "server_no_context_takeover"
	paramClientNoContextTakeover = "client_no_context_takeover"
	paramServerMaxWindowBits     = "server_max_window_bits"
	paramClientMaxWindowBits     = "client_max_window_bits"
)

// PMDParams are the parameters one permessage-deflate element of a
// Sec-WebSocket-Extensions header states, offer or response. The zero value
// is the element without parameters.
type PMDParams struct {
	// ServerNoContextTakeover: server_no_context_takeover is present.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover: client_no_context_takeover is present.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits is the value of server_max_window_bits (8..15),
	// 0 when the parameter is absent.
	ServerMaxWindowBits int
	// HasClientMaxWindowBits: client_max_window_bits is present, with or
	// without a value (an offer may leave the value out, section 7.1.2.2).
	HasClientMaxWindowBits bool
	// ClientMaxWindowBits is its value (8..15), 0 when it has none.
	ClientMaxWindowBits int
}

// String renders the element as a header would carry it.
func (p PMDParams) String() string {
	var b strings.Builder
	b.WriteString(PMDName)
	if p.ServerNoContextTakeover {
		b.WriteString("; " + paramServerNoContextTakeover)
	}
	if p.ClientNoContextTakeover {
		b.WriteString("; " + paramClientNoContextTakeover)
	}
	if p.ServerMaxWindowBits != 0 {
		fmt.Fprintf(&b, "; %s=%d", paramServerMaxWindowBits, p.ServerMaxWindowBits)
	}
	if p.HasClientMaxWindowBits {
		b.WriteString("; " + paramClientMaxWindowBits)
		if p.ClientMaxWindowBits != 0 {
			fmt.Fprintf(&b, "=%d", p.ClientMaxWindowBits)
		}
	}
	return b.String()
}

// PMDOffer is one element of a client's Sec-WebSocket-Extensions header.
type PMDOffer struct {
	// Extension is the element's extension name, "" when the element is
	// malformed before its name ends.
	Extension string
	// Params are the parameters of a permessage-deflate element that
	// follows section 7.1; the zero value otherwise.
	Params PMDParams
	// Invalid says why a server must decline this element: it breaks the
	// header grammar, or (for permessage-deflate) it has a parameter that
	// section 7.1 does not define for offers, a repeated parameter or an
	// invalid value. It is nil for a well-formed element of another
	// extension, which this package does not judge.
	Invalid error
}

// Acceptable reports whether a server may accept o as a permessage-deflate
// offer.
func (o PMDOffer) Acceptable() bool { return o.Extension == PMDName && o.Invalid == nil }

// PMDAgreement is what binds both sides once a server has accepted an
// offer: the context takeover and window of each direction.
type PMDAgreement struct {
	// ServerNoContextTakeover: the server compresses every message with an
	// empty window.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover: the client compresses every message with an
	// empty window, so the server keeps none between messages.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits (8..15) bounds the server's back-references.
	ServerMaxWindowBits int
	// ClientMaxWindowBits (8..15) bounds the client's back-references.
	ClientMaxWindowBits int
}

// ParsePMDOffers reads a client's Sec-WebSocket-Extensions header value,
// every element in order, with why a server must decline each one that
// it must decline. Several header fields mean the same as their values
// joined with ", " (RFC 7230 section 3.2.2).
//
// The value is a comma-separated list (RFC 7230 section 7: empty elements
// are ignored); a comma inside a quoted string does not end an element. An
// element is
//
//	token *( OWS ";" OWS token [ OWS "=" OWS ( token / quoted-string ) ] )
//
// with optional spaces and tabs around it, and a quoted value must be a
// token once unquoted (RFC 6455 section 9.1). An element that breaks this
// grammar is reported with Invalid set and does not affect the others.
func ParsePMDOffers(header string) []PMDOffer {
	var offers []PMDOffer
	for _, item := range listElements(header) {
		e, err := parseElement(item)
		o := PMDOffer{Extension: e.name, Invalid: err}
		if err == nil && e.name == PMDName {
			o.Params, o.Invalid = readPMDParams(e.params, true)
		}
		offers = append(offers, o)
	}
	return offers
}

// ParsePMDResponse reads the Sec-WebSocket-Extensions value of a server's
// response ("" when the header is absent) for the permessage-deflate
// element it holds. accepted is false when there is none. err says why the
// value is malformed, or why its permessage-deflate element breaks section
// 7.1 (a parameter not defined for responses, a repeated parameter, an
// invalid value, client_max_window_bits without a value), or that it
// names permessage-deflate twice: a client must fail the connection then.
// Elements of other extensions are returned in others, for the caller to
// check against what was offered.
func ParsePMDResponse(header string) (params PMDParams, accepted bool, others []string, err error) {
	for _, item := range listElements(header) {
		e, perr := parseElement(item)
		if perr != nil {
			return PMDParams{}, false, nil, fmt.Errorf("response: %w", perr)
		}
		if e.name != PMDName {
			others = append(others, e.name)
			continue
		}
		if accepted {
			return PMDParams{}, false, nil, errors.New("response: permessage-deflate accepted twice")
		}
		params, perr = readPMDParams(e.params, false)
		if perr != nil {
			return PMDParams{}, false, nil, fmt.Errorf("response: %w", perr)
		}
		accepted = true
	}
	return params, accepted, others, nil
}

// JudgePMDResponse decides whether response, the server's
// Sec-WebSocket-Extensions value ("" when absent), is a valid answer to
// offers (from ParsePMDOffers). When it accepts permessage-deflate, offer
// is the index of the first offer it is a valid acceptance of and agreed
// the parameters that then bind both sides; when it declines
// permessage-deflate, offer is -1. err says why the answer is invalid:
// malformed, naming an extension that was not offered, or accepting
// permessage-deflate in a way that matches no acceptable offer.
//
// A response accepts an offer when (section 7.1):
//
//   - it carries server_no_context_takeover if the offer did (7.1.1.1);
//   - it carries server_max_window_bits with the same or a smaller value
//     if the offer carried that parameter (7.1.2.1);
//   - it carries client_max_window_bits only if the offer did, and then
//     with at most the offer's value if the offer gave one (7.1.2.2).
//
// The agreement follows the response: each no_context_takeover applies
// when the response carries it, and each window is the response's value,
// 15 when it has none. (A client's own client_max_window_bits value binds
// only the client: section 7.1.2.2 lets a server ignore it, and absence
// from the response means the server can receive any window.)
func JudgePMDResponse(offers []PMDOffer, response string) (agreed PMDAgreement, offer int, err error) {
	resp, accepted, others, err := ParsePMDResponse(response)
	if err != nil {
		return PMDAgreement{}, -1, err
	}
	for _, name := range others {
		if !offered(offers, name) {
			return PMDAgreement{}, -1, fmt.Errorf("response names extension %q, which was not offered", name)
		}
	}
	if !accepted {
		return PMDAgreement{}, -1, nil
	}
	var why []string
	for i, o := range offers {
		if o.Extension != PMDName {
			continue
		}
		if o.Invalid != nil {
			why = append(why, fmt.Sprintf("offer %d must be declined: %v", i, o.Invalid))
			continue
		}
		if reason := acceptanceError(o.Params, resp); reason != "" {
			why = append(why, fmt.Sprintf("offer %d: %s", i, reason))
			continue
		}
		return agreement(resp), i, nil
	}
	if len(why) == 0 {
		return PMDAgreement{}, -1, errors.New("response accepts permessage-deflate, which was not offered")
	}
	return PMDAgreement{}, -1, fmt.Errorf("response %q accepts no offer (%s)", response, strings.Join(why, "; "))
}

// offered reports whether an element of offers names the extension.
func offered(offers []PMDOffer, name string) bool {
	for _, o := range offers {
		if o.Extension == name {
			return true
		}
	}
	return false
}

// acceptanceError says why resp does not accept the valid offer, or "".
func acceptanceError(offer, resp PMDParams) string {
	switch {
	case offer.ServerNoContextTakeover && !resp.ServerNoContextTakeover:
		return "server_no_context_takeover was asked for and not answered"
	case offer.ServerMaxWindowBits != 0 && resp.ServerMaxWindowBits == 0:
		return "server_max_window_bits was asked for and not answered"
	case offer.ServerMaxWindowBits != 0 && resp.ServerMaxWindowBits > offer.ServerMaxWindowBits:
		return fmt.Sprintf("server_max_window_bits=%d answers a request for %d", resp.ServerMaxWindowBits, offer.ServerMaxWindowBits)
	case resp.HasClientMaxWindowBits && !offer.HasClientMaxWindowBits:
		return "client_max_window_bits answered but not offered"
	case resp.HasClientMaxWindowBits && offer.ClientMaxWindowBits != 0 && resp.ClientMaxWindowBits > offer.ClientMaxWindowBits:
		return fmt.Sprintf("client_max_window_bits=%d answers an offer of %d", resp.ClientMaxWindowBits, offer.ClientMaxWindowBits)
	}
	return ""
}

// agreement returns what an accepting response makes both sides use.
func agreement(resp PMDParams) PMDAgreement {
	a := PMDAgreement{
		ServerNoContextTakeover: resp.ServerNoContextTakeover,
		ClientNoContextTakeover: resp.ClientNoContextTakeover,
		ServerMaxWindowBits:     MaxWindowBits,
		ClientMaxWindowBits:     MaxWindowBits,
	}
	if resp.ServerMaxWindowBits != 0 {
		a.ServerMaxWindowBits = resp.ServerMaxWindowBits
	}
	if resp.ClientMaxWindowBits != 0 {
		a.ClientMaxWindowBits = resp.ClientMaxWindowBits
	}
	return a
}

// DefaultPMDAnswer returns what a server answers that accepts the first
// acceptable offer with default preferences (a 32 KiB window and context
// takeover of its own, no limit on the client's), as the reference server
// documents its behaviour: the response repeats server_no_context_takeover
// and server_max_window_bits when the offer asks for them (section 7.1
// requires both), turns the client's client_no_context_takeover hint into
// an agreement, and repeats client_max_window_bits when the offer gives it
// a value (a valueless one is left out: the server sets no limit). offer
// is the index of that offer, -1 when no offer is acceptable and the
// server answers without the extension.
func DefaultPMDAnswer(offers []PMDOffer) (response PMDParams, offer int) {
	for i, o := range offers {
		if !o.Acceptable() {
			continue
		}
		response = PMDParams{
			ServerNoContextTakeover: o.Params.ServerNoContextTakeover,
			ClientNoContextTakeover: o.Params.ClientNoContextTakeover,
			ServerMaxWindowBits:     o.Params.ServerMaxWindowBits,
		}
		if o.Params.ClientMaxWindowBits != 0 {
			response.HasClientMaxWindowBits = true
			response.ClientMaxWindowBits = o.Params.ClientMaxWindowBits
		}
		return response, i
	}
	return PMDParams{}, -1
}

// readPMDParams reads the parameters of a permessage-deflate element and
// checks them against section 7.1: only the four parameters, none twice,
// the no_context_takeover ones without a value, window bits a decimal
// integer from 8 to 15 without leading zeroes. inOffer allows
// client_max_window_bits without a value, which only an offer may send.
func readPMDParams(params []elementParam, inOffer bool) (PMDParams, error) {
	var p PMDParams
	seen := map[string]bool{}
	for _, ep := range params {
		if seen[ep.name] {
			return PMDParams{}, fmt.Errorf("parameter %s repeated", ep.name)
		}
		seen[ep.name] = true
		switch ep.name {
		case paramServerNoContextTakeover, paramClientNoContextTakeover:
			if ep.hasValue {
				return PMDParams{}, fmt.Errorf("parameter %s has a value", ep.name)
			}
			if ep.name == paramServerNoContextTakeover {
				p.ServerNoContextTakeover = true
			} else {
				p.ClientNoContextTakeover = true
			}
		case paramServerMaxWindowBits:
			bits, err := windowBitsValue(ep)
			if err != nil {
				return PMDParams{}, err
			}
			p.ServerMaxWindowBits = bits
		case paramClientMaxWindowBits:
			p.HasClientMaxWindowBits = true
			if !ep.hasValue && inOffer {
				continue
			}
			bits, err := windowBitsValue(ep)
			if err != nil {
				return PMDParams{}, err
			}
			p.ClientMaxWindowBits = bits
		default:
			return PMDParams{}, fmt.Errorf("unknown parameter %q", ep.name)
		}
	}
	return p, nil
}

// windowBitsValue reads "a decimal integer value without leading zeroes
// between 8 to 15, inclusive" (sections 7.1.2.1 and 7.1.2.2).
func windowBitsValue(ep elementParam) (int, error) {
	if !ep.hasValue {
		return 0, fmt.Errorf("parameter %s needs a value", ep.name)
	}
	switch v := ep.value; {
	case len(v) == 1 && (v[0] == '8' || v[0] == '9'):
		return int(v[0] - '0'), nil
	case len(v) == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5':
		return 10 + int(v[1]-'0'), nil
	}
	return 0, fmt.Errorf("parameter %s has value %q, not 8 to 15", ep.name, ep.value)
}
