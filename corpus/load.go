package corpus

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Parse reads one report of any form, told apart by content: a per-case
// JSON report, an index.json (returned as an error: an index names other
// files, use ReadFile or Load), an HTML case page, or the plain-text
// rendering of a case page.
func Parse(data []byte, source string) (*Case, error) {
	switch detect(data) {
	case formJSON:
		return ParseJSON(data, source)
	case formIndex:
		return nil, &ParseError{File: source, Entry: -1, Msg: "an index.json, not a case report"}
	case formHTML:
		return ParseHTML(data, source)
	}
	return ParseText(data, source)
}

type form int

const (
	formText form = iota
	formJSON
	formIndex
	formHTML
)

func detect(data []byte) form {
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '{' {
		if bytes.Contains(t, []byte(`"wirelog"`)) || !isIndex(t) {
			return formJSON
		}
		return formIndex
	}
	head := bytes.ToLower(t[:min(len(t), 512)])
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) {
		return formHTML
	}
	return formText
}

// ReadFile reads the report at path, whatever its form: one case for a
// per-case JSON report, HTML page or text rendering; every case it lists
// for an index.json (see Load for how report files are found), failing
// cases first. When some of an index's reports cannot be read, the cases
// that could are returned with the first error.
func ReadFile(path string) ([]*Case, error) {
	cases, errs := LoadWith(LoadOptions{}, path)
	if len(errs) > 0 {
		return cases, errs[0]
	}
	return cases, nil
}

// LoadOptions selects what Load reads.
type LoadOptions struct {
	// Keep, when set, is asked before a case is read from an index (with
	// the index's verdicts), before a report is parsed (with what the
	// report says of itself, see sniff) and after any case is parsed;
	// cases it rejects are left out. A rejected index entry costs no file
	// read, a rejected report no parse and no error. Keep may be called
	// from several goroutines at once (reports are read in parallel).
	Keep func(id, agent, behavior, behaviorClose string) bool
}

// Load reads reports from files and directories and returns the cases,
// failing cases first (see Rank), with one error per report it could not
// read; a bad report does not stop the others.
//
// A path may be a per-case report (JSON, HTML or text), an index.json
// (any JSON file shaped like one: the peers' "<agent>-index.json" too), or
// a directory. An index's cases are read from the report files it names,
// looked up next to the index, then in the directories beside it
// (Autobahn's reports/servers layout, or a copy of only the failing
// cases in a subdirectory); when a JSON report is missing, the HTML page
// of the same name is read instead. A directory is walked recursively;
// index files in it are ignored (the case reports carry the same verdicts),
// and of the JSON, HTML and text reports of the same case only the first
// in that order is read. Files that are not reports (Autobahn's own
// index.html, stylesheets) are skipped silently when they come from a
// directory walk and are errors when named directly.
func Load(paths ...string) ([]*Case, []error) { return LoadWith(LoadOptions{}, paths...) }

// LoadWith is Load with options.
func LoadWith(opt LoadOptions, paths ...string) ([]*Case, []error) {
	l := &loader{opt: opt, seen: map[string]bool{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			l.errs = append(l.errs, err)
			continue
		}
		if st.IsDir() {
			l.dir(p)
		} else {
			l.file(p, true)
		}
	}
	SortCases(l.cases)
	return l.cases, l.errs
}

// SortCases orders cases failing first (see Rank), then by agent and case id.
func SortCases(cases []*Case) {
	sort.SliceStable(cases, func(i, j int) bool {
		a, b := cases[i], cases[j]
		if ra, rb := Rank(a.Behavior, a.BehaviorClose), Rank(b.Behavior, b.BehaviorClose); ra != rb {
			return ra < rb
		}
		if a.Agent != b.Agent {
			return a.Agent < b.Agent
		}
		return CompareIDs(a.ID, b.ID) < 0
	})
}

type loader struct {
	opt   LoadOptions
	cases []*Case
	errs  []error
	seen  map[string]bool // files already read, by cleaned path
}

func (l *loader) keep(id, agent, behavior, behaviorClose string) bool {
	return l.opt.Keep == nil || l.opt.Keep(id, agent, behavior, behaviorClose)
}

func (l *loader) add(c *Case) {
	if l.keep(c.ID, c.Agent, c.Behavior, c.BehaviorClose) {
		l.cases = append(l.cases, c)
	}
}

// file reads one file; named says whether the user named it (then a file
// that is not a report is an error).
func (l *loader) file(path string, named bool) {
	clean := filepath.Clean(path)
	if l.seen[clean] {
		return
	}
	l.seen[clean] = true
	r := l.read(path, named)
	l.take(path, r)
}

