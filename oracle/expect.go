package oracle

import "github.com/wsfuzz/wsfuzz/target"

// Expecting returns the target.Input.Expect of in: whether an outcome so
// far holds all the model predicts for the pieces sent so far (or a close,
// or frames no client accepts, after which there is nothing to wait for).
// Over TCP it lets an exchange go on as soon as a correct server has
// answered, instead of waiting out the settle time after every piece.
func Expecting(in target.Input, opt Options) func(*target.Outcome) bool {
	sent, want, wantClose := -1, 0, false
	return func(o *target.Outcome) bool {
		agreed, err := readAgreement(sendableOffer(in.Offer), o.Extensions)
		if err != nil {
			return true
		}
		if o.Sent != sent {
			sent = o.Sent
			p := predict(joinPieces(in.Pieces[:min(sent, len(in.Pieces))]), agreed, opt.maxMessage(), latitude{})
			want, wantClose = 0, p.done
			for _, f := range p.frames {
				if f.Op != OpClose {
					want++
				}
			}
		}
		var inflate *countingInflater
		if agreed.deflate {
			inflate = agreed.serverInflater(noLimitInflate)
		}
		r := readServer(o.Output, inflate, echoableCode(joinPieces(in.Pieces)))
		return r.violation != "" || r.closed || !wantClose && len(r.events) >= want
	}
}

// sendableOffer is the offer the client actually sent: "" when it cannot
// stand in a header.
func sendableOffer(offer string) string {
	if target.OfferSendable(offer) {
		return offer
	}
	return ""
}
