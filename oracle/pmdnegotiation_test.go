package oracle

import (
	"strings"
	"testing"
)

func TestParsePMDOffers(t *testing.T) {
	p := func(s string) PMDParams { return mustOffer(t, s) }
	tests := []struct {
		header string
		want   []PMDOffer // Invalid compared by presence only
	}{
		{"", nil},
		{" , ,\t", nil},
		{"permessage-deflate", []PMDOffer{{Extension: PMDName}}},
		// RFC 7692 section 7.1.3's examples.
		{"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate; client_max_window_bits",
			[]PMDOffer{{Extension: PMDName, Params: PMDParams{HasClientMaxWindowBits: true, ServerMaxWindowBits: 10}},
				{Extension: PMDName, Params: PMDParams{HasClientMaxWindowBits: true}}}},
		{"permessage-deflate;server_no_context_takeover;client_no_context_takeover",
			[]PMDOffer{{Extension: PMDName, Params: PMDParams{ServerNoContextTakeover: true, ClientNoContextTakeover: true}}}},
		{"permessage-deflate; client_max_window_bits=8", []PMDOffer{{Extension: PMDName, Params: p("client_max_window_bits=8")}}},
		// Spaces and tabs around separators, quoted values, empty elements.
		{"\tpermessage-deflate \t;\tserver_max_window_bits = \"12\" ,, x-other",
			[]PMDOffer{{Extension: PMDName, Params: PMDParams{ServerMaxWindowBits: 12}}, {Extension: "x-other"}}},
		// A comma inside a quoted string does not split (the value is no
		// token, so the element is invalid).
		{`x; a="b,c", permessage-deflate`, []PMDOffer{{Extension: "x", Invalid: errMark}, {Extension: PMDName}}},
		// Offers a server must decline (section 7.1), each alone.
		{"permessage-deflate; server_max_window_bits", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; server_max_window_bits=7", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; server_max_window_bits=16", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; server_max_window_bits=09", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; client_max_window_bits=+9", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; server_no_context_takeover=1", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; server_no_context_takeover; server_no_context_takeover", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; x=1", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; Client_Max_Window_Bits", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		// Grammar errors spoil their element only.
		{"permessage-deflate x, permessage-deflate", []PMDOffer{{Extension: PMDName, Invalid: errMark}, {Extension: PMDName}}},
		{"permessage-deflate; server_max_window_bits=\"1 0\", permessage-deflate", []PMDOffer{{Extension: PMDName, Invalid: errMark}, {Extension: PMDName}}},
		{"permessage-deflate;, permessage-deflate", []PMDOffer{{Extension: PMDName, Invalid: errMark}, {Extension: PMDName}}},
		{"permessage-deflate; a=, b", []PMDOffer{{Extension: PMDName, Invalid: errMark}, {Extension: "b"}}},
		{"=x, permessage-deflate", []PMDOffer{{Invalid: errMark}, {Extension: PMDName}}},
		{"permessage-deflate\u00a0", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{`permessage-deflate; a="x`, []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{"permessage-deflate; a=\"\x01\"", []PMDOffer{{Extension: PMDName, Invalid: errMark}}},
		{`permessage-deflate; client_max_window_bits="\1\0"`, []PMDOffer{{Extension: PMDName, Params: p("client_max_window_bits=10")}}},
	}
	for _, tt := range tests {
		got := ParsePMDOffers(tt.header)
		if len(got) != len(tt.want) {
			t.Errorf("ParsePMDOffers(%q) = %v, want %d offers", tt.header, got, len(tt.want))
			continue
		}
		for i, g := range got {
			w := tt.want[i]
			if g.Extension != w.Extension || g.Params != w.Params || (g.Invalid != nil) != (w.Invalid != nil) {
				t.Errorf("ParsePMDOffers(%q)[%d] = %+v, want %+v", tt.header, i, g, w)
			}
		}
	}
}

// errMark stands for "some error" in the tables.
var errMark = errorString("invalid")

type errorString string

func (e errorString) Error() string { return string(e) }

// mustOffer parses "permessage-deflate; " + params as one valid offer.
func mustOffer(t *testing.T, params string) PMDParams {
	t.Helper()
	offers := ParsePMDOffers(PMDName + "; " + params)
	if len(offers) != 1 || !offers[0].Acceptable() {
		t.Fatalf("offer %q: %+v", params, offers)
	}
	return offers[0].Params
}

func TestJudgePMDResponse(t *testing.T) {
	tests := []struct {
		offers, response string
		offer            int // -1: declined; -2: invalid answer
		agreed           PMDAgreement
	}{
		{"permessage-deflate", "", -1, PMDAgreement{}},
		{"", "", -1, PMDAgreement{}},
		{"permessage-deflate", "permessage-deflate", 0, PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		// The server may add what it likes of its own side.
		{"permessage-deflate", "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_no_context_takeover", 0,
			PMDAgreement{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		// It must grant server_no_context_takeover and a smaller window.
		{"permessage-deflate; server_no_context_takeover", "permessage-deflate", -2, PMDAgreement{}},
		{"permessage-deflate; server_max_window_bits=10", "permessage-deflate", -2, PMDAgreement{}},
		{"permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=11", -2, PMDAgreement{}},
		{"permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=9", 0,
			PMDAgreement{ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		// client_max_window_bits only when offered, at most the offered value.
		{"permessage-deflate", "permessage-deflate; client_max_window_bits=10", -2, PMDAgreement{}},
		{"permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits=10", 0,
			PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 10}},
		{"permessage-deflate; client_max_window_bits=9", "permessage-deflate; client_max_window_bits=10", -2, PMDAgreement{}},
		{"permessage-deflate; client_max_window_bits=9", "permessage-deflate", 0, PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits", -2, PMDAgreement{}},
		// The first offer the answer fits is the one accepted.
		{"permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate", 1,
			PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"permessage-deflate; x, permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits=12", 1,
			PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 12}},
		// An offer that must be declined cannot be accepted.
		{"permessage-deflate; x", "permessage-deflate", -2, PMDAgreement{}},
		// Malformed answers, unoffered extensions, two acceptances.
		{"permessage-deflate", "permessage-deflate; server_max_window_bits", -2, PMDAgreement{}},
		{"permessage-deflate", "permessage-deflate; x", -2, PMDAgreement{}},
		{"permessage-deflate", "permessage-deflate, permessage-deflate", -2, PMDAgreement{}},
		{"permessage-deflate", "permessage-deflate;", -2, PMDAgreement{}},
		{"permessage-deflate", "x-other", -2, PMDAgreement{}},
		{"", "permessage-deflate", -2, PMDAgreement{}},
		{"x-other, permessage-deflate", "x-other, permessage-deflate", 1, PMDAgreement{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
	}
	for _, tt := range tests {
		agreed, offer, err := JudgePMDResponse(ParsePMDOffers(tt.offers), tt.response)
		switch {
		case tt.offer == -2 && err == nil:
			t.Errorf("offers %q, response %q: accepted as offer %d, want an invalid answer", tt.offers, tt.response, offer)
		case tt.offer != -2 && err != nil:
			t.Errorf("offers %q, response %q: %v", tt.offers, tt.response, err)
		case tt.offer != -2 && (offer != tt.offer || agreed != tt.agreed):
			t.Errorf("offers %q, response %q: offer %d %+v, want %d %+v", tt.offers, tt.response, offer, agreed, tt.offer, tt.agreed)
		}
	}
}

func TestDefaultPMDAnswer(t *testing.T) {
	tests := []struct {
		offers, answer string // answer "" means no extension
		offer          int
	}{
		{"", "", -1},
		{"x-other, permessage-deflate; foo", "", -1},
		{"permessage-deflate", "permessage-deflate", 0},
		{"permessage-deflate; client_max_window_bits", "permessage-deflate", 0},
		{"permessage-deflate; client_max_window_bits=8", "permessage-deflate; client_max_window_bits=8", 0},
		{"permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8", 0},
		{"permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover", 0},
		{"permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9",
			"permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9", 0},
		{"permessage-deflate; server_max_window_bits, permessage-deflate; server_max_window_bits=9",
			"permessage-deflate; server_max_window_bits=9", 1},
	}
	for _, tt := range tests {
		offers := ParsePMDOffers(tt.offers)
		answer, offer := DefaultPMDAnswer(offers)
		got := ""
		if offer >= 0 {
			got = answer.String()
		}
		if got != tt.answer || offer != tt.offer {
			t.Errorf("DefaultPMDAnswer(%q) = %q (offer %d), want %q (offer %d)", tt.offers, got, offer, tt.answer, tt.offer)
		}
		// The default answer is always a valid acceptance of its offer.
		if _, judged, err := JudgePMDResponse(offers, got); err != nil || judged != offer {
			t.Errorf("JudgePMDResponse(%q, %q) = offer %d, %v; want offer %d", tt.offers, got, judged, err, offer)
		}
	}
}

// TestCanFailPMDNegotiation shows that the judge catches the answers of
// broken servers, each breaking one rule of section 7.1.
func TestCanFailPMDNegotiation(t *testing.T) {
	broken := []struct {
		name           string
		offer, answers string
	}{
		{"drops server_no_context_takeover", "permessage-deflate; server_no_context_takeover", "permessage-deflate"},
		{"answers 9 to a request for 8 (zlib's habit)", "permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=9"},
		{"ignores the requested window", "permessage-deflate; server_max_window_bits=10", "permessage-deflate"},
		{"limits a client that cannot be limited", "permessage-deflate", "permessage-deflate; client_max_window_bits=10"},
		{"raises the client's own limit", "permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=11"},
		{"accepts an offer with an unknown parameter", "permessage-deflate; mystery", "permessage-deflate"},
		{"accepts an offer with a repeated parameter", "permessage-deflate; client_max_window_bits; client_max_window_bits", "permessage-deflate"},
		{"answers with a leading zero", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=010"},
		{"answers client_max_window_bits without a value", "permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits"},
		{"accepts twice", "permessage-deflate, permessage-deflate", "permessage-deflate, permessage-deflate"},
	}
	for _, b := range broken {
		if _, offer, err := JudgePMDResponse(ParsePMDOffers(b.offer), b.answers); err == nil {
			t.Errorf("a server that %s passes: offer %q, answer %q accepted as offer %d", b.name, b.offer, b.answers, offer)
		} else if !strings.Contains(err.Error(), "response") {
			t.Errorf("a server that %s: error %q does not say the response is at fault", b.name, err)
		}
	}
}
