// Package probe runs chosen inputs against the example servers and checks
// the oracle's verdict on them: the regular tests of the example packages
// use it to pin down what each library does with an input built to show
// one behaviour (an invalid UTF-8 byte in the first fragment, a ping, a
// close code), so that a change in the library or in the oracle shows up
// as a failing test instead of a silent change of findings.
package probe
