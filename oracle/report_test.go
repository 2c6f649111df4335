package oracle_test

import (
	"context"
	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/target"
	"net"
	"testing"
)

// TestReportReplays writes an exchange as an Autobahn report and replays
// it against the same server through the target's Dial.
func TestReportReplays(t *testing.T) {
	in := target.Input{Pieces: [][]byte{{0x81, 0x83, 1, 2, 3, 4, 0x69, 0xbb, 0xfc}, {0x88, 0x82, 1, 2, 3, 4, 0x02, 0xea}}}
	ref := target.Reference(server.SessionConfig{})
	o, _ := ref.Exchange(context.Background(), in)
	v := oracle.Judge(in, o, oracle.Options{})
	c := oracle.Report("fuzz.1", "x", in, o, v)
	b, err := corpus.MarshalReport(c)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := corpus.ParseJSON(b, "x.json")
	if err != nil {
		t.Fatal(err, string(b))
	}
	p, err := replay.Compile(c2)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := replay.Run(context.Background(), p, ref.URL(), replay.Options{Dial: func(ctx context.Context, _, _ string) (net.Conn, error) { return ref.Dial(ctx) }})
	if err != nil {
		t.Fatal(err)
	}
	if v2 := replay.Judge(c2, obs); !v2.Pass(true) || !v.Pass(true) {
		t.Errorf("a finding's report of a passing exchange does not replay as passing: %v / %v", v, v2)
	}
}
