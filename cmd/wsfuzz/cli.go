package main

// The contract every wsfuzz command keeps, so that scripts and CI can rely
// on it whatever the command:
//
//   - Exit status: exitOK (0) when every input was read and nothing failed,
//     exitFailed (1) when a case failed or an input could not be read,
//     exitUsage (2) when the command line is wrong. A command returns a
//     usageError for bad usage and any other error for a failure; main
//     turns them into the status (see exitStatus).
//   - Flags anywhere: parseArgs accepts flags before, between and after the
//     positional arguments; "--" ends the flags, so a file named "-x" can
//     still be given.
//   - Inputs that cannot be read are said on stderr, one line each, with
//     the path first (see inputFailures), and never stop the other inputs.
//   - --json: stdout carries one JSON object per line, one per case, one
//     per unreadable input, then exactly one summary (see jsonLines); the
//     human-readable output is left out, stderr keeps the one-line errors.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// The exit statuses of every command.
const (
	exitOK     = 0 // every input read, nothing failed
	exitFailed = 1 // a case failed, or an input could not be read
	exitUsage  = 2 // the command line is wrong
)

// exitCoder is an error that chooses the process's exit status.
type exitCoder interface{ ExitCode() int }

// usageError is an error in the command line (exit status exitUsage).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
func (usageError) ExitCode() int   { return exitUsage }

// exitStatus is the exit status a command's returned error stands for:
// exitOK for nil and for a --help request, the error's own status when it
// has one, exitFailed otherwise.
func exitStatus(err error) int {
	var ec exitCoder
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ec):
		return ec.ExitCode()
	}
	return exitFailed
}

// parseArgs parses args with fs, accepting flags anywhere: before, between
// and after the positional arguments, which it returns in order. "--" ends
// the flags; every argument after it is positional, and so is a lone "-".
// A flag that takes a value takes the next argument when it has no "=".
// It returns flag.ErrHelp for -h and --help, and a usageError for an
// unknown flag or a bad value.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case len(a) < 2 || a[0] != '-':
			positional = append(positional, a)
		default:
			flags = append(flags, a)
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !hasValue && takesValue(fs, name) && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err.Error()}
	}
	return positional, nil
}

// takesValue reports whether the flag named name needs a value (every flag
// but a boolean one). An unknown name is left to fs.Parse to reject.
func takesValue(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// noArgs is the usage error of a command that takes no positional
// arguments, or nil when there are none.
func noArgs(positional []string) error {
	if len(positional) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", positional[0])}
	}
	return nil
}

// inputFailure is an input that could not be read: its path ("" when the
// error names none) and what went wrong.
type inputFailure struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// inputFailures turns the errors of reading inputs into one failure each,
// with the path split off where the error carries one.
func inputFailures(errs []error) []inputFailure {
	out := make([]inputFailure, 0, len(errs))
	for _, err := range errs {
		f := inputFailure{Error: err.Error()}
		var pe *fs.PathError
		var re *corpus.ParseError
		switch {
		case errors.As(err, &re):
			f.Path, f.Error = re.File, strings.TrimPrefix(err.Error(), re.File+": ")
		case errors.As(err, &pe):
			f.Path, f.Error = pe.Path, pe.Err.Error()
		}
		f.Error = strings.Join(strings.Fields(f.Error), " ")
		out = append(out, f)
	}
	return out
}

// printInputFailures says each failure on w, one line each:
// "wsfuzz COMMAND: PATH: ERROR".
func printInputFailures(w io.Writer, command string, failures []inputFailure) {
	for _, f := range failures {
		if f.Path != "" {
			fmt.Fprintf(w, "wsfuzz %s: %s: %s\n", command, f.Path, f.Error)
		} else {
			fmt.Fprintf(w, "wsfuzz %s: %s\n", command, f.Error)
		}
	}
}

// jsonSchema names the version of the --json output. Fields are only ever
// added within a version; a field that changes meaning or goes away makes
// a new version.
const jsonSchema = "wsfuzz/1"

// The record types of the --json output.
const (
	recordCase    = "case"    // one per case the command handled
	recordError   = "error"   // one per input that could not be read
	recordSummary = "summary" // exactly one, the last line
)

// jsonLines writes a command's --json output: one JSON object per line,
// each starting with "schema" (jsonSchema), "command" and "type" (case,
// error or summary), followed by the fields of the value written.
type jsonLines struct {
	w       io.Writer
	command string
	err     error // the first write error; later writes are dropped
}

func newJSONLines(w io.Writer, command string) *jsonLines {
	return &jsonLines{w: w, command: command}
}

// write writes one record of the given type; fields must marshal to a JSON
// object (a struct or a map), whose members follow the common ones.
func (j *jsonLines) write(recordType string, fields any) {
	if j.err != nil {
		return
	}
	body, err := json.Marshal(fields)
	if err != nil || len(body) < 2 || body[0] != '{' {
		j.err = fmt.Errorf("--json: %T is not a JSON object: %v", fields, err)
		return
	}
	head, _ := json.Marshal(struct {
		Schema  string `json:"schema"`
		Command string `json:"command"`
		Type    string `json:"type"`
	}{jsonSchema, j.command, recordType})
	line := make([]byte, 0, len(head)+len(body)+1)
	line = append(line, head[:len(head)-1]...)
	if len(body) > 2 {
		line = append(line, ',')
	}
	line = append(line, body[1:]...)
	line = append(line, '\n')
	_, j.err = j.w.Write(line)
}

// failures writes one error record per input failure.
func (j *jsonLines) failures(failures []inputFailure) {
	for _, f := range failures {
		j.write(recordError, f)
	}
}

// Err is the first error met while writing, if any.
func (j *jsonLines) Err() error { return j.err }

// contractHelp is the part of every command's --help that states the
// contract; commands print it after their own text and before their flags,
// with their --json record fields described in their own text.
const contractHelp = `Flags may come anywhere on the command line; "--" ends them.

Exit status: 0 when every input was read and nothing failed, 1 when a case
failed or an input could not be read (each said on stderr, one line with
its path), 2 on bad usage.

--json prints one JSON object per line instead of the text output: one
"case" record per case, one "error" record per input that could not be
read, then one "summary" record. Every record starts with
"schema":"` + jsonSchema + `", "command" and "type"; the summary has "exit", the
exit status. Fields are only added within a schema version.
`

// orEmpty makes a nil list marshal as [] rather than null, so that every
// list field of a record is always a list.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
