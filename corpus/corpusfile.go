package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// corpusHeader is the first line of every file in Go's fuzz corpus format
// (see internal/fuzz/encoding.go in the Go source).
const corpusHeader = "go test fuzz v1"

// MarshalCorpusFile encodes the arguments of one fuzz input in the format
// `go test` reads from testdata/fuzz/<Target>/: the line "go test fuzz v1",
// then one line per argument, []byte("...") or string("...") with the
// value quoted as strconv.Quote does. Only []byte and string arguments are
// supported, which is all the wsfuzz targets take.
func MarshalCorpusFile(args ...any) ([]byte, error) {
	if len(args) == 0 {
		return nil, errors.New("a corpus entry needs at least one argument")
	}
	var b bytes.Buffer
	b.WriteString(corpusHeader + "\n")
	for i, a := range args {
		switch v := a.(type) {
		case []byte:
			b.WriteString("[]byte(")
			b.WriteString(strconv.Quote(string(v)))
		case string:
			b.WriteString("string(")
			b.WriteString(strconv.Quote(v))
		default:
			return nil, fmt.Errorf("argument %d: unsupported type %T", i, a)
		}
		b.WriteString(")\n")
	}
	return b.Bytes(), nil
}

// UnmarshalCorpusFile decodes a corpus file of []byte and string arguments,
// the inverse of MarshalCorpusFile. It accepts what Go's own reader
// accepts for these two types: interpreted or raw string literals, blank
// lines, and surrounding spaces.
func UnmarshalCorpusFile(data []byte) ([]any, error) {
	lines := strings.Split(string(data), "\n")
	if strings.TrimSuffix(lines[0], "\r") != corpusHeader {
		return nil, fmt.Errorf("first line is not %q", corpusHeader)
	}
	var args []any
	for n, line := range lines[1:] {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		typ, rest, ok := strings.Cut(line, "(")
		if !ok || !strings.HasSuffix(rest, ")") {
			return nil, fmt.Errorf("line %d: want T(value), got %q", n+2, line)
		}
		v, err := strconv.Unquote(strings.TrimSpace(rest[:len(rest)-1]))
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+2, err)
		}
		switch strings.TrimSpace(typ) {
		case "[]byte":
			args = append(args, []byte(v))
		case "string":
			args = append(args, v)
		default:
			return nil, fmt.Errorf("line %d: unsupported type %s", n+2, typ)
		}
	}
	if len(args) == 0 {
		return nil, errors.New("no arguments")
	}
	return args, nil
}

// CorpusFileName names a corpus file after its content the way `go test`
// names the entries it saves: the first 16 hex digits of the SHA-256 of
// the file. The same input always gets the same name, so writing it again
// changes nothing.
func CorpusFileName(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])[:16]
}

// WriteCorpusFile writes content into dir under its CorpusFileName and
// returns the path. When the file exists with the same content, nothing is
// written and created is false. The file appears whole or not at all: it is
// written to a temporary file in dir and renamed into place. dir must
// exist (see os.MkdirAll).
func WriteCorpusFile(dir string, content []byte) (path string, created bool, err error) {
	name := CorpusFileName(content)
	path = filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return path, false, nil
	}
	tmp := filepath.Join(dir, ".import-"+name+"-"+strconv.Itoa(os.Getpid()))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return path, false, err
	}
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return path, false, err
	}
	return path, true, nil
}
