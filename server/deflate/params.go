package deflate

// Window sizes are given, as in RFC 7692, as the base-2 logarithm of the LZ77
// window: bits b means back-references reach at most 2^b octets back.
const (
	// MinWindowBits is the smallest window RFC 7692 allows (256 octets).
	MinWindowBits = 8
	// MaxWindowBits is the largest window, and the default (32 KiB).
	MaxWindowBits = 15
)

// Params are the negotiated parameters that bind both sides of one
// connection. The server compresses with the Server* fields and inflates
// what the client sends under the Client* fields.
//
// The zero value means what an offer without parameters means: context
// takeover in both directions and 32 KiB windows (a zero window field is
// read as 15).
type Params struct {
	// ServerNoContextTakeover: the server starts every message it sends
	// with an empty window.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover: the client starts every message it sends
	// with an empty window, so the server need not keep one between
	// messages.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits (8..15) is the window the server compresses with.
	ServerMaxWindowBits int
	// ClientMaxWindowBits (8..15) is the window the client promised to
	// compress with: the smaller of the value in its offer and the value in
	// the server's response, 15 when neither says.
	ClientMaxWindowBits int
}

// Mirror returns the parameters seen from the other end, with the server
// and client fields exchanged. A test client that must compress the way a
// client does uses NewCompressor(p.Mirror(), level) and inflates the server's
// messages with NewDecompressor(p.Mirror()).
func (p Params) Mirror() Params {
	return Params{
		ServerNoContextTakeover: p.ClientNoContextTakeover,
		ClientNoContextTakeover: p.ServerNoContextTakeover,
		ServerMaxWindowBits:     p.ClientMaxWindowBits,
		ClientMaxWindowBits:     p.ServerMaxWindowBits,
	}
}

// Preferences say what a server is willing to accept and what it prefers.
// The zero value accepts any valid offer, compresses with a 32 KiB window,
// allows context takeover in both directions and uses DefaultLevel.
type Preferences struct {
	// ServerNoContextTakeover makes the server always answer with
	// server_no_context_takeover, even when the client did not ask: the
	// server then holds no compression state for an idle connection.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover makes the server always answer with
	// client_no_context_takeover: the client must then start every message
	// afresh, and the server holds no inflate state for an idle connection.
	// Independently of this field, the server also answers with it when the
	// client's offer carries client_no_context_takeover: that parameter in an
	// offer is the client's hint that it will not use context takeover, and
	// accepting it costs no compression and saves memory.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits (8..15, 0 means 15) is the largest window the
	// server compresses with. A client may ask for a smaller one. 8 is used
	// only with a client that asks for 8 itself, 9 otherwise: see Negotiate.
	ServerMaxWindowBits int
	// ClientMaxWindowBits (9..15, 0 means no limit) is the window the server
	// asks the client to stay within, when the client's offer says it can be
	// limited (it carries client_max_window_bits). A smaller window means
	// less inflate memory per connection with context takeover. The server
	// never asks for 8: zlib, which most clients use, refuses a raw window
	// of 8 since version 1.2.9 and silently used 9 before; so 8 is read as 9.
	ClientMaxWindowBits int
	// Level is the compression level, see DefaultLevel.
	Level int
}

// Compression levels for Preferences.Level and NewCompressor. Levels 1 to 9
// are those of compress/flate. The zero value selects DefaultLevel, so that
// zero Preferences are sane; compress/flate's DefaultCompression (-1) does
// too.
//
// Below 15 window bits the level makes no difference: the only encoder that
// honours a smaller window works like level 5. Levels 7 to 9 are slow on
// small messages without context takeover, because each message clears
// their 640 KiB of hash chains.
const (
	// DefaultLevel is flate level 1, BestSpeed: an echo server sends as
	// much as it receives, so it favours speed. On the package's text-like
	// benchmark data level 1 reaches 35% of the input size, level 5 31%.
	DefaultLevel = 0
	// BestSpeed is flate level 1.
	BestSpeed = 1
	// BestCompression is flate level 9.
	BestCompression = 9
	// HuffmanOnly entropy-codes literals and makes no back-references at
	// all, so it is valid under any window and any context takeover setting.
	HuffmanOnly = -2
	// NoCompression sends stored (uncompressed) DEFLATE blocks. It is not
	// flate's 0, which here means DefaultLevel.
	NoCompression = -3
)

// flateLevel maps a Level to a github.com/klauspost/compress/flate level.
func flateLevel(level int) int {
	switch {
	case level == NoCompression:
		return 0
	case level == HuffmanOnly:
		return -2
	case level >= 1 && level <= 9:
		return level
	default:
		return 1
	}
}

// windowBits reads a window field: 0 (unset) and anything above 15 mean 15,
// anything below 8 means 8. A smaller window than asked is always safe for the
// side that compresses; for the side that inflates, read 8 as below.
func windowBits(b int) int {
	switch {
	case b == 0 || b > MaxWindowBits:
		return MaxWindowBits
	case b < MinWindowBits:
		return MinWindowBits
	default:
		return b
	}
}
