package server

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
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
				if err != nil || h.OpCode != wire.OpText || !h.Fin || int64(len(out)-n) != h.Length {
					t.Fatalf("message %d: echo header %+v, %v", i, h, err)
				}
				// Compressed when that is shorter, else as it is: never
				// longer than the message.
				if h.Length > int64(len(msg)) || i == 2 && h.Rsv == 0 {
					t.Fatalf("message %d (%d bytes): echo of %d bytes with RSV %b", i, len(msg), h.Length, h.Rsv)
				}
				got := out[n:]
				if h.Rsv == wire.Rsv1 {
					if got, err = inflater.Inflate(nil, got, deflate.NoLimit); err != nil {
						t.Fatalf("message %d: echo does not inflate: %v", i, err)
					}
				}
				if string(got) != msg {
					t.Fatalf("message %d: echo is %d bytes, want %d", i, len(got), len(msg))
				}
			}
		})
	}
}

// TestSessionDeflateShortEchoUncompressed checks that the echo of a
// message whose compressed form would be longer (short or random data) goes
// out uncompressed, byte for byte, and that under context takeover the
// compressed echoes after it still inflate with the client's window, which
// never saw the uncompressed ones.
func TestSessionDeflateShortEchoUncompressed(t *testing.T) {
	s, client, inflater := deflateSession(t, "permessage-deflate", SessionConfig{})
	text := strings.Repeat("compressible text ", 100)
	for i, msg := range []string{"sixteen bytes!!!", text, string(randomBytes(64)), text, string(randomBytes(100 << 10)), text} {
		op := wire.OpBinary
		out, _, err := s.Feed(clientFrame(op, true, wire.Rsv1, compressed(t, client, msg)))
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		h, n, err := wire.DecodeHeader(out)
		if err != nil || int64(len(out)-n) != h.Length {
			t.Fatalf("message %d: echo header %+v, %v", i, h, err)
		}
		got := out[n:]
		if msg != text {
			if h.Rsv != 0 || string(got) != msg {
				t.Fatalf("message %d (%d random bytes): echo of %d bytes with RSV %b, want it uncompressed", i, len(msg), len(got), h.Rsv)
			}
			continue
		}
		if h.Rsv != wire.Rsv1 || len(got) >= len(msg) {
			t.Fatalf("message %d: echo of %d bytes with RSV %b, want it compressed", i, len(got), h.Rsv)
		}
		if got, err = inflater.Inflate(nil, got, deflate.NoLimit); err != nil || string(got) != msg {
			t.Fatalf("message %d: echo inflates to %d bytes, %v", i, len(got), err)
		}
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

// bomb returns a compressed message of under 1 MiB that inflates to 1 GiB
// of zeros: 16 MiB of zeros compressed with context takeover, repeated 64
// times, each part ending on the sync-flush boundary whose 00 00 ff ff the
// next part needs back.
func bomb(t *testing.T) []byte {
	t.Helper()
	c := deflate.NewCompressor(deflate.Params{}, deflate.BestCompression)
	zeros := make([]byte, 16<<20)
	var out []byte
	var part []byte
	for i := range 64 {
		if i < 2 {
			var err error
			if part, err = c.Compress(nil, zeros); err != nil {
				t.Fatal(err)
			}
		}
		if i > 0 {
			out = append(out, 0, 0, 0xff, 0xff)
		}
		out = append(out, part...)
	}
	return out
}

// TestSessionRefusesDecompressionBomb feeds a message of at most 1 MiB on
// the wire that inflates to 1 GiB: the session fails with 1009 and the heap
// grows by less than twice the message limit.
func TestSessionRefusesDecompressionBomb(t *testing.T) {
	const limit = 16 << 20
	b := bomb(t)
	if len(b) > 1<<20 {
		t.Fatalf("bomb is %d bytes on the wire, want at most 1 MiB", len(b))
	}
	// The bomb really is 1 GiB: count what it inflates to without keeping it.
	if n := inflatedSize(t, b); n != 1<<30 {
		t.Fatalf("bomb inflates to %d bytes, want 1 GiB", n)
	}
	s, _, _ := deflateSession(t, "permessage-deflate", SessionConfig{MaxMessageSize: limit})
	frame := clientFrame(wire.OpBinary, true, wire.Rsv1, b)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, _, err := s.Feed(frame)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errInflateTooBig) || !bytes.Equal(out, serverClose(wire.CloseMessageTooBig, errInflateTooBig.Reason)) {
		t.Fatalf("err %v, out %x; want close 1009", err, out)
	}
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("bomb: %d bytes on the wire, 1 GiB inflated; allocated %.2f MiB while refusing it (limit %d MiB)", len(b), float64(grew)/(1<<20), limit>>20)
	if grew >= 2*limit {
		t.Fatalf("allocated %d bytes, want less than twice the %d-byte limit", grew, limit)
	}
}

// inflatedSize inflates b piece by piece with the standard library and
// counts the output.
func inflatedSize(t *testing.T, b []byte) int64 {
	t.Helper()
	r := flate.NewReader(io.MultiReader(bytes.NewReader(b), bytes.NewReader([]byte{0, 0, 0xff, 0xff})))
	n, err := io.Copy(io.Discard, r)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatal(err)
	}
	return n
}
