package corpus_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/server"
)

// referenceReports are the Autobahn reports of the reference server, a full
// run of every case (1-10, and 12-13 with permessage-deflate), committed
// with the server.
const referenceReports = "../server/testdata/autobahn"

// TestReferenceReports imports the reference server's reports and checks
// the counts of exact, rebuilt and cut TX entries, and which cases stay
// partial: only those whose payloads Autobahn never logs whole (1.1.2-1.2.8,
// 2.4, 2.5: 125 bytes and more of one byte repeated; 10.1.1: 64 KiB
// auto-fragmented), the 9.* performance cases, whose bulk the log leaves
// out, and the 12.* and 13.* compression cases, which switch the wire log
// off after the handshake.
func TestReferenceReports(t *testing.T) {
	var partial []string
	sum, errs := corpus.Import(corpus.ImportOptions{Out: t.TempDir(), DryRun: true}, func(ci corpus.CaseImport) {
		if ci.Case.Partial {
			partial = append(partial, ci.Case.ID)
		}
	}, referenceReports)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if sum.Cases != 517 {
		t.Errorf("%d cases, want 517", sum.Cases)
	}
	t.Logf("TX entries: %d exact, %d rebuilt, %d skipped; %d partial cases", sum.Exact, sum.Rebuilt, sum.Skipped, sum.Partial)
	if sum.Exact != 1425 || sum.Rebuilt != 522 || sum.Skipped != 197 {
		t.Errorf("TX entries %d exact, %d rebuilt, %d skipped; want 1425, 522, 197", sum.Exact, sum.Rebuilt, sum.Skipped)
	}
	for _, id := range partial {
		ok := strings.HasPrefix(id, "9.") || strings.HasPrefix(id, "12.") || strings.HasPrefix(id, "13.") ||
			id == "10.1.1" || id == "2.4" || id == "2.5" ||
			(strings.HasPrefix(id, "1.") && id != "1.1.1" && id != "1.2.1")
		if !ok {
			t.Errorf("case %s is partial", id)
		}
	}
	if len(partial) != 71+216 {
		t.Errorf("%d partial cases, want 287: %v", len(partial), partial)
	}
}

// TestReferenceSessions feeds every FuzzSession seed of the reference
// reports through the reference server's session, chopped as the seed
// says, and requires what the session writes to be, octet for octet, what
// Autobahn received from the server in that run (where the report has all
// of it). This checks the importer end to end: a rebuilt or misaligned
// entry would change the stream, and the server's answer with it.
func TestReferenceSessions(t *testing.T) {
	cases, errs := corpus.Load(referenceReports)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	compared, sessions := 0, 0
	for _, c := range cases {
		seeds, _ := corpus.Seeds(c, corpus.SeedOptions{MaxBytes: 1 << 20})
		for _, s := range seeds {
			if s.Target != corpus.TargetSession {
				continue
			}
			sessions++
			stream, chops := s.Args[0].([]byte), s.Args[1].([]byte)
			if ext := s.Args[2].(string); ext != "" {
				t.Errorf("%s: extensions %q in a run without compression", c.ID, ext)
			}
			sess := server.NewSession(server.SessionConfig{})
			var out []byte
			feed := func(p []byte) {
				o, _, _ := sess.Feed(p)
				out = append(out, o...)
			}
			for len(chops) > 0 {
				n, k := binary.Uvarint(chops)
				if k <= 0 || n > uint64(len(stream)) {
					t.Fatalf("%s: bad chop sizes", c.ID)
				}
				feed(stream[:n])
				stream, chops = stream[n:], chops[k:]
			}
			feed(stream)

			received, whole := serverOutput(c)
			if !whole || c.Partial {
				continue
			}
			compared++
			if !sess.Done() {
				t.Errorf("%s: the session is not over at the end of the stream", c.ID)
			}
			if !bytes.Equal(out, received) {
				t.Errorf("%s: the session wrote\n%x\nAutobahn received\n%x", c.ID, out, received)
			}
		}
	}
	t.Logf("%d session seeds, %d compared with the recorded answer", sessions, compared)
	if sessions != 230 || compared < 225 {
		t.Errorf("%d session seeds (want 230), %d compared", sessions, compared)
	}
}

// serverOutput returns the octets Autobahn received after the handshake,
// and whether the report has all of them.
func serverOutput(c *corpus.Case) ([]byte, bool) {
	var out []byte
	first := true
	for _, e := range c.Wire {
		if e.Kind != corpus.RxOctets {
			continue
		}
		if !e.Exact {
			return nil, false
		}
		if first {
			first = false
			out = append(out, bytes.TrimPrefix(e.Octets, []byte(c.HTTPResponse))...)
			continue
		}
		out = append(out, e.Octets...)
	}
	return out, true
}
