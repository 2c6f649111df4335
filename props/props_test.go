package props

import (
	"testing"

	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// The weights of the properties that drive whole sessions: a case costs
// them tens to thousands of times a header round trip, so they check a
// fraction of PROPS_N cases (see Weight).
const (
	fragmentWeight = 0.25
	chopWeight     = 0.5
	modelWeight    = 0.25
	modelMaxSteps  = 40
	deflateWeight  = 0.05
	// compressedWeight is the share of CompressedEcho, which compresses
	// and inflates every message twice and drives a session.
	compressedWeight = 0.02
)

// modelLimit is the message size limit of the session the model checks:
// small enough that generated messages cross it.
const modelLimit = 4096

// modelMaxLen bounds the data payloads of the model's actions: a little
// over the limit, so that some single frames cross it.
const modelMaxLen = modelLimit + 256

func TestFrameRoundTrip(t *testing.T) { Check(t, FrameRoundTrip(WireCodec)) }

func TestDecodeEncodeIdempotent(t *testing.T) { Check(t, DecodeEncodeIdempotent(WireCodec)) }

func TestMaskInvolution(t *testing.T) { Check(t, MaskInvolution(wire.MaskBytes)) }

func TestMaskMatchesDefinition(t *testing.T) {
	t.Run("fast", func(t *testing.T) { Check(t, MaskMatchesDefinition(wire.MaskBytes)) })
	t.Run("slow", func(t *testing.T) { Check(t, MaskMatchesDefinition(wire.MaskBytesSlow)) })
}

func TestMaskOffsetComposition(t *testing.T) { Check(t, MaskOffsetComposition(wire.MaskBytes)) }

func TestUTF8SplitInvariance(t *testing.T) { Check(t, UTF8SplitInvariance(WireUTF8)) }

func TestUTF8FailFast(t *testing.T) { Check(t, UTF8FailFast(WireUTF8)) }

func TestCloseCodeClassification(t *testing.T) { Check(t, CloseCodeClassification(WireSendable)) }

func TestClosePayloadVerdict(t *testing.T) { Check(t, ClosePayloadVerdict(WireParseClose)) }

func TestFragmentedEcho(t *testing.T) {
	Check(t, FragmentedEcho(SessionServer(server.SessionConfig{})), Weight(fragmentWeight))
}

func TestChopInvariance(t *testing.T) {
	Check(t, ChopInvariance(SessionServer(server.SessionConfig{})), Weight(chopWeight))
}

func TestSessionModel(t *testing.T) {
	srv := SessionServer(server.SessionConfig{MaxMessageSize: modelLimit})
	Check(t, SessionModel(srv, modelLimit, modelMaxLen), Weight(modelWeight), MaxSize(modelMaxSteps))
}

func TestDeflateNegotiation(t *testing.T) { Check(t, DeflateNegotiation(deflate.Negotiate)) }

func TestDeflateRoundTrip(t *testing.T) {
	Check(t, DeflateRoundTrip(ReferenceDeflate), Weight(deflateWeight))
}

func TestCompressedEcho(t *testing.T) {
	Check(t, CompressedEcho(DeflateSessionServer(server.SessionConfig{})), Weight(compressedWeight))
}

func TestFailFastMidFrame(t *testing.T) {
	Check(t, FailFastMidFrame(SessionServer(server.SessionConfig{})), Weight(fragmentWeight))
}
