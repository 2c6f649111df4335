package fuzz

import "fmt"

// recorder is a reporter that records failures instead of failing a test,
// so that a test can assert that a check reported a broken implementation.
type recorder struct{ failures []string }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func (r *recorder) Name() string { return "recorder" }
