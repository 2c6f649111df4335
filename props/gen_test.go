package props

import (
	"math/rand"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// These tests hold the generators to their doc comments: each claims to
// cover some values, and a generator that stopped producing them would let
// the properties pass without checking what they say they check.

// samples draws n values from g with a fixed seed.
func samples[T any](t *testing.T, g gopter.Gen, n int) []T {
	t.Helper()
	params := gopter.DefaultGenParameters()
	params.Rng = rand.New(rand.NewSource(1))
	out := make([]T, 0, n)
	for i := range n {
		params.MaxSize = i * 100 / n
		v, ok := g(params).Retrieve()
		if !ok {
			t.Fatalf("sample %d: generator gave no value", i)
		}
		out = append(out, v.(T))
	}
	return out
}

// shrinks returns the first candidates a gopter generator result offers.
func shrinks(g gopter.Gen, v any, n int) []any {
	res := g(gopter.DefaultGenParameters())
	var out []any
	s := res.Shrinker(v)
	for range n {
		c, ok := s()
		if !ok {
			break
		}
		out = append(out, c)
	}
	return out
}

func TestHeaderCoverage(t *testing.T) {
	ops, rsvs, lengths := map[wire.Opcode]bool{}, map[byte]bool{}, map[int64]bool{}
	masked, unmasked, fin, notFin := 0, 0, 0, 0
	for _, h := range samples[wire.Header](t, Header(), 20000) {
		ops[h.OpCode], rsvs[h.Rsv], lengths[h.Length] = true, true, true
		if h.Masked {
			masked++
		} else {
			unmasked++
			if h.Mask != ([4]byte{}) {
				t.Fatalf("unmasked header with a key: %+v", h)
			}
		}
		if h.Fin {
			fin++
		} else {
			notFin++
		}
		if h.Length < 0 {
			t.Fatalf("negative length: %+v", h)
		}
	}
	if len(ops) != 16 || len(rsvs) != 8 {
		t.Errorf("%d opcodes and %d RSV combinations, want 16 and 8", len(ops), len(rsvs))
	}
	for _, n := range LengthBoundaries {
		if !lengths[n] {
			t.Errorf("length %d never drawn", n)
		}
	}
	if masked < 5000 || unmasked < 5000 || fin < 5000 || notFin < 2000 {
		t.Errorf("masked %d, unmasked %d, FIN %d, not FIN %d: too lopsided", masked, unmasked, fin, notFin)
	}
}

func TestLengthShrinksToBoundary(t *testing.T) {
	var got []int64
	for _, c := range shrinks(Length(), int64(70000), 100) {
		got = append(got, c.(int64))
	}
	for _, want := range []int64{0, 125, 126, 127, 65535, 65536} {
		if !slices.Contains(got, want) {
			t.Errorf("shrinking 70000 never tries %d (tries %v)", want, got)
		}
	}
}

func TestHeaderBytesCoverage(t *testing.T) {
	verdicts := map[error]int{}
	for _, b := range samples[[]byte](t, HeaderBytes(), 5000) {
		_, _, err := wire.DecodeHeader(b)
		verdicts[err]++
	}
	for _, err := range []error{nil, wire.ErrIncomplete, wire.ErrLengthNotMinimal, wire.ErrLengthMSB} {
		if verdicts[err] < 100 {
			t.Errorf("decoding gives %v only %d times in 5000", err, verdicts[err])
		}
	}
}

func TestUTF8Coverage(t *testing.T) {
	type key struct {
		k DefectKind
		p Placement
	}
	seen := map[key]int{}
	for _, c := range samples[UTF8Case](t, UTF8Text(600), 20000) {
		b := c.Bytes()
		bad := c.BadOffset()
		if c.Valid() != utf8.Valid(b) || (bad < 0) != c.Valid() {
			t.Fatalf("%v: Valid %v, utf8.Valid %v, bad offset %d", c, c.Valid(), utf8.Valid(b), bad)
		}
		if !c.Valid() && (bad < len(c.Prefix) || bad > len(c.Prefix)+len(c.Defect)+len(c.Suffix)) {
			t.Fatalf("%v: bad offset %d is not at the defect", c, bad)
		}
		if !utf8.Valid(c.Prefix) || !utf8.Valid(c.Suffix) {
			t.Fatalf("%v: the text around the defect is not valid", c)
		}
		seen[key{c.Kind, c.Placement()}]++
	}
	for _, k := range DefectKinds {
		for _, p := range []Placement{AtStart, InMiddle, AtEnd} {
			if seen[key{k, p}] < 50 {
				t.Errorf("%v at %v drawn %d times", k, p, seen[key{k, p}])
			}
		}
	}
	if seen[key{NoDefect, AtEnd}]+seen[key{NoDefect, AtStart}] < 3000 {
		t.Errorf("too little valid text")
	}
}

func TestUTF8ShrinksKeepInvariants(t *testing.T) {
	for _, c := range samples[UTF8Case](t, InvalidUTF8(600), 300) {
		for _, s := range shrinks(InvalidUTF8(600), c, 200) {
			s := s.(UTF8Case)
			if s.Valid() || utf8.Valid(s.Bytes()) || !utf8.Valid(s.Prefix) || !utf8.Valid(s.Suffix) {
				t.Fatalf("%v shrank to %v", c, s)
			}
		}
	}
	for _, b := range samples[[]byte](t, ValidUTF8(600), 300) {
		for _, s := range shrinks(ValidUTF8(600), b, 200) {
			if !utf8.Valid(s.([]byte)) {
				t.Fatalf("valid text %q shrank to invalid %q", b, s)
			}
		}
	}
}

func TestCloseCoverage(t *testing.T) {
	rows := map[string]int{}
	forms := map[CloseForm]int{}
	reasonLens := map[int]bool{}
	badReasons := 0
	for _, c := range samples[ClosePayload](t, ClosePayloads(), 20000) {
		forms[c.Form]++
		if c.Form != CloseCoded {
			continue
		}
		rows[ClassifyClose(c.Code).Class]++
		n := len(c.Reason.Bytes())
		if n > 123 {
			t.Fatalf("%v: reason of %d bytes does not fit a control frame", c, n)
		}
		reasonLens[n] = true
		if !c.Reason.Valid() {
			badReasons++
		}
	}
	for _, row := range CloseCodeTable {
		if rows[row.Class] < 100 {
			t.Errorf("codes %d-%d drawn %d times", row.From, row.To, rows[row.Class])
		}
	}
	for _, n := range []int{0, 1, 122, 123} {
		if !reasonLens[n] {
			t.Errorf("no reason of %d bytes", n)
		}
	}
	if forms[CloseEmpty] < 1000 || forms[CloseOneByte] < 1000 || badReasons < 2000 {
		t.Errorf("forms %v, %d invalid reasons", forms, badReasons)
	}
}

func TestCloseCodeTableCoversEveryCode(t *testing.T) {
	next := 0
	for _, row := range CloseCodeTable {
		if int(row.From) != next || row.To < row.From {
			t.Fatalf("row %+v does not start at %d", row, next)
		}
		next = int(row.To) + 1
	}
	if next != 65536 {
		t.Fatalf("table ends at %d", next-1)
	}
}

func TestChopSplit(t *testing.T) {
	b := []byte("abcdefghij")
	tests := []struct {
		chop Chop
		want []string
	}{
		{nil, []string{"abcdefghij"}},
		{Chop{1}, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
		{Chop{3, 1}, []string{"abc", "d", "efg", "h", "ij"}},
		{Chop{0, 4}, []string{"", "abcd", "", "efgh", "", "ij"}},
		{Chop{0}, []string{"", "abcdefghij"}},
		{Chop{100}, []string{"abcdefghij"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range tt.chop.Split(b) {
			got = append(got, string(p))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v.Split = %q, want %q", tt.chop, got, tt.want)
		}
	}
	if got := (Chop{2}).Split(nil); len(got) != 1 || len(got[0]) != 0 {
		t.Errorf("an empty stream splits into %q, want one empty read", got)
	}
}

func TestChopsCoverage(t *testing.T) {
	whole, bytewise, withZero, large := 0, 0, 0, 0
	for _, c := range samples[Chop](t, Chops(), 5000) {
		switch {
		case len(c) == 0:
			whole++
		case len(c) == 1 && c[0] == 1:
			bytewise++
		}
		if slices.Contains(c, 0) {
			withZero++
		}
		if slices.Max(append([]int{0}, c...)) > 1000 {
			large++
		}
	}
	if whole < 300 || bytewise < 300 || withZero < 300 || large < 200 {
		t.Errorf("whole %d, byte-wise %d, with empty reads %d, large %d", whole, bytewise, withZero, large)
	}
}

func TestMessagesCoverage(t *testing.T) {
	pingBetween, emptyFragment, splitChar, many := 0, 0, 0, 0
	for _, m := range samples[Message](t, Messages(70000), 5000) {
		if m.Op == wire.OpText && !utf8.Valid(m.Payload) {
			t.Fatalf("text message is not UTF-8: %v", m)
		}
		if !slices.IsSorted(m.Cuts) || (len(m.Cuts) > 0 && m.Cuts[len(m.Cuts)-1] > len(m.Payload)) {
			t.Fatalf("bad cuts %v for %d bytes", m.Cuts, len(m.Payload))
		}
		frags := m.Fragments()
		for _, c := range m.Controls {
			if c.Before > 0 && c.Before < len(frags) && c.Op == wire.OpPing {
				pingBetween++
				break
			}
		}
		for i, f := range frags {
			if len(f) == 0 && len(frags) > 1 {
				emptyFragment++
			}
			if m.Op == wire.OpText && i < len(frags)-1 && !utf8.Valid(f) {
				splitChar++
			}
		}
		if len(frags) > 8 {
			many++
		}
		if frames := m.Frames(); !frames[len(frames)-1].Header.Fin {
			t.Fatalf("last frame of %v is not final", m)
		}
	}
	if pingBetween < 1000 || emptyFragment < 200 || splitChar < 200 || many < 200 {
		t.Errorf("ping between fragments %d, empty fragments %d, split characters %d, many fragments %d", pingBetween, emptyFragment, splitChar, many)
	}
}

func TestMessageShrinksKeepInvariants(t *testing.T) {
	for _, m := range samples[Message](t, Messages(300), 300) {
		for _, s := range shrinks(Messages(300), m, 300) {
			s := s.(Message)
			if s.Op == wire.OpText && !utf8.Valid(s.Payload) {
				t.Fatalf("%v shrank to invalid text %v", m, s)
			}
			for _, c := range s.Controls {
				if c.Before > s.NumFragments() || len(c.Payload) > 125 {
					t.Fatalf("%v shrank to a bad control %+v", m, c)
				}
			}
			if len(s.Cuts) > 0 && (!slices.IsSorted(s.Cuts) || s.Cuts[len(s.Cuts)-1] > len(s.Payload)) {
				t.Fatalf("%v shrank to bad cuts %v", m, s.Cuts)
			}
		}
	}
}

func TestActionsCoverage(t *testing.T) {
	// The sequences TestSessionModel runs: ActionFor drawn for the state
	// the model reaches, against a limit of modelLimit.
	kinds := map[ActionKind]int{}
	garbage := map[Garbage]int{}
	codes := map[uint16]int{}
	params := gopter.DefaultGenParameters()
	params.Rng = rand.New(rand.NewSource(1))
	for range 2000 {
		m := Model{MaxMessage: modelLimit}
		for range modelMaxSteps {
			v, _ := ActionFor(m, modelMaxLen)(params).Retrieve()
			a := v.(Action)
			kinds[a.Kind]++
			if a.Kind == SendGarbage {
				garbage[a.Garbage]++
			}
			var out []Frame
			m, out = m.Step(a)
			for _, f := range out {
				if f.Header.OpCode == wire.OpClose {
					codes[uint16(f.Payload[0])<<8|uint16(f.Payload[1])]++
				}
			}
			if m.Done {
				break
			}
		}
	}
	for k := SendText; k <= SendGarbage; k++ {
		if kinds[k] < 100 {
			t.Errorf("%v drawn %d times", k, kinds[k])
		}
	}
	for _, g := range GarbageKinds {
		if garbage[g] < 20 {
			t.Errorf("garbage %v drawn %d times", g, garbage[g])
		}
	}
	for _, code := range []uint16{1000, 1002, 1007, 1009} {
		if codes[code] < 20 {
			t.Errorf("the model closes with %d only %d times", code, codes[code])
		}
	}
	t.Logf("actions %v; garbage %v; closes %v", kinds, garbage, codes)
}

func TestActionsStreams(t *testing.T) {
	long := 0
	for _, as := range samples[[]Action](t, Actions(2000), 2000) {
		if len(as) == 0 {
			t.Fatal("empty stream")
		}
		if len(as) > 10 {
			long++
		}
	}
	if long < 200 {
		t.Errorf("%d streams of more than 10 actions", long)
	}
}

func TestDeflateOffersCoverage(t *testing.T) {
	valid, invalid := 0, 0
	params := map[string]int{}
	for _, o := range samples[DeflateOffer](t, DeflateOffers(), 5000) {
		if o.Valid() {
			valid++
		} else {
			invalid++
		}
		for _, p := range o.Params {
			params[p.Name]++
		}
	}
	if valid < 2000 || invalid < 1000 {
		t.Errorf("%d valid and %d invalid offers", valid, invalid)
	}
	for _, name := range []string{ServerNoContextTakeover, ClientNoContextTakeover, ServerMaxWindowBits, ClientMaxWindowBits} {
		if params[name] < 1000 {
			t.Errorf("%s in %d offers", name, params[name])
		}
	}
}

func TestDeflateOfferValid(t *testing.T) {
	tests := []struct {
		header string
		offer  DeflateOffer
		valid  bool
	}{
		{"plain", DeflateOffer{}, true},
		{"all four", DeflateOffer{Params: []DeflateParam{{Name: ServerNoContextTakeover}, {Name: ClientNoContextTakeover}, {Name: ServerMaxWindowBits, Value: "8", HasValue: true}, {Name: ClientMaxWindowBits}}}, true},
		{"quoted", DeflateOffer{Params: []DeflateParam{{Name: ClientMaxWindowBits, Value: "15", HasValue: true, Quoted: true}}}, true},
		{"unknown", DeflateOffer{Params: []DeflateParam{{Name: "x"}}}, false},
		{"repeated", DeflateOffer{Params: []DeflateParam{{Name: ClientNoContextTakeover}, {Name: ClientNoContextTakeover}}}, false},
		{"flag with value", DeflateOffer{Params: []DeflateParam{{Name: ServerNoContextTakeover, Value: "1", HasValue: true}}}, false},
		{"server window without value", DeflateOffer{Params: []DeflateParam{{Name: ServerMaxWindowBits}}}, false},
		{"window 16", DeflateOffer{Params: []DeflateParam{{Name: ServerMaxWindowBits, Value: "16", HasValue: true}}}, false},
		{"window 7", DeflateOffer{Params: []DeflateParam{{Name: ClientMaxWindowBits, Value: "7", HasValue: true}}}, false},
		{"leading zero", DeflateOffer{Params: []DeflateParam{{Name: ClientMaxWindowBits, Value: "09", HasValue: true}}}, false},
	}
	for _, tt := range tests {
		if got := tt.offer.Valid(); got != tt.valid {
			t.Errorf("%s: %q valid=%v, want %v", tt.header, tt.offer.Header(), got, tt.valid)
		}
	}
}
