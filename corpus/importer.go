package corpus

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ImportOptions says what Import reads and where it writes.
type ImportOptions struct {
	// Out is the corpus root; each target's files go to Out/<Target>/.
	// The repository's is fuzz/testdata/fuzz.
	Out string
	// FailingOnly imports only cases Autobahn did not pass (Case.Failing).
	FailingOnly bool
	// Cases, when not empty, imports only case ids matching one of these
	// patterns (see MatchID).
	Cases []string
	// MaxBytes bounds one seed's size (see SeedOptions).
	MaxBytes int
	// DryRun derives the seeds and names their files without writing.
	DryRun bool
	// KeepSimilar writes every seed. By default a seed that differs from
	// one already imported in the same run only where every Autobahn run
	// differs is left out: a handshake whose only differences are the
	// Sec-WebSocket-Key and Host values, a frame whose only difference is
	// its masking key. Such twins add files, not coverage.
	KeepSimilar bool
}

// CaseImport is what Import did with one case.
type CaseImport struct {
	Case  *Case
	Seeds []Seed
	// Paths are the corpus files of the seeds that could be written;
	// New[i] says whether Paths[i] was written now (false: it was there
	// already, from an earlier import or another case).
	Paths []string
	New   []bool
	// Notes are the seeds Seeds left out and why.
	Notes []string
	// Err is set when writing a file failed; the case's other files are
	// still written.
	Err error
}

// Summary totals an import.
type Summary struct {
	Cases, Partial, Errors int
	// Exact, Rebuilt and Skipped count the TX octet entries of the
	// imported cases (see Case.Counts).
	Exact, Rebuilt, Skipped int
	// Files counts distinct corpus files per target; New those written now.
	Files, New map[string]int
}

// Counts counts the case's TX octet entries, what the fuzzing peer sent:
// whole as logged, rebuilt (cut in the log, recovered from the handshake
// or a frame entry), and still cut (listed in Skipped).
func (c *Case) Counts() (exact, rebuilt, skipped int) {
	for i := range c.Wire {
		e := &c.Wire[i]
		if e.Kind != TxOctets {
			continue
		}
		switch {
		case e.Rebuilt:
			rebuilt++
		case e.Exact:
			exact++
		default:
			skipped++
		}
	}
	return
}

// Import reads the reports at paths (see Load), failing cases first, and
// writes the seeds of every selected case (see Seeds) into the corpus. It
// calls each, when not nil, once per case in import order, and returns the
// totals and the errors of reports that could not be read or files that
// could not be written; a bad report or file does not stop the rest.
// Importing the same reports again writes nothing new: files are named by
// their content.
func Import(opt ImportOptions, each func(CaseImport), paths ...string) (Summary, []error) {
	keep := func(id, agent, behavior, behaviorClose string) bool {
		if opt.FailingOnly && Rank(behavior, behaviorClose) >= 2 {
			return false
		}
		return MatchID(id, opt.Cases)
	}
	cases, errs := LoadWith(LoadOptions{Keep: keep}, paths...)
	sum := Summary{Files: map[string]int{}, New: map[string]int{}, Errors: len(errs)}
	files := map[string]bool{}
	similar := map[string]string{} // shape -> case id that had it
	for _, c := range cases {
		ci := CaseImport{Case: c}
		seeds, notes := Seeds(c, SeedOptions{MaxBytes: opt.MaxBytes})
		ci.Notes = notes
		for _, s := range seeds {
			if !opt.KeepSimilar {
				if key := shape(s); key != "" {
					if id, ok := similar[key]; ok {
						ci.Notes = append(ci.Notes, fmt.Sprintf("%s (%s): the same as case %s's but for %s", s.Target, s.From, id, shapeDiff[s.Target]))
						continue
					}
					similar[key] = c.ID
				}
			}
			ci.Seeds = append(ci.Seeds, s)
		}
		for _, s := range ci.Seeds {
			content, err := MarshalCorpusFile(s.Args...)
			if err != nil {
				ci.Err = err
				continue
			}
			dir := filepath.Join(opt.Out, s.Target)
			path, created := filepath.Join(dir, CorpusFileName(content)), false
			if !opt.DryRun {
				path, created, err = WriteCorpusFile(dir, content)
				if err != nil {
					ci.Err = err
					errs = append(errs, err)
					sum.Errors++
					continue
				}
			}
			ci.Paths = append(ci.Paths, path)
			ci.New = append(ci.New, created)
			if !files[path] {
				files[path] = true
				sum.Files[s.Target]++
			}
			if created {
				sum.New[s.Target]++
			}
		}
		sum.Cases++
		if c.Partial {
			sum.Partial++
		}
		e, r, k := c.Counts()
		sum.Exact += e
		sum.Rebuilt += r
		sum.Skipped += k
		if each != nil {
			each(ci)
		}
	}
	return sum, errs
}

// shapeDiff says what shape leaves out, per target.
var shapeDiff = map[string]string{
	TargetHandshake: "Sec-WebSocket-Key and Host",
	TargetFrame:     "the masking key",
}

// shape returns a seed with what differs between any two Autobahn runs
// blanked out, or "" when the target has no such notion.
func shape(s Seed) string {
	switch s.Target {
	case TargetHandshake:
		req, _ := s.Args[0].([]byte)
		var b strings.Builder
		b.WriteString(s.Target + "\x00")
		for _, line := range strings.Split(string(req), "\n") {
			k, _, ok := strings.Cut(line, ":")
			if ok && (strings.EqualFold(strings.TrimSpace(k), "Sec-WebSocket-Key") || strings.EqualFold(strings.TrimSpace(k), "Host")) {
				line = k + ":"
			}
			b.WriteString(line + "\n")
		}
		return b.String()
	case TargetFrame:
		f, _ := s.Args[0].([]byte)
		hl := headerLen(f)
		if hl < 0 || f[1]&0x80 == 0 {
			return ""
		}
		key := f[hl-4 : hl]
		out := append([]byte(s.Target+"\x00"), f[:hl-4]...)
		for i, c := range f[hl:] {
			out = append(out, c^key[i&3])
		}
		return string(out)
	}
	return ""
}
