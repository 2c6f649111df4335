package props

import (
	"reflect"
	"testing"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

// These tests run each property against a broken implementation from
// broken_test.go and check that gopter finds the bug and shrinks it to a
// small counterexample, which they log (go test -v -run CanFail).

// mustFail checks prop, expects a failure, logs the shrunk counterexample
// and returns the shrunk arguments.
func mustFail(t *testing.T, prop gopter.Prop, opts ...Option) []any {
	t.Helper()
	params := Parameters(opts...)
	res := prop.Check(params)
	if res.Status != gopter.TestFailed {
		t.Fatalf("property did not fail on a broken implementation: %s after %d cases (%s)", res.Status, res.Succeeded, Rerun(t, params))
	}
	t.Logf("found after %d cases; %s", res.Succeeded, Describe(res))
	args := make([]any, len(res.Args))
	for i, a := range res.Args {
		args[i] = a.Arg
	}
	if len(args) == 1 {
		if tuple, ok := args[0].(Tuple); ok {
			return tuple // the arguments of forAll, shrunk together
		}
	}
	return args
}

func TestCanFailFrameRoundTrip126(t *testing.T) {
	args := mustFail(t, FrameRoundTrip(FrameCodec{Encode: wire.AppendHeader, Decode: literal126Decode}))
	if h := args[0].(wire.Header); h.Length != 126 || len(args[1].([]byte)) != 0 {
		t.Errorf("shrunk to length %d, want the boundary 126", h.Length)
	}
}

func TestCanFailFrameRoundTrip65536(t *testing.T) {
	args := mustFail(t, FrameRoundTrip(FrameCodec{Encode: short16Encode, Decode: wire.DecodeHeader}))
	if h := args[0].(wire.Header); h.Length != 65536 || h.Masked || h.Rsv != 0 || h.OpCode != 0 {
		t.Errorf("shrunk to %+v, want a plain header of length 65536", h)
	}
}

func TestCanFailDecodeEncodeIdempotent(t *testing.T) {
	args := mustFail(t, DecodeEncodeIdempotent(FrameCodec{Encode: wire.AppendHeader, Decode: lenientDecode}))
	if b := args[0].([]byte); string(b) != "\x00\x7e\x00\x00" {
		t.Errorf("shrunk to % X, want 00 7E 00 00: a 16-bit length of 0", b)
	}
}

func TestCanFailMaskInvolution(t *testing.T) {
	args := mustFail(t, MaskInvolution(addMask))
	if p := args[0].([]byte); len(p) != 1 {
		t.Errorf("shrunk to a payload of %d bytes, want 1", len(p))
	}
}

func TestCanFailMaskMatchesDefinition(t *testing.T) {
	args := mustFail(t, MaskMatchesDefinition(unrotatedWordMask))
	if p := args[0].([]byte); len(p) != 8 {
		t.Errorf("shrunk to a payload of %d bytes, want one 8-byte word", len(p))
	}
}

func TestCanFailMaskOffsetComposition(t *testing.T) {
	args := mustFail(t, MaskOffsetComposition(offsetBlindMask))
	if p := args[0].([]byte); len(p) > 2 {
		t.Errorf("shrunk to a payload of %d bytes, want at most 2", len(p))
	}
}

func TestCanFailUTF8SplitInvarianceSurrogate(t *testing.T) {
	args := mustFail(t, UTF8SplitInvariance(func() UTF8Stream { return &laxUTF8{surrogates: true} }))
	if c := args[0].(UTF8Case); string(c.Bytes()) != "\xED\xA0\x80" {
		t.Errorf("shrunk to %v, want ED A0 80 alone", c)
	}
}

func TestCanFailUTF8SplitInvarianceForgetful(t *testing.T) {
	args := mustFail(t, UTF8SplitInvariance(func() UTF8Stream { return &laxUTF8{forgetful: true} }))
	if c := args[0].(UTF8Case); len(c.Bytes()) > 4 {
		t.Errorf("shrunk to %v, want one character", c)
	}
}

func TestCanFailUTF8FailFast(t *testing.T) {
	args := mustFail(t, UTF8FailFast(func() UTF8Stream { return new(lateUTF8) }))
	if c := args[0].(UTF8Case); len(c.Bytes()) > 4 {
		t.Errorf("shrunk to %v, want the defect alone", c)
	}
}

func TestCanFailCloseCodeClassification(t *testing.T) {
	args := mustFail(t, CloseCodeClassification(rfc6455Sendable))
	if code := args[0].(uint16); code != 1012 {
		t.Errorf("shrunk to %d, want 1012", code)
	}
}

func TestCanFailClosePayloadVerdict(t *testing.T) {
	args := mustFail(t, ClosePayloadVerdict(trustingParseClose))
	if c := args[0].(ClosePayload); c.Code != 1000 || len(c.Reason.Prefix)+len(c.Reason.Suffix) != 0 {
		t.Errorf("shrunk to %v, want code 1000 and a reason that is only its defect", c)
	}
}

func TestCanFailFragmentedEcho(t *testing.T) {
	args := mustFail(t, FragmentedEcho(pongDropper), Weight(fragmentWeight))
	m := args[0].(Message)
	if m.NumFragments() != 2 || len(m.Controls) != 1 || len(m.Payload) != 0 || len(m.Controls[0].Payload) != 0 {
		t.Errorf("shrunk to %v, want an empty ping between two empty fragments", m)
	}
}

func TestCanFailChopInvariance(t *testing.T) {
	args := mustFail(t, ChopInvariance(newSplitHeaderLoser), Weight(chopWeight))
	if as := args[0].([]Action); len(as) != 1 {
		t.Errorf("shrunk to %d actions %v, want 1", len(as), as)
	}
}

// sequenceLen returns the number of commands in a shrunk gopter commands
// sequence, whose type gopter does not export.
func sequenceLen(seq any) int {
	return reflect.ValueOf(seq).Elem().FieldByName("sequentialCommands").Len()
}

func TestCanFailSessionModelEmptyContinuation(t *testing.T) {
	args := mustFail(t, SessionModel(emptyContinuationDropper, modelLimit, modelMaxLen), Weight(modelWeight), MaxSize(modelMaxSteps))
	if n := sequenceLen(args[0]); n > 2 {
		t.Errorf("shrunk to %d actions, want at most 2", n)
	}
}

func TestCanFailSessionModelCloseCode(t *testing.T) {
	args := mustFail(t, SessionModel(newCloseAs1000, modelLimit, modelMaxLen), Weight(modelWeight), MaxSize(modelMaxSteps))
	if n := sequenceLen(args[0]); n != 1 {
		t.Errorf("shrunk to %d actions, want 1", n)
	}
}

func TestCanFailDeflateNegotiation(t *testing.T) {
	args := mustFail(t, DeflateNegotiation(lenientNegotiate))
	if o := args[0].(DeflateOffer); len(o.Params) != 1 {
		t.Errorf("shrunk to %q, want the unknown parameter alone", o.Header())
	}
}

func TestCanFailDeflateRoundTrip(t *testing.T) {
	args := mustFail(t, DeflateRoundTrip(stickyDeflate), Weight(deflateWeight))
	o, toClient, toServer := args[0].(DeflateOffer), args[2].([][]byte), args[3].([][]byte)
	if len(o.Params) > 1 || len(toClient)+len(toServer) > 3 {
		t.Errorf("shrunk to %q with %s and %s, want at most one parameter and two or three messages", o.Header(), showMessages(toClient), showMessages(toServer))
	}
}

func TestCanFailCompressedEcho(t *testing.T) {
	args := mustFail(t, CompressedEcho(stickySession), Weight(compressedWeight))
	o, msgs := args[0].(DeflateOffer), args[2].([][]byte)
	if len(o.Params) > 1 || len(msgs) != 2 {
		t.Errorf("shrunk to %q with %s, want at most one parameter and two messages", o.Header(), showMessages(msgs))
	}
}

func TestCanFailFailFastMidFrame(t *testing.T) {
	args := mustFail(t, FailFastMidFrame(wholeFrames), Weight(fragmentWeight))
	if c := args[0].(UTF8Case); len(c.Bytes()) > 4 || args[1].(int) != 0 {
		t.Errorf("shrunk to %v cut at %d, want the defect alone in one fragment", c, args[1])
	}
}
