package catalogue

import (
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// compressionCases are sections 12 and 13 (RFC 7692 permessage-deflate):
// 1000 compressed messages, each sent once the one before came back, of
// sizes from 16 octets to 128 KiB, whole or split after compression into
// frames of 256 octets to 32 KiB. Section 12 takes its payloads from five
// kinds of data with the default offer; section 13 sends the JSON data
// under seven offers of window sizes and context takeover. These cases
// judge themselves: every echo must come back octet for octet before the
// case's time runs out. A server that does not agree to permessage-deflate
// earns UNIMPLEMENTED.
func compressionCases() []*Case {
	var out []*Case
	for j, d := range compressionData() {
		for i, m := range compressionSizes {
			out = append(out, compressionCase(fmt.Sprintf("12.%d.%d", j+1, i+1), d, m, defaultOffer, "the default offer"))
		}
	}
	json := compressionData()[0]
	for j, o := range compressionOffers {
		for i, m := range compressionSizes {
			out = append(out, compressionCase(fmt.Sprintf("13.%d.%d", j+1, i+1), json, m, o.offer, o.what))
		}
	}
	return out
}

// compressionSize is one row of Autobahn's table of message sizes: the
// payload length, the case's limit in seconds, and the size of the frames
// a compressed message is split into (0: one frame).
type compressionSize struct {
	length   int
	timeout  float64
	fragment int
}

var compressionSizes = []compressionSize{
	{16, 60, 0}, {64, 60, 0}, {256, 120, 0}, {1024, 240, 0}, {4096, 480, 0},
	{8192, 480, 0}, {16384, 480, 0}, {32768, 480, 0}, {65536, 480, 0}, {131072, 480, 0},
	{8192, 480, 256}, {16384, 480, 256}, {32768, 480, 256}, {65536, 480, 256}, {131072, 480, 256},
	{131072, 480, 1024}, {131072, 480, 4096}, {131072, 480, 32768},
}

// defaultOffer is Autobahn's default permessage-deflate offer: the client
// will not take context over, and lets the server choose its window.
const defaultOffer = "permessage-deflate; client_no_context_takeover; client_max_window_bits"

// compressionOffers are the offers of 13.1-13.7: the default offer, and
// the default offer asking the server for no context takeover and/or a
// window of 9 or 15 bits; 13.7 offers three, most demanding first.
var compressionOffers = []struct{ offer, what string }{
	{defaultOffer, "the default offer"},
	{defaultOffer + "; server_no_context_takeover", "an offer asking for no server context takeover"},
	{defaultOffer + "; server_max_window_bits=9", "an offer asking for a server window of 9 bits"},
	{defaultOffer + "; server_max_window_bits=15", "an offer asking for a server window of 15 bits"},
	{defaultOffer + "; server_no_context_takeover; server_max_window_bits=9", "an offer asking for no server context takeover and a 9-bit window"},
	{defaultOffer + "; server_no_context_takeover; server_max_window_bits=15", "an offer asking for no server context takeover and a 15-bit window"},
	{defaultOffer + "; server_no_context_takeover; server_max_window_bits=9," + defaultOffer + "; server_no_context_takeover," + defaultOffer,
		"three offers: no server context takeover with a 9-bit window, no server context takeover, the default"},
}

func compressionCase(id string, d *compressionDataSet, m compressionSize, offer, offerWhat string) *Case {
	split := "each in one frame"
	if m.fragment > 0 {
		split = fmt.Sprintf("each split into frames of %d octets after compression", m.fragment)
	}
	return &Case{
		ID:            id,
		Description:   fmt.Sprintf("1000 compressed messages of %d %s of %s, %s, each sent once the one before came back; %s.", m.length, d.unit(), d.name, split, offerWhat),
		Expectation:   fmt.Sprintf("Every message comes back as sent within %g s; then a clean close with 1000.", m.timeout),
		ExpectedClose: closeNormally(),
		Offer:         offer,
		weight:        4 * 1000 * m.length,
		echo: func() *replay.Echo {
			return &replay.Echo{
				Count:        1000,
				Message:      d.slicer(m.length),
				Binary:       d.binary,
				FragmentSize: m.fragment,
				Timeout:      m.timeout,
				Compress:     true,
				CheckContent: true,
				Share:        fmt.Sprintf("%s/%d", d.name, m.length),
			}
		},
	}
}
