package server

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// deflateSession negotiates offer with default preferences and returns the
// session and a client-side codec for the same parameters.
func deflateSession(t *testing.T, offer string, cfg SessionConfig) (*Session, *deflate.Compressor, *deflate.Decompressor) {
	t.Helper()
	response, codec := Deflate(deflate.Preferences{})([]string{offer})
	if codec == nil {
		t.Fatalf("offer %q declined", offer)
	}
	p, _, ok := deflate.Negotiate([]string{offer}, deflate.Preferences{})
	if !ok || response == "" {
		t.Fatalf("offer %q: no parameters", offer)
	}
	cfg.Compression = codec
	return NewSession(cfg), deflate.NewCompressor(p.Mirror(), deflate.BestSpeed), deflate.NewDecompressor(p.Mirror())
}

func compressed(t *testing.T, c *deflate.Compressor, msg string) []byte {
	t.Helper()
	b, err := c.Compress(nil, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSessionDeflateEcho(t *testing.T) {
	for _, offer := range []string{
		"permessage-deflate",
		"permessage-deflate; client_no_context_takeover; server_no_context_takeover",
		"permessage-deflate; server_max_window_bits=9; client_max_window_bits",
	} {
		t.Run(offer, func(t *testing.T) {
			s, client, inflater := deflateSession(t, offer, SessionConfig{})
			for i, msg := range []string{"Hello, Hello, Hello!", "", strings.Repeat("compressible text ", 5000), "Hello, Hello, Hello!"} {
				body := compressed(t, client, msg)
				// Fragment the compressed payload: RSV1 on the first frame only.
				cut := len(body) / 2
				in := cat(clientFrame(wire.OpText, false, wire.Rsv1, body[:cut]), clientFrame(wire.OpContinuation, true, 0, body[cut:]))
				out, _, err := s.Feed(in)
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				h, n, err := wire.DecodeHeader(out)
				if err != nil || h.Rsv != wire.Rsv1 || h.OpCode != wire.OpText || !h.Fin || int64(len(out)-n) != h.Length {
					t.Fatalf("message %d: echo header %+v, %v", i, h, err)
				}
				got, err := inflater.Inflate(nil, out[n:], deflate.NoLimit)
				if err != nil || string(got) != msg {
					t.Fatalf("message %d: echo inflates to %d bytes (%v), want %d", i, len(got), err, len(msg))
				}
			}
		})
	}
}

func TestSessionDeflateFailures(t *testing.T) {
	const offer = "permessage-deflate"
	tests := []struct {
		name  string
		frame func(c *deflate.Compressor) []byte
		cfg   SessionConfig
		err   error
	}{
		{"RSV1 on continuation", func(c *deflate.Compressor) []byte {
			return cat(clientFrame(wire.OpText, false, 0, []byte("a")), clientFrame(wire.OpContinuation, true, wire.Rsv1, []byte("b")))
		}, SessionConfig{}, wire.ErrReservedBits},
		{"RSV1 on ping", func(c *deflate.Compressor) []byte {
			return clientFrame(wire.OpPing, true, wire.Rsv1, nil)
		}, SessionConfig{}, wire.ErrReservedBits},
		{"RSV2 with deflate", func(c *deflate.Compressor) []byte {
			return clientFrame(wire.OpBinary, true, wire.Rsv2, nil)
		}, SessionConfig{}, wire.ErrReservedBits},
		{"corrupt deflate data", func(c *deflate.Compressor) []byte {
			return clientFrame(wire.OpBinary, true, wire.Rsv1, []byte{0xff, 0xff, 0xff})
		}, SessionConfig{}, errInflate},
		{"inflated text not UTF-8", func(c *deflate.Compressor) []byte {
			b, _ := c.Compress(nil, []byte("ok \xed\xa0\x80"))
			return clientFrame(wire.OpText, true, wire.Rsv1, b)
		}, SessionConfig{}, wire.ErrInvalidUTF8},
		{"inflates past the limit", func(c *deflate.Compressor) []byte {
			b, _ := c.Compress(nil, bytes.Repeat([]byte{'z'}, 100<<10))
			return clientFrame(wire.OpBinary, true, wire.Rsv1, b)
		}, SessionConfig{MaxMessageSize: 64 << 10}, errInflateTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, client, _ := deflateSession(t, offer, tt.cfg)
			out, _, err := s.Feed(tt.frame(client))
			werr := tt.err.(*wire.Error)
			if !errors.Is(err, tt.err) || !bytes.Equal(out, serverClose(werr.Code, werr.Reason)) {
				t.Fatalf("err %v out %x, want close %d", err, out, werr.Code)
			}
		})
	}
}
