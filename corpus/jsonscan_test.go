package corpus

import (
	"encoding/json"
	"testing"
)

// jsonValid checks a whole document the way the report reader does.
func jsonValid(data []byte) bool {
	i := jsonSpace(data, 0)
	end, err := jsonValueEnd(data, i, 0)
	return err == nil && jsonTrailing(data, end) == nil
}

// The one-pass reader accepts what encoding/json accepts, escapes and
// UTF-8 aside (jsonString reads escapes; raw bytes are kept as they are).
func FuzzJSONScan(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e+3, "x\"y", true, null, {}]}`, `[]`, `01`, `1.`, `-`, `[1,]`, `{"a" 1}`, `"\u00e9"`, ` [ [ ] ] `, `1e5`, `0.5E-2`, `tru`, `{"a":1}x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := json.Valid(data)
		got := jsonValid(data)
		if got != want && !hasEscapeOrHighByte(data) {
			t.Errorf("%q: scan says valid %v, encoding/json %v", data, got, want)
		}
		if got {
			if _, err := jsonElems(data); err == nil && data[jsonSpace(data, 0)] != '[' {
				t.Errorf("%q: elements of a non-array", data)
			}
		}
	})
}

// hasEscapeOrHighByte reports whether data has a backslash or a byte that
// is not ASCII, where the scanner leaves checking to the string reader.
func hasEscapeOrHighByte(data []byte) bool {
	for _, c := range data {
		if c == '\\' || c >= 0x80 {
			return true
		}
	}
	return false
}

func TestJSONMembersAndElems(t *testing.T) {
	var keys []string
	err := jsonMembers([]byte(` {"a": [1, 2], "b\u00e9": {"c": null}} `), func(k string, v []byte) error {
		keys = append(keys, k+"="+string(v))
		return nil
	})
	if err != nil || len(keys) != 2 || keys[0] != "a=[1, 2]" || keys[1] != `bé={"c": null}` {
		t.Errorf("%q %v", keys, err)
	}
	for _, bad := range []string{`{"a": 1,}`, `{"a": 1} x`, `[1`, `{"a": 01}`, `{"a": "x` + "\n" + `"}`} {
		if err := jsonMembers([]byte(bad), func(string, []byte) error { return nil }); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	elems, err := jsonElems([]byte(`["TO", [2, "abcd"], false]`))
	if err != nil || len(elems) != 3 || string(elems[1]) != `[2, "abcd"]` {
		t.Errorf("%q %v", elems, err)
	}
}

func TestJSONOctetStats(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		want  map[int]int // nil: no usable counts
		err   bool
		plain bool // read by the one-pass path
	}{
		{`{"196": 1, "8": 12}`, map[int]int{196: 1, 8: 12}, false, true},
		{` { } `, map[int]int{}, false, true},
		{`{"a": 1}`, nil, false, false},
		{`{"-1": 1}`, nil, false, false},
		{`{"1": 1.5}`, nil, true, false},
		{`{"1": 1,}`, nil, true, false},
		{`{"1": 1} x`, nil, true, false},
		{`null`, nil, false, false},
	} {
		got, err := jsonOctetStats([]byte(tc.raw))
		if (err != nil) != tc.err || (got == nil) != (tc.want == nil) || len(got) != len(tc.want) {
			t.Errorf("%s: %v %v", tc.raw, got, err)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %v", tc.raw, got)
			}
		}
		if _, ok := plainOctetStats([]byte(tc.raw)); ok != tc.plain {
			t.Errorf("%s: one-pass path %v", tc.raw, ok)
		}
	}
}
