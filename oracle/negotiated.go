package oracle

import (
	"errors"
	"strings"
)

// negotiated is what the judge needs of the opening handshake: whether
// permessage-deflate was agreed, and with which parameters.
type negotiated struct {
	deflate bool
	PMDAgreement
}

// readAgreement reads the server's Sec-WebSocket-Extensions answer to the
// client's offer (both "" when absent) with JudgePMDResponse: an answer
// that accepts no offer is the server's error.
func readAgreement(offer, answer string) (negotiated, error) {
	if strings.TrimSpace(answer) == "" {
		return negotiated{}, nil
	}
	a, i, err := JudgePMDResponse(ParsePMDOffers(offer), answer)
	if err != nil {
		return negotiated{}, err
	}
	return negotiated{deflate: i >= 0, PMDAgreement: a}, nil
}

// clientInflater inflates the client's compressed messages, as the server
// must read them.
// With zlibWindow, a promised 8-bit window is read as 9 bits, as zlib
// does (see Inflater).
func (n negotiated) clientInflater(limit int, zlibWindow bool) *countingInflater {
	agreed := n.PMDAgreement
	if zlibWindow && agreed.ClientMaxWindowBits == 8 {
		agreed.ClientMaxWindowBits = 9
	}
	return &countingInflater{in: NewInflater(agreed, limit), limit: limit}
}

// serverInflater inflates the server's compressed messages, as the client
// must read them: the same rules with the server's side of the agreement.
func (n negotiated) serverInflater(limit int) *countingInflater {
	mirrored := PMDAgreement{
		ClientNoContextTakeover: n.ServerNoContextTakeover,
		ClientMaxWindowBits:     n.ServerMaxWindowBits,
		ServerNoContextTakeover: n.ClientNoContextTakeover,
		ServerMaxWindowBits:     n.ClientMaxWindowBits,
	}
	return &countingInflater{in: NewInflater(mirrored, limit), limit: limit}
}

// countingInflater is an Inflater that counts what it inflated: what
// compressed input justifies a server allocating.
type countingInflater struct {
	in       *Inflater
	limit    int
	produced int
}

func (c *countingInflater) inflate(compressed []byte) ([]byte, error) {
	msg, err := c.in.Inflate(compressed)
	if errors.Is(err, ErrTooBig) {
		c.produced += c.limit
	} else {
		c.produced += len(msg)
	}
	return msg, err
}

// modelInflate adapts the inflater to ModelConfig.Inflate.
func (c *countingInflater) modelInflate(compressed []byte) (msg []byte, ok, tooBig bool) {
	msg, err := c.inflate(compressed)
	return msg, err == nil, errors.Is(err, ErrTooBig)
}
