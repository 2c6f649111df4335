package oracle

import (
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/target"
)

// Report turns one judged exchange into an Autobahn case, so that a
// finding can be written as a per-case report (corpus.MarshalReport) that
// wsfuzz replay replays and wsfuzz import turns into corpus entries: the
// expectations are the strict model's, the wire log holds the opening
// handshake, each piece as a write of its own, and everything the server
// sent.
func Report(id, agent string, in target.Input, o *target.Outcome, v Verdict) *corpus.Case {
	stream := joinPieces(in.Pieces)
	agreed, _ := readAgreement(sendableOffer(in.Offer), o.Extensions)
	p := predict(stream, agreed, DefaultMaxMessageSize, latitude{})
	c, _ := expectation(p, p.clientClosing(stream))
	c.ID, c.Agent = id, agent
	c.Description = fmt.Sprintf("wsfuzz fuzz finding: %d bytes in %d pieces, offer %q", len(stream), len(in.Pieces), in.Offer)
	c.Expectation = "As the strict model of RFC 6455 predicts."
	c.Behavior, c.BehaviorClose = v.Kind, v.Kind
	if v.Autobahn.Behavior != "" {
		c.Behavior, c.BehaviorClose = v.Autobahn.Behavior, v.Autobahn.BehaviorClose
		c.Result, c.ResultClose = v.Autobahn.Result, v.Autobahn.ResultClose
	}
	if v.Kind != OK && v.Kind != NonStrict && c.Behavior == OK {
		c.Behavior = Failed
	}
	c.DurationMS = int(o.Duration.Milliseconds())
	req := target.HandshakeRequest("127.0.0.1:9001", "/", in.Offer)
	resp := target.HandshakeResponse(o.Extensions)
	c.HTTPRequest, c.HTTPResponse = string(req), string(resp)
	c.Wire = append(c.Wire, corpus.Entry{Kind: corpus.TxOctets, Octets: req, Exact: true, Length: len(req)},
		corpus.Entry{Kind: corpus.RxOctets, Octets: resp, Exact: true, Length: len(resp)})
	for _, piece := range in.Pieces[:o.Sent] {
		if len(piece) > 0 {
			c.Wire = append(c.Wire, corpus.Entry{Kind: corpus.TxOctets, Octets: piece, Exact: true, Length: len(piece), Sync: true})
		}
	}
	if len(o.Output) > 0 {
		c.Wire = append(c.Wire, corpus.Entry{Kind: corpus.RxOctets, Octets: o.Output, Exact: true, Length: len(o.Output)})
	}
	var inflate *countingInflater
	if agreed.deflate {
		inflate = agreed.serverInflater(noLimitInflate)
	}
	r := readServer(o.Output, inflate, echoableCode(joinPieces(in.Pieces)))
	c.Received = r.events
	c.Closing.RemoteCloseCode = r.closeCode
	return c
}
