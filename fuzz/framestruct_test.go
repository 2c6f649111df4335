package fuzz

import (
	"testing"

	gofuzz "github.com/google/gofuzz"
)

// TestFrameFromBytesMatchesNewFromGoFuzz checks that frameFromBytes decodes
// an input as gofuzz.NewFromGoFuzz does, as long as the input lasts.
func TestFrameFromBytesMatchesNewFromGoFuzz(t *testing.T) {
	for _, s := range frameStructSeeds() {
		data := append(s.args[0].([]byte), make([]byte, 512)...) // never runs out
		var want fuzzFrame
		gofuzz.NewFromGoFuzz(data).Fuzz(&want)
		got := frameFromBytes(data)
		if got.Fin != want.Fin || got.Rsv != want.Rsv || got.OpCode != want.OpCode || got.Masked != want.Masked ||
			got.Mask != want.Mask || got.Length != want.Length || string(got.Payload) != string(want.Payload) {
			t.Errorf("%s: frameFromBytes = %+v, NewFromGoFuzz gives %+v", s.name, got, want)
		}
	}
}