// report is what reading one file gave: a case, the data of an index for
// the loader to follow, or an error; all empty when the file is left out.
type report struct {
	c     *Case
	index []byte
	err   error
}

// read reads and parses one file. It touches no loader state but the
// options, so that several files can be read at once.
func (l *loader) read(path string, named bool) report {
	data, err := os.ReadFile(path)
	if err != nil {
		return report{err: err}
	}
	f := detect(data)
	switch f {
	case formIndex:
		if named {
			return report{index: data}
		}
		return report{}
	case formHTML:
		if !named && !isCasePage(data) {
			return report{}
		}
	case formText:
		if !named && !isCaseText(data) {
			return report{}
		}
	}
	if l.opt.Keep != nil {
		if id, agent, b, bc, ok := sniff(data, f); ok && !l.keep(id, agent, b, bc) {
			return report{}
		}
	}
	c, err := Parse(data, path)
	return report{c: c, err: err}
}

// take adds what reading a file gave.
func (l *loader) take(path string, r report) {
	switch {
	case r.err != nil:
		l.errs = append(l.errs, r.err)
	case r.index != nil:
		l.index(path, r.index)
	case r.c != nil:
		l.add(r.c)
	}
}

// readAll reads the files of a directory walk, several at once (one per
// CPU), and takes them in order.
func (l *loader) readAll(paths []string) {
	results := make([]report, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = l.read(paths[i], false)
			}
		}()
	}
	for i, p := range paths {
		clean := filepath.Clean(p)
		if l.seen[clean] {
			continue
		}
		l.seen[clean] = true
		next <- i
	}
	close(next)
	wg.Wait()
	for i, r := range results {
		l.take(paths[i], r)
	}
}

// dir walks a directory for case reports.
func (l *loader) dir(root string) {
	byCase := map[string]string{} // extension-less path -> chosen file
	pref := map[string]int{".json": 0, ".html": 1, ".htm": 1, ".txt": 2}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.errs = append(l.errs, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		rank, ok := pref[ext]
		if !ok {
			return nil
		}
		key := strings.TrimSuffix(p, filepath.Ext(p))
		if old, ok := byCase[key]; ok && pref[strings.ToLower(filepath.Ext(old))] <= rank {
			return nil
		}
		byCase[key] = p
		return nil
	})
	if err != nil {
		l.errs = append(l.errs, err)
	}
	files := make([]string, 0, len(byCase))
	for _, p := range byCase {
		files = append(files, p)
	}
	sort.Strings(files)
	l.readAll(files)
}

// index reads the cases an index.json lists.
func (l *loader) index(path string, data []byte) {
	entries, err := ParseIndex(data, path)
	if err != nil {
		l.errs = append(l.errs, err)
		return
	}
	dirs := reportDirs(filepath.Dir(path))
	var missing []string
	for _, e := range entries {
		if !l.keep(e.ID, e.Agent, e.Behavior, e.BehaviorClose) {
			continue
		}
		p := findReport(dirs, e.ReportFile)
		if p == "" {
			missing = append(missing, e.ReportFile)
			continue
		}
		before := len(l.cases)
		l.file(p, true)
		// The index's verdicts are authoritative: the text and HTML forms
		// show "Fail" for several distinct verdicts.
		for _, c := range l.cases[before:] {
			if c.ID == e.ID {
				c.Behavior, c.BehaviorClose = e.Behavior, e.BehaviorClose
			}
		}
	}
	if len(missing) > 0 {
		ex := missing[0]
		l.errs = append(l.errs, fmt.Errorf("%s: %d listed report files not found (looked next to the index and in the directories beside it), e.g. %s", path, len(missing), ex))
	}
}

// reportDirs lists where an index's report files may be: the index's own
// directory, then the directories in it.
func reportDirs(base string) []string {
	dirs := []string{base}
	if ents, err := os.ReadDir(base); err == nil {
		for _, d := range ents {
			if d.IsDir() {
				dirs = append(dirs, filepath.Join(base, d.Name()))
			}
		}
	}
	return dirs
}

// findReport looks for an index's report file in dirs; failing a JSON file
// it takes the HTML page of the same name.
func findReport(dirs []string, name string) string {
	if name == "" || filepath.IsAbs(name) || strings.Contains(filepath.ToSlash(name), "../") {
		return ""
	}
	names := []string{name}
	if strings.HasSuffix(name, ".json") {
		names = append(names, strings.TrimSuffix(name, ".json")+".html")
	}
	for _, n := range names {
		for _, d := range dirs {
			p := filepath.Join(d, n)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
	}
	return ""
}
