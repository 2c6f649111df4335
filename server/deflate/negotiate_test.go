package deflate

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseOffers(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    []Offer // Err compared only as nil / non-nil
		wantErr bool
	}{
		{"none", nil, nil, false},
		{"bare", []string{"permessage-deflate"}, []Offer{{Name: "permessage-deflate"}}, false},
		{"params", []string{"permessage-deflate; client_max_window_bits; server_max_window_bits=10"},
			[]Offer{{Name: "permessage-deflate", Params: []Param{
				{Name: "client_max_window_bits"},
				{Name: "server_max_window_bits", Value: "10", HasValue: true}}}}, false},
		{"whitespace", []string{" \tpermessage-deflate \t;\tserver_max_window_bits = 10 ; a=b\t"},
			[]Offer{{Name: "permessage-deflate", Params: []Param{
				{Name: "server_max_window_bits", Value: "10", HasValue: true},
				{Name: "a", Value: "b", HasValue: true}}}}, false},
		{"quoted", []string{`x; a="10"; b="1\0"; c="tok,en"`},
			[]Offer{{Name: "x", Params: []Param{
				{Name: "a", Value: "10", HasValue: true},
				{Name: "b", Value: "10", HasValue: true}}, Err: errors.New("c")}}, true},
		{"several offers and lines", []string{"a, b; x", "c", "", " , ,d,"},
			[]Offer{{Name: "a"}, {Name: "b", Params: []Param{{Name: "x"}}}, {Name: "c"}, {Name: "d"}}, false},
		{"quoted comma does not split", []string{`a; p="x,y", b`},
			[]Offer{{Name: "a", Err: errors.New("x,y is no token")}, {Name: "b"}}, true},
		{"bad item does not spoil the next", []string{"a;, b", "c d, e"},
			[]Offer{{Name: "a", Err: errors.New("")}, {Name: "b"}, {Name: "c", Err: errors.New("")}, {Name: "e"}}, true},
		{"unterminated quote swallows the line", []string{`a; p="x, b`, "c"},
			[]Offer{{Name: "a", Err: errors.New("")}, {Name: "c"}}, true},
		{"empty quoted value", []string{`a; p=""`}, []Offer{{Name: "a", Err: errors.New("")}}, true},
		{"no name", []string{"; p"}, []Offer{{Err: errors.New("")}}, true},
		{"no value", []string{"a; p="}, []Offer{{Name: "a", Err: errors.New("")}}, true},
		{"control octet in quotes", []string{"a; p=\"x\x01\""}, []Offer{{Name: "a", Err: errors.New("")}}, true},
		{"bad quoted pair", []string{"a; p=\"x\\\x01\""}, []Offer{{Name: "a", Err: errors.New("")}}, true},
		{"separator in token", []string{"a; p=x/y"}, []Offer{{Name: "a", Err: errors.New("")}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOffers(tt.headers)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d offers %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if (got[i].Err != nil) != (tt.want[i].Err != nil) {
					t.Errorf("offer %d: Err = %v, want error %v", i, got[i].Err, tt.want[i].Err != nil)
				}
				if got[i].Name != tt.want[i].Name {
					t.Errorf("offer %d: Name = %q, want %q", i, got[i].Name, tt.want[i].Name)
				}
				if tt.want[i].Err == nil && !reflect.DeepEqual(got[i].Params, tt.want[i].Params) {
					t.Errorf("offer %d: Params = %+v, want %+v", i, got[i].Params, tt.want[i].Params)
				}
			}
		})
	}
}

func TestParseOffersErrorPosition(t *testing.T) {
	_, err := ParseOffers([]string{"a", "b, c; p=\"x"})
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *SyntaxError", err)
	}
	if se.Line != 1 || se.Offset != 8 {
		t.Errorf("error at line %d octet %d, want line 1 octet 8 (the opening quote): %v", se.Line, se.Offset, se)
	}
}

