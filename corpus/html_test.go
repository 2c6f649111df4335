package corpus

import (
	"bytes"
	"testing"
)

// TestHTMLMatchesJSON reads the HTML page and the JSON report of the same
// case and checks that they tell the same story: verdicts, closing, and
// every wire-log entry's kind and known octets.
func TestHTMLMatchesJSON(t *testing.T) {
	for _, name := range []string{"naive_gorilla_echo_case_5_20", "naive_gorilla_echo_case_7_1_6"} {
		t.Run(name, func(t *testing.T) {
			h := readOne(t, testdataAB+name+".html")
			j := readOne(t, testdataAB+name+".json")
			if h.ID != j.ID || h.Agent != j.Agent || h.Behavior != j.Behavior || h.BehaviorClose != j.BehaviorClose ||
				h.ResultClose != j.ResultClose || h.Result != j.Result || h.DurationMS != j.DurationMS {
				t.Errorf("html %q %q %s/%s %q %q %d\njson %q %q %s/%s %q %q %d",
					h.ID, h.Agent, h.Behavior, h.BehaviorClose, h.Result, h.ResultClose, h.DurationMS,
					j.ID, j.Agent, j.Behavior, j.BehaviorClose, j.Result, j.ResultClose, j.DurationMS)
			}
			if h.Description != j.Description || h.Expectation != j.Expectation {
				t.Errorf("description/expectation differ:\n%q\n%q", h.Description, j.Description)
			}
			if h.Closing != j.Closing || h.FuzzerIsServer != j.FuzzerIsServer {
				t.Errorf("closing\nhtml %+v\njson %+v", h.Closing, j.Closing)
			}
			if h.HTTPRequest != j.HTTPRequest || h.HTTPResponse != j.HTTPResponse {
				t.Errorf("handshake\nhtml %q\njson %q", h.HTTPRequest, j.HTTPRequest)
			}
			if kinds(h.Wire) != kinds(j.Wire) {
				t.Fatalf("kinds\nhtml %s\njson %s", kinds(h.Wire), kinds(j.Wire))
			}
			for i := range h.Wire {
				he, je := h.Wire[i], j.Wire[i]
				if he.Exact != je.Exact || (he.Exact && !bytes.Equal(he.Octets, je.Octets)) || he.Sync != je.Sync {
					t.Errorf("entry %d: html exact %v sync %v %x, json exact %v sync %v %x", i, he.Exact, he.Sync, he.Octets, je.Exact, je.Sync, je.Octets)
				}
				if he.Seconds != je.Seconds || he.Mark != je.Mark {
					t.Errorf("entry %d: timer %v %q vs %v %q", i, he.Seconds, he.Mark, je.Seconds, je.Mark)
				}
				if hf, jf := he.Frame, je.Frame; hf != nil {
					if hf.Opcode != jf.Opcode || hf.Fin != jf.Fin || hf.Rsv != jf.Rsv || !bytes.Equal(hf.Mask, jf.Mask) ||
						hf.RepeatLength != jf.RepeatLength || hf.PayloadLength != jf.PayloadLength || !bytes.Equal(hf.Wire, jf.Wire) {
						t.Errorf("entry %d: frames differ\nhtml %+v\njson %+v", i, hf, jf)
					}
				}
			}
			if len(h.Received) != len(j.Received) {
				t.Errorf("received %d events, json %d", len(h.Received), len(j.Received))
			}
			for i := range h.Received {
				if i < len(j.Received) && !bytes.Equal(h.Received[i].Data, j.Received[i].Data) {
					t.Errorf("event %d: %q vs %q", i, h.Received[i].Data, j.Received[i].Data)
				}
			}
		})
	}
}

func TestHTMLNotACasePage(t *testing.T) {
	_, err := ParseHTML([]byte("<!DOCTYPE html><html><body><p>index</p></body></html>"), "index.html")
	if err == nil || err.Error() != `index.html: not an Autobahn case page: no "<agent> - Case <id> : <verdict> - <n> ms @ <time>" title` {
		t.Errorf("error %v", err)
	}
}
