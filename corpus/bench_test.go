package corpus_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// sharedReports is a second full run, of another server, kept outside the
// repository; the benchmark uses it when it is there.
const sharedReports = "../../shared/autobahn/naive-gorilla-echo"

// BenchmarkImport imports full report directories (517 and 301 cases): the
// reference server's, and when ../shared is present another server's too
// (602 cases). Each iteration writes a fresh corpus. The bound this
// guards: a directory of 500+ cases imports in well under a second.
func BenchmarkImport(b *testing.B) {
	dirs := []string{referenceReports}
	if _, err := os.Stat(sharedReports); err == nil {
		dirs = append(dirs, sharedReports)
	} else {
		b.Logf("%s is absent: importing the reference reports only (517 cases)", sharedReports)
	}
	root := b.TempDir()
	var sum corpus.Summary
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var errs []error
		sum, errs = corpus.Import(corpus.ImportOptions{Out: filepath.Join(root, fmt.Sprint(i))}, nil, dirs...)
		if len(errs) != 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(float64(sum.Cases), "cases/op")
}

// BenchmarkImportAgain imports into a corpus that already has every file:
// the common rerun, which writes nothing.
func BenchmarkImportAgain(b *testing.B) {
	dirs := []string{referenceReports}
	if _, err := os.Stat(sharedReports); err == nil {
		dirs = append(dirs, sharedReports)
	}
	out := b.TempDir()
	if _, errs := corpus.Import(corpus.ImportOptions{Out: out}, nil, dirs...); len(errs) != 0 {
		b.Fatal(errs)
	}
	b.ResetTimer()
	for b.Loop() {
		sum, _ := corpus.Import(corpus.ImportOptions{Out: out}, nil, dirs...)
		for _, n := range sum.New {
			if n != 0 {
				b.Fatal("the second import wrote files")
			}
		}
	}
}

// BenchmarkImportDryRun is BenchmarkImport without the file system: reading
// the reports, rebuilding, deriving and encoding the seeds.
func BenchmarkImportDryRun(b *testing.B) {
	dirs := []string{referenceReports}
	if _, err := os.Stat(sharedReports); err == nil {
		dirs = append(dirs, sharedReports)
	}
	out := b.TempDir()
	for b.Loop() {
		if _, errs := corpus.Import(corpus.ImportOptions{Out: out, DryRun: true}, nil, dirs...); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
