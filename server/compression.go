package server

import "github.com/wsfuzz/wsfuzz/server/deflate"

// ErrInflatedTooLarge is what a MessageCodec's Inflate error wraps when a
// message inflates past its limit.
var ErrInflatedTooLarge = deflate.ErrTooLarge

// Deflate returns a Negotiator that accepts the first acceptable
// permessage-deflate offer (RFC 7692) with the server's preferences and
// gives the session a codec bound to the negotiated parameters.
func Deflate(prefs deflate.Preferences) Negotiator {
	return func(offers []string) (string, MessageCodec) {
		p, response, ok := deflate.Negotiate(offers, prefs)
		if !ok {
			return "", nil
		}
		return response, &deflateCodec{deflate.NewCompressor(p, prefs.Level), deflate.NewDecompressor(p)}
	}
}

// deflateCodec is one connection's permessage-deflate state in both
// directions.
type deflateCodec struct {
	out *deflate.Compressor
	in  *deflate.Decompressor
}

func (c *deflateCodec) Compress(dst, msg []byte) ([]byte, error) { return c.out.Compress(dst, msg) }

func (c *deflateCodec) Inflate(dst, compressed []byte, limit int64) ([]byte, error) {
	return c.in.Inflate(dst, compressed, limit)
}

// InflateFunc inflates a message in pieces, keeping none of it (see
// pieceInflater).
func (c *deflateCodec) InflateFunc(compressed []byte, limit int64, yield func(piece []byte) error) (int64, error) {
	return c.in.InflateFunc(compressed, limit, yield)
}

// ForgetCompression starts the next compressed message from an empty
// context (see compressionForgetter).
func (c *deflateCodec) ForgetCompression() { c.out.Reset() }

// Release gives pooled compression state back while the connection is
// quiet; the next message takes it again.
func (c *deflateCodec) Release() {
	c.out.Release()
	c.in.Release()
}
