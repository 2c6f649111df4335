package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

const importUsage = `usage: wsfuzz import [flags] REPORT...

Turn Autobahn|Testsuite reports into seed corpus entries for the fuzz
targets, failing cases first. REPORT is a per-case report (JSON, HTML or
its text rendering), an index.json, or a directory of reports (walked
recursively). Cut wire-log entries are rebuilt from their frame entries
where the report has the whole payload; otherwise the case is partial and
the skipped entries are listed. Files are named by content: importing the
same reports again writes nothing new. A partial case is not a failure;
a report that cannot be read, or a file that cannot be written, is.

--json records: "case" has id, agent, source, behavior, behavior_close,
partial, tx {exact, rebuilt, skipped}, skipped (the cut entries, one line
each), seeds [{target, path, new}], left_out (seeds left out and why) and
error; "summary" has cases, partial, errors, tx, files and new (per
target), dry_run and exit.

` + contractHelp + `
flags:
`

// runImport is "wsfuzz import".
func runImport(args []string) error {
	return importMain(args, os.Stdout, os.Stderr)
}

func importMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	failingOnly := fs.Bool("failing-only", false, "import only cases Autobahn did not pass (a verdict other than OK, NON-STRICT, INFORMATIONAL)")
	cases := fs.String("cases", "", "comma-separated case ids or patterns with * (e.g. 6.4.*,7.*); empty imports all")
	out := fs.String("out", filepath.Join("fuzz", "testdata", "fuzz"), "corpus root; files go to OUT/<Target>/")
	maxBytes := fs.Int("max-bytes", corpus.DefaultMaxBytes, "leave out seeds whose arguments exceed this many bytes (a session is cut after the last write that fits)")
	keepSimilar := fs.Bool("keep-similar", false, "also write seeds that differ from one already imported in this run only by masking keys, or by request path, Sec-WebSocket-Key and Host")
	dryRun := fs.Bool("n", false, "dry run: report what would be written, write nothing")
	quiet := fs.Bool("q", false, "print only the summary line and errors")
	verbose := fs.Bool("v", false, "also list the near-twin seeds left out")
	asJSON := fs.Bool("json", false, "print JSON lines (one per case, then a summary) instead of text")
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage)
		fs.PrintDefaults()
	}
	reports, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(reports) == 0 {
		fs.Usage()
		return usageError{"no REPORT given"}
	}
	if *maxBytes <= 0 {
		return usageError{"--max-bytes must be positive"}
	}
	var patterns []string
	for _, p := range strings.Split(*cases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			patterns = append(patterns, p)
		}
	}
	var records *jsonLines
	if *asJSON {
		records = newJSONLines(stdout, "import")
	}
	opt := corpus.ImportOptions{Out: *out, FailingOnly: *failingOnly, Cases: patterns, MaxBytes: *maxBytes, DryRun: *dryRun, KeepSimilar: *keepSimilar}
	sum, errs := corpus.Import(opt, func(ci corpus.CaseImport) {
		switch {
		case records != nil:
			records.write(recordCase, importCaseRecord(ci))
		case !*quiet:
			printCase(stdout, ci, *verbose, *dryRun)
		}
	}, reports...)
	failures := inputFailures(errs)
	printInputFailures(stderr, "import", failures)
	var result error
	if len(errs) > 0 {
		result = fmt.Errorf("%d input(s) could not be read or written", len(errs))
	}
	if records != nil {
		records.failures(failures)
		records.write(recordSummary, importSummaryRecord(sum, *dryRun, exitStatus(result)))
		if err := records.Err(); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(stdout, summaryLine(sum, *dryRun))
	}
	return result
}

// txCounts are a case's TX octet entries by what became of them.
type txCounts struct {
	Exact   int `json:"exact"`
	Rebuilt int `json:"rebuilt"`
	Skipped int `json:"skipped"`
}

// importedSeed is one seed of an import's --json case record.
type importedSeed struct {
	Target string `json:"target"`
	Path   string `json:"path"`
	New    bool   `json:"new"`
}

