package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// BenchmarkCheck measures what one execution of each target costs, its
// check run over the target's committed corpus in turn, without the
// fuzzing engine around it:
//
//	go test ./fuzz -run '^$' -bench Check
//
// The engine's own cost per execution is what FuzzTrivial measures (see
// scripts/fuzz.sh); a target whose check costs much less than that runs
// at the engine's rate.
func BenchmarkCheck(b *testing.B) {
	inflateParams := deflate.Params{ClientNoContextTakeover: true}
	checks := map[string]func(r reporter, args []any){
		"FuzzFrame": func(r reporter, a []any) {
			checkFrame(r, wire.DecodeHeader, serverSideCheck, wire.AppendHeader, a[0].([]byte))
		},
		"FuzzFrameStruct": func(r reporter, a []any) {
			checkFrameStruct(r, wire.AppendHeader, wire.DecodeHeader, frameFromBytes(a[0].([]byte)))
		},
		"FuzzMask": func(r reporter, a []any) {
			checkMask(r, wire.MaskBytes, wire.MaskCopy, a[0].([]byte), a[1].(uint32), a[2].(uint8))
		},
		"FuzzUTF8": func(r reporter, a []any) {
			checkUTF8(r, newWireValidator, wire.FirstInvalidUTF8, a[0].([]byte), a[1].([]byte))
		},
		"FuzzClose": func(r reporter, a []any) {
			checkClose(r, wire.ParseClose, wire.CloseCode.Sendable, newPlainSession, a[0].([]byte))
		},
		"FuzzHandshake": func(r reporter, a []any) { checkHandshake(r, readHandshake, a[0].([]byte)) },
		"FuzzInflate": func(r reporter, a []any) {
			checkInflate(r, deflate.NewDecompressor(inflateParams).Inflate, a[0].([]byte), inflateLimit)
		},
		"FuzzSession": func(r reporter, a []any) {
			checkSession(r, negotiateSession(a[2].(string)), a[0].([]byte), a[1].([]byte))
		},
	}
	for target, check := range checks {
		corpus := loadCorpus(b, target)
		b.Run(target, func(b *testing.B) {
			var r recorder
			for i := 0; b.Loop(); i++ {
				check(&r, corpus[i%len(corpus)])
			}
			if len(r.failures) > 0 {
				b.Fatal(r.failures[0])
			}
		})
	}
}

// loadCorpus reads a target's committed corpus.
func loadCorpus(b *testing.B, target string) [][]any {
	dir := filepath.Join("testdata", "fuzz", target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var corpus [][]any
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		args, err := parseCorpusFile(data)
		if err != nil {
			b.Fatalf("%s/%s: %v", target, e.Name(), err)
		}
		corpus = append(corpus, args)
	}
	return corpus
}
