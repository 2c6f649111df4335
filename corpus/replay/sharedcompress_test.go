package replay

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counted is a compress function that returns n octets of fill and
// counts its calls.
func counted(calls *atomic.Int32, n int, fill byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		calls.Add(1)
		return bytes.Repeat([]byte{fill}, n), nil
	}
}

// TestSharedFormsComputeOnce: sessions that need the same message at the
// same time compress it once, and all get the same octets.
func TestSharedFormsComputeOnce(t *testing.T) {
	f := newSharedForms(1 << 20)
	var calls atomic.Int32
	slow := func() ([]byte, error) {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond)
		return []byte("compressed"), nil
	}
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = f.get(sharedKey{"s", 0, 15}, 100, slow)
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("compressed %d times, want once", n)
	}
	for i, z := range got {
		if string(z) != "compressed" {
			t.Errorf("session %d got %q", i, z)
		}
	}
	if z, _ := f.get(sharedKey{"s", 0, 9}, 100, slow); string(z) != "compressed" || calls.Load() != 2 {
		t.Errorf("another window is another form: got %q after %d compressions, want a second one", z, calls.Load())
	}
	f.forgetShare("s")
	if z, _ := f.get(sharedKey{"s", 0, 15}, 100, slow); string(z) != "compressed" || calls.Load() != 3 {
		t.Errorf("after forgetShare: got %q after %d compressions, want a third one", z, calls.Load())
	}
	f.forget()
	if z, _ := f.get(sharedKey{"s", 0, 15}, 100, slow); string(z) != "compressed" || calls.Load() != 4 {
		t.Errorf("after forget: got %q after %d compressions, want a fourth one", z, calls.Load())
	}
}

// TestSharedFormsLimits: a share keeps at most seven eighths of the
// limit; a new share drops the one used least recently when the limit is
// reached; a message that does not compress, and a failed compression,
// are not kept.
func TestSharedFormsLimits(t *testing.T) {
	f := newSharedForms(100) // 87 octets for one share
	var calls atomic.Int32
	get := func(share string, i int) {
		t.Helper()
		z, err := f.get(sharedKey{share, i, 15}, 40, counted(&calls, 20, byte(i)))
		if err != nil || !bytes.Equal(z, bytes.Repeat([]byte{byte(i)}, 20)) {
			t.Fatalf("%s/%d: %q, %v", share, i, z, err)
		}
	}
	// kept reports whether message i of share is kept: getting it again
	// compresses nothing.
	kept := func(share string, i int) bool {
		t.Helper()
		before := calls.Load()
		get(share, i)
		return calls.Load() == before
	}
	for i := range 5 {
		get("a", i) // the fifth passes a share's limit
	}
	for i := range 4 {
		if !kept("a", i) {
			t.Errorf("share a: form %d not kept", i)
		}
	}
	if kept("a", 4) {
		t.Error("share a: the form past its limit was kept")
	}
	get("b", 0) // 100 octets in all
	if !kept("b", 0) || !kept("a", 0) {
		t.Error("100 octets fit the limit: every form should be kept")
	}
	get("c", 0) // past the limit: b is the share used least recently
	if !kept("c", 0) || !kept("a", 1) {
		t.Error("want c's form kept, and a's")
	}
	if kept("b", 0) {
		t.Error("want share b dropped for c's form")
	}

	if _, err := f.get(sharedKey{"d", 0, 15}, 20, counted(&calls, 20, 1)); err != nil {
		t.Fatal(err)
	}
	if kept("d", 0) {
		t.Error("a form as long as its message was kept")
	}
	failing := func() ([]byte, error) { return nil, errors.New("no") }
	if _, err := f.get(sharedKey{"e", 0, 15}, 40, failing); err == nil {
		t.Error("a failed compression returned no error")
	}
	if kept("e", 0) {
		t.Error("a failed compression was kept")
	}
}