func TestNegotiateAccepts(t *testing.T) {
	const pmd = "permessage-deflate"
	tests := []struct {
		name     string
		headers  []string
		prefs    Preferences
		response string
		params   Params
	}{
		{"bare offer", []string{pmd}, Preferences{}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"client window without value, no limit wanted", []string{pmd + "; client_max_window_bits"}, Preferences{}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"client window without value, server limits it", []string{pmd + "; client_max_window_bits"}, Preferences{ClientMaxWindowBits: 12},
			pmd + "; client_max_window_bits=12",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 12}},
		{"client promise is repeated", []string{pmd + "; client_max_window_bits=10"}, Preferences{},
			pmd + "; client_max_window_bits=10",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 10}},
		{"client promise smaller than the server's limit", []string{pmd + "; client_max_window_bits=10"}, Preferences{ClientMaxWindowBits: 12},
			pmd + "; client_max_window_bits=10",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 10}},
		{"server limit smaller than the client's promise", []string{pmd + "; client_max_window_bits=13"}, Preferences{ClientMaxWindowBits: 11},
			pmd + "; client_max_window_bits=11",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 11}},
		{"server never asks a client for 8", []string{pmd + "; client_max_window_bits"}, Preferences{ClientMaxWindowBits: 8},
			pmd + "; client_max_window_bits=9",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 9}},
		{"client may promise 8 itself", []string{pmd + "; client_max_window_bits=8"}, Preferences{},
			pmd + "; client_max_window_bits=8",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 8}},
		{"no client window offered: server may not limit it", []string{pmd}, Preferences{ClientMaxWindowBits: 10}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"server window asked for", []string{pmd + "; server_max_window_bits=10"}, Preferences{},
			pmd + "; server_max_window_bits=10",
			Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"server window 8 is answered with 8", []string{pmd + "; server_max_window_bits=8"}, Preferences{},
			pmd + "; server_max_window_bits=8",
			Params{ServerMaxWindowBits: 8, ClientMaxWindowBits: 15}},
		{"server window 15 asked for is answered", []string{pmd + "; server_max_window_bits=15"}, Preferences{},
			pmd + "; server_max_window_bits=15",
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"server prefers a smaller window than asked", []string{pmd + "; server_max_window_bits=12"}, Preferences{ServerMaxWindowBits: 10},
			pmd + "; server_max_window_bits=10",
			Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"client asks a smaller window than preferred", []string{pmd + "; server_max_window_bits=9"}, Preferences{ServerMaxWindowBits: 10},
			pmd + "; server_max_window_bits=9",
			Params{ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"server preference of 8 is 9 for a client that asked for more", []string{pmd + "; server_max_window_bits=12"}, Preferences{ServerMaxWindowBits: 8},
			pmd + "; server_max_window_bits=9",
			Params{ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"server preference of 8 is 9 unasked", []string{pmd}, Preferences{ServerMaxWindowBits: 8},
			pmd + "; server_max_window_bits=9",
			Params{ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"server preference of 8 with a client asking for 8", []string{pmd + "; server_max_window_bits=8"}, Preferences{ServerMaxWindowBits: 8},
			pmd + "; server_max_window_bits=8",
			Params{ServerMaxWindowBits: 8, ClientMaxWindowBits: 15}},
		{"server announces its window unasked", []string{pmd}, Preferences{ServerMaxWindowBits: 11},
			pmd + "; server_max_window_bits=11",
			Params{ServerMaxWindowBits: 11, ClientMaxWindowBits: 15}},
		{"server no context takeover requested", []string{pmd + "; server_no_context_takeover"}, Preferences{},
			pmd + "; server_no_context_takeover",
			Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"client hint becomes an agreement", []string{pmd + "; client_no_context_takeover"}, Preferences{},
			pmd + "; client_no_context_takeover",
			Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"server prefers no context takeover both ways", []string{pmd}, Preferences{ServerNoContextTakeover: true, ClientNoContextTakeover: true},
			pmd + "; server_no_context_takeover; client_no_context_takeover",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"everything", []string{pmd + "; client_max_window_bits=12; server_max_window_bits=9; server_no_context_takeover; client_no_context_takeover"}, Preferences{},
			pmd + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=12",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 12}},
		{"quoted values", []string{pmd + `; server_max_window_bits="10"; client_max_window_bits="1\1"`}, Preferences{},
			pmd + "; server_max_window_bits=10; client_max_window_bits=11",
			Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 11}},
		{"whitespace everywhere", []string{"  " + pmd + " ;\tserver_max_window_bits = 10 ; client_no_context_takeover  "}, Preferences{},
			pmd + "; client_no_context_takeover; server_max_window_bits=10",
			Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"other extensions are skipped", []string{"x-webkit-deflate-frame, permessage-foo; a=1, " + pmd}, Preferences{}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"empty list items", []string{" , ,, " + pmd + " ,"}, Preferences{}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"first offer declined, second accepted", []string{pmd + "; server_max_window_bits=16, " + pmd + "; server_max_window_bits=10"}, Preferences{},
			pmd + "; server_max_window_bits=10",
			Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"first acceptable offer wins", []string{pmd + "; server_max_window_bits=10, " + pmd}, Preferences{},
			pmd + "; server_max_window_bits=10",
			Params{ServerMaxWindowBits: 10, ClientMaxWindowBits: 15}},
		{"several header lines", []string{"foo", pmd + "; bar", pmd + "; server_no_context_takeover"}, Preferences{},
			pmd + "; server_no_context_takeover",
			Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"malformed line before a good one", []string{pmd + `; server_max_window_bits="10`, pmd}, Preferences{}, pmd,
			Params{ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},

		// The client offers of Autobahn|Testsuite's cases 13.1 to 13.7.
		{"autobahn 13.1", []string{pmd + "; client_no_context_takeover; client_max_window_bits"}, Preferences{},
			pmd + "; client_no_context_takeover",
			Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"autobahn 13.2", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_no_context_takeover"}, Preferences{},
			pmd + "; server_no_context_takeover; client_no_context_takeover",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"autobahn 13.3", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9"}, Preferences{},
			pmd + "; client_no_context_takeover; server_max_window_bits=9",
			Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"autobahn 13.4", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_max_window_bits=15"}, Preferences{},
			pmd + "; client_no_context_takeover; server_max_window_bits=15",
			Params{ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"autobahn 13.5", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9"}, Preferences{},
			pmd + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
		{"autobahn 13.6", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=15"}, Preferences{},
			pmd + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 15, ClientMaxWindowBits: 15}},
		{"autobahn 13.7", []string{pmd + "; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9, " +
			pmd + "; client_no_context_takeover; client_max_window_bits; server_no_context_takeover, " +
			pmd + "; client_no_context_takeover; client_max_window_bits"}, Preferences{},
			pmd + "; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
			Params{ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, response, ok := Negotiate(tt.headers, tt.prefs)
			if !ok {
				t.Fatalf("declined %q", tt.headers)
			}
			if response != tt.response {
				t.Errorf("response %q, want %q", response, tt.response)
			}
			if p != tt.params {
				t.Errorf("params %+v, want %+v", p, tt.params)
			}
			// The response is itself a well-formed, valid parameter set.
			offers, err := ParseOffers([]string{response})
			if err != nil || len(offers) != 1 || offers[0].CheckDeflate() != nil {
				t.Errorf("response %q does not parse as one valid offer: %v", response, err)
			}
			if strings.Contains(response, "client_max_window_bits") && !strings.Contains(response, "client_max_window_bits=") {
				t.Errorf("response %q has client_max_window_bits without a value", response)
			}
		})
	}
}

func TestNegotiateDeclines(t *testing.T) {
	const pmd = "permessage-deflate"
	tests := []struct {
		name    string
		headers []string
	}{
		{"no header", nil},
		{"empty header", []string{""}},
		{"other extensions only", []string{"x-webkit-deflate-frame, foo"}},
		{"name is case-sensitive", []string{"Permessage-Deflate"}},
		{"unknown parameter", []string{pmd + "; foo"}},
		{"unknown parameter with value", []string{pmd + "; max_window_bits=10"}},
		{"duplicate flag", []string{pmd + "; server_no_context_takeover; server_no_context_takeover"}},
		{"duplicate window", []string{pmd + "; client_max_window_bits=10; client_max_window_bits"}},
		{"server window without value", []string{pmd + "; server_max_window_bits"}},
		{"server window 7", []string{pmd + "; server_max_window_bits=7"}},
		{"server window 16", []string{pmd + "; server_max_window_bits=16"}},
		{"server window 0", []string{pmd + "; server_max_window_bits=0"}},
		{"server window leading zero", []string{pmd + "; server_max_window_bits=09"}},
		{"server window sign", []string{pmd + "; server_max_window_bits=+9"}},
		{"server window not a number", []string{pmd + "; server_max_window_bits=9a"}},
		{"server window huge", []string{pmd + "; server_max_window_bits=100000000000000000000"}},
		{"client window 7", []string{pmd + "; client_max_window_bits=7"}},
		{"client window 16", []string{pmd + "; client_max_window_bits=16"}},
		{"client window leading zero", []string{pmd + "; client_max_window_bits=010"}},
		{"value on server_no_context_takeover", []string{pmd + "; server_no_context_takeover=true"}},
		{"value on client_no_context_takeover", []string{pmd + "; client_no_context_takeover=1"}},
		{"quoted value on a flag", []string{pmd + `; client_no_context_takeover="x"`}},
		{"empty quoted value", []string{pmd + `; server_max_window_bits=""`}},
		{"quoted value that is no token", []string{pmd + `; server_max_window_bits="1 0"`}},
		{"quoted value out of range", []string{pmd + `; server_max_window_bits="16"`}},
		{"unterminated quote swallows the next offer", []string{pmd + `; server_max_window_bits="10, ` + pmd}},
		{"trailing semicolon", []string{pmd + ";"}},
		{"junk after name", []string{pmd + " x"}},
		{"every offer bad", []string{pmd + "; a", pmd + "; server_max_window_bits=8a, " + pmd + "; client_max_window_bits=20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, response, ok := Negotiate(tt.headers, Preferences{})
			if ok || response != "" || p != (Params{}) {
				t.Errorf("accepted %q: %q %+v", tt.headers, response, p)
			}
		})
	}
}

func TestCheckDeflateSaysWhy(t *testing.T) {
	offers, _ := ParseOffers([]string{"permessage-deflate; server_max_window_bits=16"})
	err := offers[0].CheckDeflate()
	if err == nil || !strings.Contains(err.Error(), "server_max_window_bits") {
		t.Errorf("CheckDeflate() = %v, want an error naming the parameter", err)
	}
}

func TestMirror(t *testing.T) {
	p := Params{ServerNoContextTakeover: true, ServerMaxWindowBits: 9, ClientMaxWindowBits: 12}
	want := Params{ClientNoContextTakeover: true, ClientMaxWindowBits: 9, ServerMaxWindowBits: 12}
	if got := p.Mirror(); got != want {
		t.Errorf("Mirror() = %+v, want %+v", got, want)
	}
	if got := p.Mirror().Mirror(); got != p {
		t.Errorf("Mirror().Mirror() = %+v, want %+v", got, p)
	}
}
