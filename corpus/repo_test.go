package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// repoCorpus is the fuzz targets' committed corpus.
const repoCorpus = "../fuzz/testdata/fuzz"

// TestSeedPagesInRepoCorpus: every corpus entry the five seed pages yield
// is committed, so "go test ./fuzz" replays them. (They were imported with
// --keep-similar, so that no entry stands in for another.)
func TestSeedPagesInRepoCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/seeds/*.txt")
	if len(files) != 5 {
		t.Fatalf("%d seed pages", len(files))
	}
	n := 0
	for _, f := range files {
		c := readOne(t, f)
		seeds, _ := Seeds(c, SeedOptions{})
		for _, s := range seeds {
			content, err := MarshalCorpusFile(s.Args...)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(repoCorpus, s.Target, CorpusFileName(content))
			got, err := os.ReadFile(path)
			if err != nil || string(got) != string(content) {
				t.Errorf("%s: %s (%s) is not committed as %s", filepath.Base(f), s.Target, s.From, path)
			}
			n++
		}
	}
	if n != 34 {
		t.Errorf("%d entries, want 34", n)
	}
}
