package corpus

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// listCorpus returns every file under a corpus root, relative to it.
func listCorpus(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestImportTwice: the second import of the same reports writes nothing.
func TestImportTwice(t *testing.T) {
	out := t.TempDir()
	opt := ImportOptions{Out: out}
	sum1, errs := Import(opt, nil, "testdata/seeds", testdataAB)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	files := listCorpus(t, out)
	total := 0
	for _, tg := range Targets {
		total += sum1.Files[tg]
		if sum1.New[tg] != sum1.Files[tg] {
			t.Errorf("%s: %d files, %d new on the first import", tg, sum1.Files[tg], sum1.New[tg])
		}
	}
	if len(files) != total || total == 0 {
		t.Fatalf("%d files on disk, summary says %d", len(files), total)
	}
	for _, f := range files {
		dir, name := filepath.Split(f)
		if len(name) != 16 || strings.HasPrefix(name, ".") {
			t.Errorf("file %s is not content-named", f)
		}
		content, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || CorpusFileName(content) != name {
			t.Errorf("%s: name does not match content", f)
		}
		args, err := UnmarshalCorpusFile(content)
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		want := map[string]int{"FuzzSession/": 3, "FuzzUTF8/": 2}[dir]
		if want == 0 {
			want = 1
		}
		if len(args) != want {
			t.Errorf("%s: %d arguments, want %d", f, len(args), want)
		}
	}
	sum2, errs := Import(opt, nil, "testdata/seeds", testdataAB)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for _, tg := range Targets {
		if sum2.New[tg] != 0 || sum2.Files[tg] != sum1.Files[tg] {
			t.Errorf("%s: second import %d files, %d new; first %d", tg, sum2.Files[tg], sum2.New[tg], sum1.Files[tg])
		}
	}
	if again := listCorpus(t, out); strings.Join(again, " ") != strings.Join(files, " ") {
		t.Errorf("the second import changed the corpus")
	}
}

// TestImportBadInput: a bad report is an error naming it, the others are
// imported, and no half-written or temporary file is left.
func TestImportBadInput(t *testing.T) {
	in := t.TempDir()
	good, _ := os.ReadFile(testdataAB + "naive_gorilla_echo_case_5_20.json")
	os.WriteFile(filepath.Join(in, "a_case_5_20.json"), good, 0o644)
	os.WriteFile(filepath.Join(in, "b_case_1_1_1.json"), []byte(`{"id": "1.1.1", "agent": "b", "behavior": "OK", "wirelog": [["TO", [4, "474554"], false]]}`), 0o644)
	os.WriteFile(filepath.Join(in, "c_case_1_1_2.json"), []byte(`{"id": "1.1.2", "agent": "c", "behavior": "OK", "wirelog": [["ZZ"]]}`), 0o644)
	page, _ := os.ReadFile("testdata/seeds/003_ba6530e889acc9cc.txt")
	os.WriteFile(filepath.Join(in, "d.txt"), []byte(strings.Replace(string(page), "005 RX OCTETS: 8200", "005 RX OCTETS: 820", 1)), 0o644)
	os.WriteFile(filepath.Join(in, "e.txt"), []byte(strings.Replace(string(page), "009 RX OCTETS: 8800", "009 RX SOMETHING: 8800", 1)), 0o644)
	os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not a report, skipped in a directory"), 0o644)
	notReport := filepath.Join(t.TempDir(), "named.txt")
	os.WriteFile(notReport, []byte("not a report, an error when named"), 0o644)

	out := t.TempDir()
	var imported []string
	sum, errs := Import(ImportOptions{Out: out}, func(ci CaseImport) { imported = append(imported, ci.Case.Agent) }, in, notReport)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	sort.Strings(msgs)
	want := []string{
		filepath.Join(in, "b_case_1_1_1.json") + ": wire log entry 0 (TO): stated length 4 but the hex holds 3 octets",
		filepath.Join(in, "c_case_1_1_2.json") + `: wire log entry 0 (ZZ): unknown entry kind "ZZ"`,
		filepath.Join(in, "d.txt") + ": wire log entry 5 (RO): odd-length hex (3 digits)",
		filepath.Join(in, "e.txt") + `: wire log entry 9: unknown entry: "RX SOMETHING: 8800"`,
		notReport + `: not an Autobahn case page: no "<agent> - Case <id> : <verdict> - <n> ms @ <time>" title`,
	}
	sort.Strings(want)
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors\n got %s\nwant %s", strings.Join(msgs, "\n     "), strings.Join(want, "\n     "))
	}
	if sum.Cases != 1 || sum.Errors != 5 || len(imported) != 1 || imported[0] != "naive-gorilla-echo" {
		t.Errorf("imported %v, summary %+v", imported, sum)
	}
	for _, f := range listCorpus(t, out) {
		if strings.Contains(f, ".import-") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

// TestImportSelect: --failing-only and --cases, and an index whose report
// files sit in a directory beside it.
func TestImportSelect(t *testing.T) {
	var got []string
	each := func(ci CaseImport) { got = append(got, ci.Case.ID+" "+ci.Case.Behavior+"/"+ci.Case.BehaviorClose) }
	sum, errs := Import(ImportOptions{Out: t.TempDir(), FailingOnly: true, DryRun: true}, each, testdataAB+"index.json")
	if len(errs) != 0 || sum.Cases != 3 || strings.Join(got, ",") != "6.4.1 FAILED/FAILED,6.12.8 FAILED/FAILED,7.3.2 FAILED/WRONG CODE" {
		t.Errorf("failing only: %v %v", got, errs)
	}

	got = nil
	sum, errs = Import(ImportOptions{Out: t.TempDir(), Cases: []string{"7.*", "2.6"}, DryRun: true}, each, testdataAB)
	// Failing cases first, then informational, then passed, each by case
	// id; 7.1.6 comes once although both its JSON and HTML are there.
	if len(errs) != 0 || strings.Join(got, ",") != "7.3.2 FAILED/WRONG CODE,7.1.6 INFORMATIONAL/INFORMATIONAL,2.6 OK/OK,7.9.1 OK/OK" {
		t.Errorf("cases 7.*,2.6: %v %v", got, errs)
	}
	// 7.1.6's session (256 KiB) is over the default size limit.
	if sum.Files[TargetSession] != 3 {
		t.Errorf("dry run counted %d session files, want 3", sum.Files[TargetSession])
	}

	// An index next to a directory holding only some of its reports.
	dir := t.TempDir()
	idx, _ := os.ReadFile(testdataAB + "index.json")
	os.WriteFile(filepath.Join(dir, "srv-index.json"), idx, 0o644)
	os.Mkdir(filepath.Join(dir, "srv-failing"), 0o755)
	rep, _ := os.ReadFile(testdataAB + "naive_gorilla_echo_case_6_4_1.json")
	os.WriteFile(filepath.Join(dir, "srv-failing", "naive_gorilla_echo_case_6_4_1.json"), rep, 0o644)
	got = nil
	_, errs = Import(ImportOptions{Out: t.TempDir(), DryRun: true}, each, filepath.Join(dir, "srv-index.json"))
	if strings.Join(got, ",") != "6.4.1 FAILED/FAILED" || len(errs) != 1 ||
		!strings.Contains(errs[0].Error(), "srv-index.json: 8 listed report files not found") {
		t.Errorf("index beside reports: %v %v", got, errs)
	}
}

func TestMatchIDAndOrder(t *testing.T) {
	for _, tt := range []struct {
		id   string
		pats []string
		want bool
	}{
		{"6.4.1", []string{"6.4.*"}, true},
		{"6.4.1", []string{"7.*"}, false},
		{"7.13.2", []string{"6.4.*", "7.*"}, true},
		{"2.9", []string{"2.9"}, true},
		{"2.90", []string{"2.9"}, false},
		{"1.1.1", nil, true},
		{"12.1.1", []string{"1.*"}, false},
	} {
		if got := MatchID(tt.id, tt.pats); got != tt.want {
			t.Errorf("MatchID(%q, %q) = %v", tt.id, tt.pats, got)
		}
	}
	ids := []string{"10.1.1", "2.10", "2.9", "1.1.10", "1.1.2"}
	sort.Slice(ids, func(i, j int) bool { return CompareIDs(ids[i], ids[j]) < 0 })
	if strings.Join(ids, " ") != "1.1.2 1.1.10 2.9 2.10 10.1.1" {
		t.Errorf("order %v", ids)
	}
	if Rank("OK", "OK") != 4 || Rank("OK", "UNCLEAN") != 0 || Rank("NON-STRICT", "OK") != 2 || Rank("UNIMPLEMENTED", "OK") != 1 || Rank("OK", "") != 4 {
		t.Error("Rank")
	}
}
