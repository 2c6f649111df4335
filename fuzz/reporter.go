package fuzz

// reporter is the part of testing.TB that a check needs. Checks take a
// reporter rather than a *testing.T so that the can-fail tests can hand
// them a recorder and assert that a broken implementation was reported,
// and so that the libFuzzer build, whose testing.T is a stand-in type,
// can call the same checks.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// clip shortens a long input for a failure message.
func clip(b []byte) []byte {
	if len(b) > 512 {
		return b[:512]
	}
	return b
}
