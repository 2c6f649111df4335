package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestMarshalCorpusFile(t *testing.T) {
	got, err := MarshalCorpusFile([]byte("\x8a\x98ab\"\n\x00é"), []byte{}, "permessage-deflate; x=\"1\"")
	if err != nil {
		t.Fatal(err)
	}
	// What Go's internal/fuzz marshalCorpusFile writes for these values.
	want := "go test fuzz v1\n" +
		`[]byte("\x8a\x98ab\"\n\x00é")` + "\n" +
		`[]byte("")` + "\n" +
		`string("permessage-deflate; x=\"1\"")` + "\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	args, err := UnmarshalCorpusFile(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(args) != 3 || !bytes.Equal(args[0].([]byte), []byte("\x8a\x98ab\"\n\x00é")) || len(args[1].([]byte)) != 0 ||
		args[2].(string) != "permessage-deflate; x=\"1\"" {
		t.Errorf("round trip %q", args)
	}
	if _, err := MarshalCorpusFile(42); err == nil {
		t.Error("an int argument was accepted")
	}
	if _, err := MarshalCorpusFile(); err == nil {
		t.Error("no arguments were accepted")
	}
}

func TestUnmarshalCorpusFile(t *testing.T) {
	// Go's reader also takes raw strings, blank lines and CRLF.
	args, err := UnmarshalCorpusFile([]byte("go test fuzz v1\r\n\n  []byte(`a\\b`)  \r\nstring(\"\\u00e9\")\n"))
	if err != nil || len(args) != 2 || string(args[0].([]byte)) != `a\b` || args[1].(string) != "é" {
		t.Errorf("args %q err %v", args, err)
	}
	for _, bad := range []string{"", "go test fuzz v2\n[]byte(\"\")", "go test fuzz v1\n", "go test fuzz v1\nint(1)", "go test fuzz v1\n[]byte(\"x)", "go test fuzz v1\n[]byte"} {
		if _, err := UnmarshalCorpusFile([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWriteCorpusFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "FuzzClose")
	os.Mkdir(dir, 0o755)
	content, _ := MarshalCorpusFile([]byte{0x03, 0xe8})
	sum := sha256.Sum256(content)
	name := hex.EncodeToString(sum[:])[:16]
	if CorpusFileName(content) != name {
		t.Errorf("name %s, want %s", CorpusFileName(content), name)
	}
	path, created, err := WriteCorpusFile(dir, content)
	if err != nil || !created || path != filepath.Join(dir, name) {
		t.Fatalf("first write: %s %v %v", path, created, err)
	}
	st1, _ := os.Stat(path)
	path, created, err = WriteCorpusFile(dir, content)
	if err != nil || created {
		t.Fatalf("second write: %s %v %v", path, created, err)
	}
	st2, _ := os.Stat(path)
	if !st1.ModTime().Equal(st2.ModTime()) {
		t.Error("the second write touched the file")
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, content) {
		t.Errorf("content %q", got)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary files left)", len(ents))
	}
	// A file under the name with other content (a damaged copy) is replaced.
	os.WriteFile(path, []byte("junk"), 0o644)
	if _, created, err = WriteCorpusFile(dir, content); err != nil || !created {
		t.Errorf("repair: %v %v", created, err)
	}
}
