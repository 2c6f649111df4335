package corpus

import (
	"encoding/hex"
	"strings"
	"testing"
)

// Reports of several suite versions, copied from projects that committed
// them (see testdata/README.md).
const testdataVersions = "testdata/versions/"

// firstFrame returns the first frame entry of kind k.
func firstFrame(t *testing.T, c *Case, k EntryKind) *Frame {
	t.Helper()
	for _, e := range c.Wire {
		if e.Kind == k && e.Frame != nil {
			return e.Frame
		}
	}
	t.Fatalf("%s: no %s entry", c.Source, k)
	return nil
}

// unmasked returns the payload of a frame's octets.
func unmasked(wire []byte) []byte {
	return unmaskFrames(wire)[headerLen(wire):]
}

// The suite's Python 2 builds write invalid UTF-8 payloads of per-case
// JSON reports as surrogate escapes; they stand for the encoded surrogates
// that went over the wire, which the next octet entry confirms.
func TestJSONSurrogatePayloads(t *testing.T) {
	for name, want := range map[string]string{
		"unknownserver_case_6_21_1.json": "eda080edb080", // "\ud800\udc00": a pair, but 6 octets
		"unknownserver_case_6_21_8.json": "edafbfedbfbf",
		"unknownserver_case_6_20_1.json": "eda080", // a lone "\ud800", not U+FFFD
		"unknownserver_case_6_3_1.json":  "cebae1bdb9cf83cebcceb5eda080656469746564",
	} {
		c := readOne(t, testdataVersions+"0.8.2-servers/"+name)
		f := firstFrame(t, c, TxFrame)
		if got := hexOf(f.Payload); got != want || !f.PayloadExact {
			t.Errorf("%s: payload %s (exact %v), want %s", name, got, f.PayloadExact, want)
		}
		if f.Wire == nil || hexOf(unmasked(f.Wire)) != want {
			t.Errorf("%s: the frame's octets do not carry its payload: %x", name, f.Wire)
		}
		if c.Partial || c.SuiteVersion != "0.8.2" {
			t.Errorf("%s: partial %v %q, suite %q", name, c.Partial, c.Skipped, c.SuiteVersion)
		}
	}
}

