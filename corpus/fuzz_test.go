package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the report readers (every form) and
// what they accept to Seeds and the corpus encoder: none may panic, and
// every seed must survive the corpus file format.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/seeds/*.txt", "testdata/autobahn/*_5_20.*", "testdata/autobahn/*_6_4_1.json", "testdata/autobahn/index.json"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`{"id": "1", "wirelog": [["TO", [2, "0102"], true], ["TF", [70, "0x00 ..."], 1, true, 0, "01020304", 100000, 3, true], ["TO", [80, "81 ..."], true]]}`))
	f.Add([]byte(`{"id": "1", "httpRequest": "GET / HTTP/1.1\r\n\r\n", "wirelog": [["TF", [2, "ab"], 1, true, 0, "01020304", null, null, false], ["TO", [26, "474554202f20485454502f312e310d0a0d0a ..."], false]]}`))
	f.Add([]byte("x - Case 1.1.1 : Pass - 1 ms @ t\nWire Log\n000 TX FRAME : OPCODE=1, FIN=True, RSV=0, PAYLOAD-LEN=2, MASK=01020304, PAYLOAD-REPEAT-LEN=9, CHOPSIZE=2, SYNC=True\n               ab\n001 TX OCTETS: 8182\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz")
		if err != nil {
			return
		}
		seeds, _ := Seeds(c, SeedOptions{MaxBytes: 1 << 16})
		for _, s := range seeds {
			content, err := MarshalCorpusFile(s.Args...)
			if err != nil {
				t.Fatalf("%s: %v", s.Target, err)
			}
			args, err := UnmarshalCorpusFile(content)
			if err != nil || len(args) != len(s.Args) {
				t.Fatalf("%s: round trip: %v", s.Target, err)
			}
		}
	})
}
