package corpus

import (
	"errors"
	"fmt"
	"strconv"
)

// A per-case JSON report is read in one pass over its bytes rather than
// through encoding/json's reflection: the reader needs the raw bytes of
// most values anyway (wire-log entries, payload strings whose escapes it
// reads itself, see jsonString), and a CI job may feed it tens of
// thousands of reports. jsonValueEnd checks the syntax of every value it
// passes over, so a malformed document is still an error; the readers
// below then decode the few scalar kinds a report holds.

// errJSONSyntax is the error of malformed JSON.
var errJSONSyntax = errors.New("malformed JSON")

// maxJSONDepth bounds the nesting of arrays and objects.
const maxJSONDepth = 64

// jsonSpace skips whitespace from s[i:].
func jsonSpace(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the end of the JSON value starting at s[i] (no
// leading whitespace), checking its syntax.
func jsonValueEnd(s []byte, i, depth int) (int, error) {
	if i >= len(s) {
		return 0, fmt.Errorf("%w: unexpected end", errJSONSyntax)
	}
	switch c := s[i]; {
	case c == '"':
		return jsonStringEnd(s, i)
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return 0, fmt.Errorf("%w: nested too deeply", errJSONSyntax)
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = jsonSpace(s, i+1)
		if i < len(s) && s[i] == closer {
			return i + 1, nil
		}
		for {
			var err error
			if c == '{' {
				if i >= len(s) || s[i] != '"' {
					return 0, fmt.Errorf("%w: object key expected at offset %d", errJSONSyntax, i)
				}
				if i, err = jsonStringEnd(s, i); err != nil {
					return 0, err
				}
				i = jsonSpace(s, i)
				if i >= len(s) || s[i] != ':' {
					return 0, fmt.Errorf("%w: ':' expected at offset %d", errJSONSyntax, i)
				}
				i = jsonSpace(s, i+1)
			}
			if i, err = jsonValueEnd(s, i, depth+1); err != nil {
				return 0, err
			}
			i = jsonSpace(s, i)
			switch {
			case i < len(s) && s[i] == ',':
				i = jsonSpace(s, i+1)
			case i < len(s) && s[i] == closer:
				return i + 1, nil
			default:
				return 0, fmt.Errorf("%w: ',' or '%c' expected at offset %d", errJSONSyntax, closer, i)
			}
		}
	case c == '-' || ('0' <= c && c <= '9'):
		if j := jsonNumberEnd(s, i); j > i {
			return j, nil
		}
		return 0, fmt.Errorf("%w: bad number at offset %d", errJSONSyntax, i)
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(s)-i >= len(lit) && string(s[i:i+len(lit)]) == lit {
			return i + len(lit), nil
		}
	}
	return 0, fmt.Errorf("%w: unexpected %q at offset %d", errJSONSyntax, s[i], i)
}

// jsonNumberEnd returns the end of the number at s[i:], as JSON's grammar
// has it (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or i when there
// is none.
func jsonNumberEnd(s []byte, i int) int {
	digits := func(j int) int {
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		return j
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && '1' <= s[j] && s[j] <= '9':
		j = digits(j)
	default:
		return i
	}
	if j < len(s) && s[j] == '.' {
		k := digits(j + 1)
		if k == j+1 {
			return i
		}
		j = k
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := digits(j)
		if k == j {
			return i
		}
		j = k
	}
	return j
}

// jsonStringEnd returns the end of the string starting at s[i] == '"'.
// Escapes are checked when the string is read (jsonString); here only
// that a backslash escapes the next byte, and no control characters.
func jsonStringEnd(s []byte, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			j++
		case c < 0x20:
			return 0, fmt.Errorf("%w: control character in a string at offset %d", errJSONSyntax, j)
		}
	}
	return 0, fmt.Errorf("%w: unterminated string", errJSONSyntax)
}

// jsonMembers calls f with each member of the object raw, in order.
func jsonMembers(raw []byte, f func(key string, value []byte) error) error {
	i := jsonSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = jsonSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return jsonTrailing(raw, i+1)
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return fmt.Errorf("%w: object key expected at offset %d", errJSONSyntax, i)
		}
		end, err := jsonStringEnd(raw, i)
		if err != nil {
			return err
		}
		key, err := jsonString(raw[i:end], true)
		if err != nil {
			return err
		}
		i = jsonSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return fmt.Errorf("%w: ':' expected at offset %d", errJSONSyntax, i)
		}
		i = jsonSpace(raw, i+1)
		end, err = jsonValueEnd(raw, i, 1)
		if err != nil {
			return err
		}
		if err := f(key, raw[i:end]); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		i = jsonSpace(raw, end)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = jsonSpace(raw, i+1)
		case i < len(raw) && raw[i] == '}':
			return jsonTrailing(raw, i+1)
		default:
			return fmt.Errorf("%w: ',' or '}' expected at offset %d", errJSONSyntax, i)
		}
	}
}

// jsonTrailing checks that nothing but whitespace follows offset i.
func jsonTrailing(raw []byte, i int) error {
	if jsonSpace(raw, i) != len(raw) {
		return fmt.Errorf("%w: text after the value at offset %d", errJSONSyntax, i)
	}
	return nil
}

// jsonElems returns the elements of the array raw.
func jsonElems(raw []byte) ([][]byte, error) {
	i := jsonSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return nil, errors.New("not a JSON array")
	}
	i = jsonSpace(raw, i+1)
	out := [][]byte{}
	if i < len(raw) && raw[i] == ']' {
		return out, jsonTrailing(raw, i+1)
	}
	for {
		end, err := jsonValueEnd(raw, i, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, raw[i:end])
		i = jsonSpace(raw, end)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = jsonSpace(raw, i+1)
		case i < len(raw) && raw[i] == ']':
			return out, jsonTrailing(raw, i+1)
		default:
			return nil, fmt.Errorf("%w: ',' or ']' expected at offset %d", errJSONSyntax, i)
		}
	}
}

// isJSONNull reports whether raw is null.
func isJSONNull(raw []byte) bool { return string(raw) == "null" }

// jsonText reads a string, or null as "".
func jsonText(raw []byte) (string, error) {
	if isJSONNull(raw) {
		return "", nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return "", fmt.Errorf("want a string, got %s", clip(raw))
	}
	return jsonString(raw, true)
}

// jsonInt reads an integer, or null as 0.
func jsonInt(raw []byte) (int, error) {
	if isJSONNull(raw) {
		return 0, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %s", clip(raw))
	}
	return n, nil
}

// jsonBool reads true or false, or null as false.
func jsonBool(raw []byte) (bool, error) {
	switch string(raw) {
	case "true":
		return true, nil
	case "false", "null":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, got %s", clip(raw))
}

// jsonFloat reads a number.
func jsonFloat(raw []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, fmt.Errorf("want a number, got %s", clip(raw))
	}
	return f, nil
}
