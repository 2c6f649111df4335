package fuzz

import (
	"reflect"
	"testing"
)

func TestForEachPiece(t *testing.T) {
	data := []byte("abcdefghij")
	tests := []struct {
		name  string
		sizes []byte
		want  []string
	}{
		{"no sizes: one piece", nil, []string{"abcdefghij"}},
		{"sizes then the rest", appendPieceSizes(nil, 3, 2), []string{"abc", "de", "fghij"}},
		{"zero sizes are empty pieces", appendPieceSizes(nil, 0, 4), []string{"", "abcd", "efghij"}},
		{"a size past the end is clamped", appendPieceSizes(nil, 4, 100, 1), []string{"abcd", "efghij", "", ""}},
		{"multi-byte varint", appendPieceSizes(nil, 300), []string{"abcdefghij", ""}},
		{"malformed varint ends the list", []byte{0x02, 0xff}, []string{"ab", "cdefghij"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			forEachPiece(data, tt.sizes, func(p []byte) { got = append(got, string(p)) })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pieces = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestForEachPieceBounded(t *testing.T) {
	sizes := make([]byte, 10*maxPieces) // every size 0
	calls := 0
	forEachPiece([]byte("x"), sizes, func([]byte) { calls++ })
	if calls != maxPieces+1 {
		t.Errorf("%d calls for %d sizes, want %d", calls, len(sizes), maxPieces+1)
	}
}