func TestJSONString(t *testing.T) {
	for _, tc := range []struct {
		raw          string
		joined, kept string
	}{
		{`"plain"`, "plain", "plain"},
		{`"a\"b\\c\/d\n\t"`, "a\"b\\c/d\n\t", "a\"b\\c/d\n\t"},
		{`"\u00e9\u20ac"`, "é€", "é€"},
		{`"\ud800\udc00"`, "\U00010000", "\xed\xa0\x80\xed\xb0\x80"},
		{`"\ud800"`, "\xed\xa0\x80", "\xed\xa0\x80"},
		{`"\udc00\ud800"`, "\xed\xb0\x80\xed\xa0\x80", "\xed\xb0\x80\xed\xa0\x80"},
		{"\"raw \xff byte\"", "raw \xff byte", "raw \xff byte"},
	} {
		joined, err1 := jsonString([]byte(tc.raw), true)
		kept, err2 := jsonString([]byte(tc.raw), false)
		if err1 != nil || err2 != nil || joined != tc.joined || kept != tc.kept {
			t.Errorf("%s: %q %q (%v %v), want %q %q", tc.raw, joined, kept, err1, err2, tc.joined, tc.kept)
		}
		if hasSurrogatePair([]byte(tc.raw)) != (tc.joined != tc.kept) {
			t.Errorf("%s: hasSurrogatePair wrong", tc.raw)
		}
	}
	for _, bad := range []string{`"abc`, `"\x41"`, `"\u12"`, `"a"b"`, `"\`} {
		if _, err := jsonString([]byte(bad), true); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// Suite 0.5.2 pages show text messages as Python 2 byte strings.
func TestPython2ByteStringsOnPages(t *testing.T) {
	c := readOne(t, testdataVersions+"0.5.2-servers/autobahnpython_case_6_22_1.html")
	if c.SuiteVersion != "0.5.2" {
		t.Errorf("suite %q", c.SuiteVersion)
	}
	ok := c.Expected["OK"]
	if len(ok) != 1 || len(ok[0]) != 1 || hexOf(ok[0][0].Data) != "efbfbe" {
		t.Fatalf("expected %+v", c.Expected)
	}
	if len(c.Received) != 1 || hexOf(c.Received[0].Data) != "efbfbe" {
		t.Errorf("received %+v", c.Received)
	}
}

func TestPyDialect(t *testing.T) {
	for _, tc := range []struct {
		version, literal string
		bytes            bool
	}{
		{"0.5.2", `{'OK': [('message', '\xef\xbf\xbe', False)]}`, true},
		{"", `{'OK': [('message', u'\xe9', False)]}`, true},
		{"", `{'OK': [('message', '\xe9', False)]}`, false}, // the Python 3 port
		{"25.10.1", `{'OK': [('message', b'\xe9', True)]}`, false},
	} {
		plain := pyDialect(tc.version, tc.literal)
		if plain != tc.bytes {
			t.Errorf("%q %s: plain literals are bytes %v, want %v", tc.version, tc.literal, plain, tc.bytes)
		}
	}
	exp, err := parseExpected(`{'OK': [('message', '\xe9', False), ('pong', u'\xe9\ud800', False)]}`, true)
	if err != nil || hexOf(exp["OK"][0][0].Data) != "e9" || hexOf(exp["OK"][0][1].Data) != "c3a9eda080" {
		t.Errorf("%+v %v", exp, err)
	}
}

// Old pages show at most 1,000 characters of the expected events.
func TestPageCutExpected(t *testing.T) {
	c := readOne(t, testdataVersions+"0.5.2-servers/autobahnpython_case_1_1_6.html")
	if !c.ExpectedCut || len(c.Expected) != 0 {
		t.Errorf("cut %v, expected %d verdicts", c.ExpectedCut, len(c.Expected))
	}
	whole := readOne(t, testdataVersions+"0.5.2-servers/autobahnpython_case_6_22_1.html")
	if whole.ExpectedCut {
		t.Error("a whole expected block taken for cut")
	}
}

// The fuzzing server's pages (client reports) show a received frame's mask
// as the hex of its hex.
func TestClientPageMask(t *testing.T) {
	c := readOne(t, testdataVersions+"25.10.1-clients/mycppclient_case_1_1_1.html")
	if !c.FuzzerIsServer || c.SuiteVersion != "25.10.1" {
		t.Errorf("server %v suite %q", c.FuzzerIsServer, c.SuiteVersion)
	}
	f := firstFrame(t, c, RxFrame)
	if hexOf(f.Mask) != "4e157301" || hexOf(f.Wire) != "81804e157301" {
		t.Errorf("mask %x wire %x", f.Mask, f.Wire)
	}
}

// The text rendering of a 12.* page carries the template's note that wire
// logging went off after the handshake.
func TestTextWireLogNote(t *testing.T) {
	c := readOne(t, testdataVersions+"0.8.2-servers/unknownserver_case_12_1_1.txt")
	if got := kinds(c.Wire); got != "TO RO WLM DROP" {
		t.Errorf("kinds %s", got)
	}
	if c.ID != "12.1.1" || !c.Partial {
		t.Errorf("case %s partial %v", c.ID, c.Partial)
	}
}

// Suite 0.5.2 pages state no payload lengths: frame sizes come from the
// headers, which a chopped frame sends a byte at a time, and raw writes
// outside any frame entry must not be taken for a frame's header.
func TestOldPageFrameSizes(t *testing.T) {
	c := readOne(t, testdataVersions+"0.5.2-servers/autobahnpython_case_2_6.html")
	f := firstFrame(t, c, TxFrame)
	if f.PayloadLength != -1 || len(f.Wire) != 2+4+125 || f.Opcode != 9 {
		t.Errorf("ping: stated %d, %d octets known", f.PayloadLength, len(f.Wire))
	}
	c = readOne(t, testdataVersions+"0.5.2-servers/autobahnpython_case_6_4_3.html")
	e := c.Wire[10]
	if e.Kind != TxFrame || hexOf(e.Frame.Wire) != "80804017b048" {
		t.Errorf("entry 10: %s %x", e.Kind, e.Frame.Wire)
	}
}

func TestSuiteVersion(t *testing.T) {
	for _, tc := range []struct{ req, resp, want string }{
		{"GET / HTTP/1.1\r\nUser-Agent: AutobahnTestSuite/0.8.0-0.10.9\r\n", "", "0.8.0"},
		{"GET / HTTP/1.1\r\nuser-agent: AutobahnWebSocketsTestSuite/0.4.10\r\n", "", "0.4.10"},
		{"GET /runCase?case=1 HTTP/1.1\r\nUser-Agent: my-client\r\n", "HTTP/1.1 101 OK\r\nServer: AutobahnTestSuite/25.10.1-0.10.9\r\n", "25.10.1"},
		{"GET / HTTP/1.1\r\nHost: x\r\n", "HTTP/1.1 101 OK\r\n", ""},
	} {
		if got := suiteVersion(tc.req, tc.resp); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.req, got, tc.want)
		}
	}
	ordered := []string{"0.4.10", "0.5.2", "0.5.7", "0.7.5", "0.8", "0.8.1", "0.10.9", "25.10.1"}
	for i := range ordered {
		for j := range ordered {
			got := CompareVersions(ordered[i], ordered[j])
			if (got < 0) != (i < j) || (got == 0) != (i == j) {
				t.Errorf("CompareVersions(%s, %s) = %d", ordered[i], ordered[j], got)
			}
		}
	}
	if CompareVersions("0.8.0", "0.8") != 0 {
		t.Error("a missing part is not 0")
	}
}

// Client reports ask for /runCase?case=N: their handshakes are one seed.
func TestImportHandshakesOfClientReports(t *testing.T) {
	out := t.TempDir()
	var twins []string
	sum, errs := Import(ImportOptions{Out: out, MaxBytes: DefaultMaxBytes}, func(ci CaseImport) {
		twins = append(twins, ci.Twins...)
	}, testdataVersions+"25.10.1-clients/mycppclient_case_1_1_2.json", testdataVersions+"25.10.1-clients/mycppclient_case_1_1_3.json")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if sum.Files[TargetHandshake] != 1 {
		t.Errorf("%d handshake seeds, want 1", sum.Files[TargetHandshake])
	}
	if len(twins) == 0 || !strings.Contains(strings.Join(twins, "\n"), "request path") {
		t.Errorf("twins %q", twins)
	}
	sum, _ = Import(ImportOptions{Out: t.TempDir(), MaxBytes: DefaultMaxBytes, KeepSimilar: true}, nil,
		testdataVersions+"25.10.1-clients/mycppclient_case_1_1_2.json", testdataVersions+"25.10.1-clients/mycppclient_case_1_1_3.json")
	if sum.Files[TargetHandshake] != 2 {
		t.Errorf("with KeepSimilar: %d handshake seeds, want 2", sum.Files[TargetHandshake])
	}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
