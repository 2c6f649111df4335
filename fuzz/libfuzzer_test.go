package fuzz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Under libFuzzer (the OSS-Fuzz build, see .clusterfuzzlite/) a target
// gets one byte string, which the go-118-fuzz-build harness splits into
// the target's arguments with go-fuzz-headers' consumer: a []byte is a
// 4-byte big-endian length (0 means 30; a length other than what is left
// is taken modulo what is left) and that many bytes, a string a 4-byte
// length and its bytes (at least one byte must follow the length, even
// for ""), a uint32 4 bytes big-endian, a uint8 one byte.
//
// TestLibFuzzerCorpus converts the Go seed corpus to that encoding when
// WSFUZZ_LIBFUZZER_CORPUS names a directory (build.sh packs the result as
// each target's seed corpus):
//
//	WSFUZZ_LIBFUZZER_CORPUS=/tmp/corpus go test -run TestLibFuzzerCorpus ./fuzz

func TestLibFuzzerCorpus(t *testing.T) {
	out := os.Getenv("WSFUZZ_LIBFUZZER_CORPUS")
	for target := range seedTargets {
		dir := filepath.Join("testdata", "fuzz", target)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if out != "" {
			if err := os.MkdirAll(filepath.Join(out, target), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			args, err := parseCorpusFile(data)
			if err != nil {
				t.Fatalf("%s/%s: %v", target, e.Name(), err)
			}
			enc := encodeForConsumer(args)
			if got := decodeLikeConsumer(enc, args); !argsEqual(got, args) {
				t.Fatalf("%s/%s: %v encodes to %x, which decodes to %v", target, e.Name(), args, enc, got)
			}
			if out != "" {
				if err := os.WriteFile(filepath.Join(out, target, e.Name()), enc, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// parseCorpusFile reads a "go test fuzz v1" file of the argument types the
// targets use: []byte, string, uint32 and byte.
func parseCorpusFile(data []byte) ([]any, error) {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("not a corpus file: %q", lines[0])
	}
	var args []any
	for _, l := range lines[1:] {
		typ, lit, ok := strings.Cut(strings.TrimSpace(l), "(")
		if !ok || !strings.HasSuffix(lit, ")") {
			return nil, fmt.Errorf("bad line %q", l)
		}
		lit = strings.TrimSuffix(lit, ")")
		switch typ {
		case "[]byte", "string":
			s, err := strconv.Unquote(lit)
			if err != nil {
				return nil, err
			}
			if typ == "string" {
				args = append(args, s)
			} else {
				args = append(args, []byte(s))
			}
		case "uint32":
			n, err := strconv.ParseUint(lit, 0, 32)
			if err != nil {
				return nil, err
			}
			args = append(args, uint32(n))
		case "byte", "uint8":
			var c uint64
			var err error
			if strings.HasPrefix(lit, "'") {
				var r rune
				r, _, _, err = strconv.UnquoteChar(lit[1:len(lit)-1], '\'')
				c = uint64(r)
			} else {
				c, err = strconv.ParseUint(lit, 0, 8)
			}
			if err != nil {
				return nil, err
			}
			args = append(args, uint8(c))
		default:
			return nil, fmt.Errorf("unsupported type %q", typ)
		}
	}
	return args, nil
}

// encodeForConsumer encodes args so that go-fuzz-headers' consumer reads
// them back, followed by one padding byte (so that a string or []byte
// last in line still has a byte after its length).
func encodeForConsumer(args []any) []byte {
	suffix := []byte{0}
	for i := len(args) - 1; i >= 0; i-- {
		var enc []byte
		switch v := args[i].(type) {
		case []byte:
			left := len(v) + len(suffix)
			n := uint32(len(v))
			if n == 0 {
				n = uint32(2 * left) // a non-zero multiple of what is left: 0 after the modulo
			}
			enc = append(binary.BigEndian.AppendUint32(nil, n), v...)
		case string:
			enc = append(binary.BigEndian.AppendUint32(nil, uint32(len(v))), v...)
		case uint32:
			enc = binary.BigEndian.AppendUint32(nil, v)
		case uint8:
			enc = []byte{v}
		}
		suffix = append(enc, suffix...)
	}
	return suffix
}

// decodeLikeConsumer reads args' types back from enc following the rules
// of go-fuzz-headers' consumer described above (nil where it would fail).
func decodeLikeConsumer(enc []byte, types []any) []any {
	pos := 0
	u32 := func() (uint32, bool) {
		if pos+4 > len(enc) {
			return 0, false
		}
		pos += 4
		return binary.BigEndian.Uint32(enc[pos-4:]), true
	}
	var out []any
	for _, typ := range types {
		switch typ.(type) {
		case []byte:
			n, ok := u32()
			left := uint32(len(enc) - pos)
			if !ok || left == 0 {
				return nil
			}
			if n == 0 {
				n = 30
			}
			if n != left {
				n %= left
			}
			out = append(out, enc[pos:pos+int(n)])
			pos += int(n)
		case string:
			n, ok := u32()
			if !ok || pos >= len(enc) || pos+int(n) > len(enc) {
				return nil
			}
			out = append(out, string(enc[pos:pos+int(n)]))
			pos += int(n)
		case uint32:
			n, ok := u32()
			if !ok {
				return nil
			}
			out = append(out, n)
		case uint8:
			if pos >= len(enc) {
				return nil
			}
			out = append(out, enc[pos])
			pos++
		}
	}
	return out
}

func argsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, xok := a[i].([]byte)
		y, yok := b[i].([]byte)
		if xok && yok {
			if !bytes.Equal(x, y) {
				return false
			}
		} else if a[i] != b[i] {
			return false
		}
	}
	return true
}
