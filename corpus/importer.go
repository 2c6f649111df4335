package corpus

import (
	"fmt"
	"os"
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
	// request path (a client under test asks for /runCase?case=N), the
	// Sec-WebSocket-Key and the Host, a frame whose only difference is its
	// masking key. Such twins add files, not coverage.
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
	// Twins are the seeds left out as near-twins of seeds already imported
	// in this run (see ImportOptions.KeepSimilar), one line each.
	Twins []string
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
	var load LoadOptions
	if opt.FailingOnly || len(opt.Cases) > 0 {
		load.Keep = func(id, agent, behavior, behaviorClose string) bool {
			if opt.FailingOnly && Rank(behavior, behaviorClose) >= 2 {
				return false
			}
			return MatchID(id, opt.Cases)
		}
	}
	cases, errs := LoadWith(load, paths...)
	sum := Summary{Files: map[string]int{}, New: map[string]int{}, Errors: len(errs)}
	files := map[string]bool{}
	made := map[string]bool{}      // target directories known to exist
	similar := map[string]string{} // shape -> case id that had it
	for _, c := range cases {
		ci := CaseImport{Case: c}
		seeds, notes := Seeds(c, SeedOptions{MaxBytes: opt.MaxBytes})
		ci.Notes = notes
		for _, s := range seeds {
			if !opt.KeepSimilar {
				if key := shape(s); key != "" {
					if id, ok := similar[key]; ok {
						ci.Twins = append(ci.Twins, fmt.Sprintf("%s (%s): the same as case %s's but for %s", s.Target, s.From, id, shapeDiff[s.Target]))
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
				if !made[dir] {
					if err := os.MkdirAll(dir, 0o777); err != nil {
						ci.Err = err
						errs = append(errs, err)
						sum.Errors++
						continue
					}
					made[dir] = true
				}
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
	TargetHandshake: "request path, Sec-WebSocket-Key and Host",
	TargetFrame:     "the masking key",
	TargetSession:   "the masking keys",
}

// shape returns a seed with what differs between any two Autobahn runs
// blanked out, or "" when the target has no such notion.
func shape(s Seed) string {
	switch s.Target {
	case TargetHandshake:
		req, _ := s.Args[0].([]byte)
		var b strings.Builder
		b.WriteString(s.Target + "\x00")
		for i, line := range strings.Split(string(req), "\n") {
			if i == 0 {
				// The request line: the method and version stay, the path
				// goes (a client under test asks for /runCase?case=N).
				if method, rest, ok := strings.Cut(line, " "); ok {
					if j := strings.LastIndexByte(rest, ' '); j >= 0 {
						line = method + " " + rest[j:]
					}
				}
			}
			k, _, ok := strings.Cut(line, ":")
			if ok && (strings.EqualFold(strings.TrimSpace(k), "Sec-WebSocket-Key") || strings.EqualFold(strings.TrimSpace(k), "Host")) {
				line = k + ":"
			}
			b.WriteString(line + "\n")
		}
		return b.String()
	case TargetFrame:
		f, _ := s.Args[0].([]byte)
		if len(f) < 2 || f[1]&0x80 == 0 {
			return ""
		}
		return s.Target + "\x00" + string(unmaskFrames(f))
	case TargetSession:
		stream, _ := s.Args[0].([]byte)
		chops, _ := s.Args[1].([]byte)
		ext, _ := s.Args[2].(string)
		return s.Target + "\x00" + string(chops) + "\x00" + ext + "\x00" + string(unmaskFrames(stream))
	}
	return ""
}

// unmaskFrames returns a stream of frames with every masking key zeroed
// and every payload unmasked, as far as the stream parses as frames; the
// rest is kept as it is.
func unmaskFrames(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		hl := headerLen(b)
		if hl < 0 {
			break
		}
		plen := uint64(b[1] & 0x7f)
		switch plen {
		case 126:
			plen = uint64(b[2])<<8 | uint64(b[3])
		case 127:
			plen = 0
			for _, c := range b[2:10] {
				plen = plen<<8 | uint64(c)
			}
		}
		if plen > uint64(len(b)-hl) {
			break
		}
		end := hl + int(plen)
		if b[1]&0x80 == 0 {
			out = append(out, b[:end]...)
		} else {
			key := b[hl-4 : hl]
			out = append(out, b[:hl-4]...)
			out = append(out, 0, 0, 0, 0)
			for i, c := range b[hl:end] {
				out = append(out, c^key[i&3])
			}
		}
		b = b[end:]
	}
	return append(out, b...)
}