// importCaseRecord is the --json record of one imported case.
func importCaseRecord(ci corpus.CaseImport) any {
	c := ci.Case
	exact, rebuilt, skipped := c.Counts()
	seeds := make([]importedSeed, len(ci.Paths))
	for i, p := range ci.Paths {
		seeds[i] = importedSeed{Target: filepath.Base(filepath.Dir(p)), Path: p, New: ci.New[i]}
	}
	errText := ""
	if ci.Err != nil {
		errText = ci.Err.Error()
	}
	return struct {
		ID            string         `json:"id"`
		Agent         string         `json:"agent"`
		Source        string         `json:"source"`
		Behavior      string         `json:"behavior"`
		BehaviorClose string         `json:"behavior_close"`
		Partial       bool           `json:"partial"`
		TX            txCounts       `json:"tx"`
		Skipped       []string       `json:"skipped"`
		Seeds         []importedSeed `json:"seeds"`
		LeftOut       []string       `json:"left_out"`
		Error         string         `json:"error"`
	}{c.ID, c.Agent, c.Source, c.Behavior, c.BehaviorClose, c.Partial, txCounts{exact, rebuilt, skipped},
		orEmpty(c.Skipped), seeds, orEmpty(append(slices.Clone(ci.Notes), ci.Twins...)), errText}
}

// importSummaryRecord is the --json summary of an import.
func importSummaryRecord(s corpus.Summary, dryRun bool, exit int) any {
	return struct {
		Cases   int            `json:"cases"`
		Partial int            `json:"partial"`
		Errors  int            `json:"errors"`
		TX      txCounts       `json:"tx"`
		Files   map[string]int `json:"files"`
		New     map[string]int `json:"new"`
		DryRun  bool           `json:"dry_run"`
		Exit    int            `json:"exit"`
	}{s.Cases, s.Partial, s.Errors, txCounts{s.Exact, s.Rebuilt, s.Skipped}, s.Files, s.New, dryRun, exit}
}

// printCase prints what was written and skipped for one case.
func printCase(w io.Writer, ci corpus.CaseImport, verbose, dryRun bool) {
	c := ci.Case
	verdict := c.Behavior
	if c.BehaviorClose != "" {
		verdict += "/" + c.BehaviorClose
	}
	exact, rebuilt, skipped := c.Counts()
	perTarget, newFiles := map[string]int{}, 0
	for i, p := range ci.Paths {
		perTarget[filepath.Base(filepath.Dir(p))]++
		if ci.New[i] {
			newFiles++
		}
	}
	var wrote []string
	for _, t := range corpus.Targets {
		if n := perTarget[t]; n > 0 {
			wrote = append(wrote, fmt.Sprintf("%s %d", t, n))
		}
	}
	files := "no seeds"
	if len(wrote) > 0 {
		files = strings.Join(wrote, ", ")
		if !dryRun {
			files += fmt.Sprintf(" (%d new)", newFiles)
		}
	}
	if n := len(ci.Twins); n > 0 {
		files += fmt.Sprintf("; %d near-twin(s) of earlier seeds left out", n)
	}
	partial := ""
	if c.Partial {
		partial = " PARTIAL"
	}
	fmt.Fprintf(w, "%s %s %s%s [%s]: TX entries %d exact, %d rebuilt, %d skipped; %s\n",
		c.ID, c.Agent, verdict, partial, filepath.Base(c.Source), exact, rebuilt, skipped, files)
	for _, s := range c.Skipped {
		fmt.Fprintf(w, "    skipped %s\n", s)
	}
	for _, n := range ci.Notes {
		fmt.Fprintf(w, "    left out %s\n", n)
	}
	if verbose {
		for _, n := range ci.Twins {
			fmt.Fprintf(w, "    left out %s\n", n)
		}
	}
	if ci.Err != nil {
		fmt.Fprintf(w, "    error: %v\n", ci.Err)
	}
}

func summaryLine(s corpus.Summary, dryRun bool) string {
	var per []string
	total, fresh := 0, 0
	for _, t := range corpus.Targets {
		total += s.Files[t]
		fresh += s.New[t]
		if s.Files[t] > 0 {
			per = append(per, fmt.Sprintf("%s %d", t, s.Files[t]))
		}
	}
	verb := "written"
	if dryRun {
		verb = "to write (dry run)"
		fresh = 0
	}
	return fmt.Sprintf("imported %d cases (%d partial, %d errors); TX entries %d exact, %d rebuilt, %d skipped; corpus files %d (%s), %d new %s",
		s.Cases, s.Partial, s.Errors, s.Exact, s.Rebuilt, s.Skipped, total, strings.Join(per, ", "), fresh, verb)
}
