package fuzz

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"github.com/wsfuzz/wsfuzz/oracle"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hand-written seed corpus. TestWriteSeeds writes it to
// testdata/fuzz/<Target>/seed-<name> when WSFUZZ_WRITE_SEEDS=1:
//
//	WSFUZZ_WRITE_SEEDS=1 go test -run TestWriteSeeds ./fuzz
//
// The corpus importer adds its own entries (named by hash) to the same
// directories; this test never touches those.

// seed is one corpus entry: a name and the target's arguments in order.
type seed struct {
	name string
	args []any
}

// seedTargets lists every target's hand-written seeds.
var seedTargets = map[string]func() []seed{
	"FuzzFrame":       frameSeeds,
	"FuzzFrameStruct": frameStructSeeds,
	"FuzzMask":        maskSeeds,
	"FuzzUTF8":        utf8Seeds,
	"FuzzClose":       closeSeeds,
	"FuzzHandshake":   handshakeSeeds,
	"FuzzInflate":     inflateSeeds,
	"FuzzSession":     sessionSeeds,
}

// minSeeds is the least number of corpus entries each target must have.
const minSeeds = 20

func TestWriteSeeds(t *testing.T) {
	if os.Getenv("WSFUZZ_WRITE_SEEDS") != "1" {
		t.Skip("set WSFUZZ_WRITE_SEEDS=1 to rewrite the hand-written seeds")
	}
	for target, seeds := range seedTargets {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, s := range seeds() {
			if err := os.WriteFile(filepath.Join(dir, "seed-"+s.name), marshalSeed(s.args), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestSeedCorpus checks that the committed corpus holds every hand-written
// seed as generated (so the generator and the files cannot drift apart)
// and at least minSeeds entries per target.
func TestSeedCorpus(t *testing.T) {
	for target, seeds := range seedTargets {
		dir := filepath.Join("testdata", "fuzz", target)
		for _, s := range seeds() {
			got, err := os.ReadFile(filepath.Join(dir, "seed-"+s.name))
			if err != nil || !bytes.Equal(got, marshalSeed(s.args)) {
				t.Errorf("%s: seed %s missing or stale (err %v); rerun with WSFUZZ_WRITE_SEEDS=1", target, s.name, err)
			}
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) < minSeeds {
			t.Errorf("%s has %d corpus entries, want at least %d", target, len(entries), minSeeds)
		}
	}
}

// marshalSeed encodes arguments in the "go test fuzz v1" corpus format.
func marshalSeed(args []any) []byte {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case uint32:
			fmt.Fprintf(&b, "uint32(%d)\n", v)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		default:
			panic(fmt.Sprintf("seed argument of type %T", a))
		}
	}
	return []byte(b.String())
}

func hexBytes(s string) []byte {
	var b []byte
	for _, f := range strings.Fields(s) {
		var c byte
		fmt.Sscanf(f, "%02x", &c)
		b = append(b, c)
	}
	return b
}

// header builds a frame header by hand: b0, then a length in the given
// number of extended bytes (0, 2 or 8), then the key when masked.
func header(b0 byte, masked bool, length uint64, ext int) []byte {
	var m byte
	if masked {
		m = 0x80
	}
	var h []byte
	switch ext {
	case 0:
		h = []byte{b0, m | byte(length)}
	case 2:
		h = binary.BigEndian.AppendUint16([]byte{b0, m | 126}, uint16(length))
	default:
		h = binary.BigEndian.AppendUint64([]byte{b0, m | 127}, length)
	}
	if masked {
		h = append(h, clientKey[:]...)
	}
	return h
}

func frameSeeds() []seed {
	one := func(name string, b []byte) seed { return seed{name, []any{b}} }
	return []seed{
		// RFC 6455 section 5.7.
		one("rfc-unmasked-hello", hexBytes("81 05 48 65 6c 6c 6f")),
		one("rfc-masked-hello", hexBytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")),
		one("rfc-fragment-first", hexBytes("01 03 48 65 6c")),
		one("rfc-fragment-last", hexBytes("80 02 6c 6f")),
		one("rfc-unmasked-ping", hexBytes("89 05 48 65 6c 6c 6f")),
		one("rfc-masked-pong", hexBytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58")),
		one("rfc-256-bytes", header(0x82, false, 256, 2)),
		one("rfc-64KiB", header(0x82, false, 65536, 8)),
		// Boundary lengths, masked as a client sends them.
		one("len-0", header(0x82, true, 0, 0)),
		one("len-125", header(0x82, true, 125, 0)),
		one("len-126", header(0x82, true, 126, 2)),
		one("len-65535", header(0x82, true, 65535, 2)),
		one("len-65536", header(0x82, true, 65536, 8)),
		one("len-max", header(0x82, true, 1<<63-1, 8)),
		one("len-msb", header(0x82, true, 1<<63, 8)),
		one("len-msb-no-key", header(0x82, false, 1<<63, 8)[:10]),
		one("len-all-ones", header(0x82, true, 1<<64-1, 8)),
		one("len-125-in-16", header(0x82, true, 125, 2)),
		one("len-0-in-16", header(0x82, true, 0, 2)),
		one("len-65535-in-64", header(0x82, true, 65535, 8)),
		one("len-126-in-64", header(0x82, true, 126, 8)),
		// Header rules.
		one("opcode-3", header(0x83, true, 0, 0)),
		one("opcode-b", header(0x8b, true, 0, 0)),
		one("rsv1", header(0xc1, true, 1, 0)),
		one("rsv3-ping", header(0x99, true, 0, 0)),
		one("ping-not-fin", header(0x09, true, 0, 0)),
		one("ping-126", header(0x89, true, 126, 2)),
		one("close-not-fin-126", header(0x08, true, 126, 2)),
		one("close-rsv-126", header(0xa8, true, 200, 2)),
		one("continuation", header(0x80, true, 3, 0)),
		one("unmasked-text", header(0x81, false, 3, 0)),
		// Incomplete headers.
		one("empty", nil),
		one("one-byte", []byte{0x81}),
		one("short-16", header(0x82, true, 300, 2)[:3]),
		one("short-64", header(0x82, true, 70000, 8)[:6]),
		one("short-key", header(0x82, true, 5, 0)[:4]),
	}
}

func frameStructSeeds() []seed {
	var seeds []seed
	for i, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 48, 56, 63, 64, 65, 100, 127, 200} {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(i*37 + j*11)
		}
		seeds = append(seeds, seed{fmt.Sprintf("bytes-%d", n), []any{b}})
	}
	seeds = append(seeds,
		seed{"zeros-32", []any{make([]byte, 32)}},
		seed{"ones-32", []any{bytes.Repeat([]byte{0xff}, 32)}},
		seed{"rfc-masked-hello", []any{hexBytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")}},
	)
	return seeds
}

func maskSeeds() []seed {
	var seeds []seed
	keys := []uint32{0x37fa213d, 0, 0xffffffff, 0x01020304}
	for i, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 100, 127, 300} {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('a' + j%26)
		}
		seeds = append(seeds, seed{fmt.Sprintf("len-%d", n), []any{b, keys[i%len(keys)], uint8(i % 7)}})
	}
	seeds = append(seeds, seed{"rfc-hello", []any{[]byte("Hello"), uint32(0x37fa213d), uint8(0)}},
		seed{"offset-255", []any{bytes.Repeat([]byte{0x55}, 40), uint32(0xdeadbeef), uint8(255)}})
	return seeds
}

func utf8Seeds() []seed {
	sz := func(sizes ...int) []byte { return appendPieceSizes(nil, sizes...) }
	return []seed{
		{"ascii", []any{[]byte("Hello-µ@ßöäüàá-UTF-8!!"), sz(5)}},
		{"kosme", []any{[]byte("κόσμε"), sz(1, 1, 1)}},
		{"kosme-split-in-sequence", []any{[]byte("κόσμε"), sz(3, 4)}},
		{"four-byte", []any{[]byte("\xf0\x9f\x98\x80 ok"), sz(1, 2)}},
		{"max-scalar", []any{[]byte("\xf4\x8f\xbf\xbf"), sz(2)}},
		{"replacement-char", []any{[]byte("\xef\xbf\xbd"), sz()}},
		{"last-before-surrogates", []any{[]byte("\xed\x9f\xbf"), sz(1)}},
		{"first-after-surrogates", []any{[]byte("\xee\x80\x80"), sz(2)}},
		{"surrogate-d800", []any{[]byte("a\xed\xa0\x80b"), sz(2)}},
		{"surrogate-dfff", []any{[]byte("\xed\xbf\xbf"), sz()}},
		{"surrogate-pair", []any{[]byte("\xed\xa0\x80\xed\xb0\x80"), sz(1, 1, 1)}},
		{"overlong-slash-2", []any{[]byte("\xc0\xaf"), sz()}},
		{"overlong-slash-3", []any{[]byte("\xe0\x80\xaf"), sz(1)}},
		{"overlong-slash-4", []any{[]byte("\xf0\x80\x80\xaf"), sz(2)}},
		{"overlong-max-2", []any{[]byte("\xc1\xbf"), sz()}},
		{"above-max", []any{[]byte("\xf4\x90\x80\x80"), sz(1, 1)}},
		{"f5", []any{[]byte("ab\xf5\x80"), sz()}},
		{"ff", []any{[]byte("\xff"), sz()}},
		{"lone-continuation", []any{[]byte("a\x80b"), sz(1)}},
		{"truncated-2", []any{[]byte("\xce"), sz()}},
		{"truncated-4", []any{[]byte("\xf0\x9f\x98"), sz(1, 1)}},
		{"autobahn-6.4.1", []any{[]byte("κόσμε\xf4\x90\x80\x80edited"), sz(12, 4)}},
		{"autobahn-6.3.1", []any{[]byte("κόσμε\xed\xa0\x80edited"), sz()}},
		{"long-ascii-then-bad", []any{append(bytes.Repeat([]byte("a"), 40), 0xe2, 0x28, 0xa1), sz(17, 20)}},
		{"empty", []any{[]byte{}, sz()}},
	}
}

func closeSeeds() []seed {
	code := func(c uint16, reason string) []byte { return append(binary.BigEndian.AppendUint16(nil, c), reason...) }
	seeds := []seed{
		{"empty", []any{[]byte{}}},
		{"one-byte", []any{[]byte{0x03}}},
		{"reason-invalid-utf8", []any{code(1000, "\xce\xba\xff")}},
		{"reason-123", []any{code(1000, strings.Repeat("r", 123))}},
		{"reason-too-long-for-control", []any{code(1000, strings.Repeat("r", 124))}},
		{"reason-kosme", []any{code(4999, "κόσμε")}},
		{"reason-truncated-sequence", []any{code(1001, "\xce")}},
	}
	for _, c := range []uint16{0, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011,
		1012, 1013, 1014, 1015, 1016, 2999, 3000, 4999, 5000, 65535} {
		seeds = append(seeds, seed{fmt.Sprintf("code-%d", c), []any{code(c, "")}})
	}
	return seeds
}

// rfcRequest is the opening handshake of RFC 6455 section 1.2.
const rfcRequest = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n" +
	"Sec-WebSocket-Version: 13\r\n\r\n"

func handshakeSeeds() []seed {
	edit := func(old, new string) []byte { return []byte(strings.Replace(rfcRequest, old, new, 1)) }
	one := func(name string, b []byte) seed { return seed{name, []any{b}} }
	offer := func(name, extensions string) seed {
		return one(name, edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: "+extensions+"\r\n"))
	}
	return []seed{
		one("rfc", []byte(rfcRequest)),
		one("rfc-with-frame-after", append([]byte(rfcRequest), hexBytes("81 85 37 fa 21 3d 7f 9f 4d 51 58")...)),
		one("lowercase-tokens", edit("Upgrade: websocket\r\nConnection: Upgrade", "upgrade: WebSocket\r\nconnection: keep-alive, upgrade")),
		one("no-upgrade", edit("Upgrade: websocket\r\n", "")),
		one("upgrade-h2c", edit("Upgrade: websocket", "Upgrade: h2c")),
		one("connection-keep-alive", edit("Connection: Upgrade", "Connection: keep-alive")),
		one("version-8", edit("Version: 13", "Version: 8")),
		one("two-versions", edit("Version: 13", "Version: 13\r\nSec-WebSocket-Version: 13")),
		one("version-list", edit("Version: 13", "Version: 13, 8")),
		one("no-key", edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")),
		one("two-keys", edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")),
		one("key-15-bytes", edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j")),
		one("key-not-base64", edit("dGhlIHNhbXBsZSBub25jZQ==", "not base64 at all!!!!!==")),
		one("post", edit("GET", "POST")),
		one("http-1.0", edit("HTTP/1.1", "HTTP/1.0")),
		one("no-host", edit("Host: server.example.com\r\n", "")),
		one("body", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nContent-Length: 5\r\n")),
		one("chunked", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nTransfer-Encoding: chunked\r\n")),
		one("deflate-offer", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")),
		one("deflate-two-offers", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10, permessage-deflate\r\n")),
		one("deflate-bad-window", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=7\r\n")),
		one("deflate-two-headers", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: foo\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n")),
		one("deflate-quoted", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"12\"\r\n")),
		// Offers a server must decline, each followed by one it may
		// accept, and valid offers with values: the first acceptable one is
		// answered (RFC 7692 section 7.1).
		offer("deflate-client-window-value", "permessage-deflate; client_max_window_bits=10; server_max_window_bits=12"),
		offer("deflate-repeated-parameter", "permessage-deflate; client_max_window_bits; client_max_window_bits, permessage-deflate; client_no_context_takeover"),
		offer("deflate-flag-with-value", "permessage-deflate; server_no_context_takeover=1, permessage-deflate; server_no_context_takeover"),
		offer("deflate-window-without-value", "permessage-deflate; server_max_window_bits, permessage-deflate; server_max_window_bits=9"),
		offer("deflate-window-leading-zero", "permessage-deflate; server_max_window_bits=09, permessage-deflate"),
		offer("deflate-window-16", "permessage-deflate; client_max_window_bits=16, permessage-deflate; client_max_window_bits=15"),
		offer("deflate-unknown-parameter", "permessage-deflate; mystery, permessage-deflate"),
		offer("deflate-missing-semicolon", "permessage-deflate server_no_context_takeover, permessage-deflate"),
		offer("deflate-empty-parameter", "permessage-deflate;, permessage-deflate; client_no_context_takeover"),
		offer("deflate-no-name", "=x, ;a, permessage-deflate"),
		offer("deflate-empty-value", "permessage-deflate; client_max_window_bits=, permessage-deflate"),
		offer("deflate-quoted-escapes", `permessage-deflate; client_max_window_bits="1\1"`),
		offer("deflate-quoted-not-token", `permessage-deflate; client_max_window_bits="1 1", permessage-deflate`),
		offer("deflate-quoted-comma", `x-other; a="b,\"c", permessage-deflate; server_max_window_bits=10`),
		offer("deflate-unterminated-quote", `permessage-deflate; a="b, permessage-deflate`),
		offer("deflate-quoted-pair-at-the-end", `permessage-deflate, permessage-deflate; a="b\`),
		offer("deflate-other-extensions-only", "x-webkit-deflate-frame, foo; bar=1"),
		one("incomplete", []byte(rfcRequest[:60])),
		one("bad-request-line", []byte("GET\r\n\r\n")),
		one("absolute-uri", edit("GET /chat", "GET http://server.example.com/chat")),
		one("oversized", append([]byte("GET / HTTP/1.1\r\nX: "), bytes.Repeat([]byte("a"), 8200)...)),
		// RFC 7230 field syntax: only SP and HTAB around a value, no
		// obs-fold, no CR or LF alone, no control octets, no whitespace
		// in or after a field name.
		one("key-nbsp", edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==\u00a0")),
		one("version-nbsp", edit("Version: 13", "Version: 13\u00a0")),
		one("key-tabs", edit("Key: dGhlIHNhbXBsZSBub25jZQ==", "Key:\t dGhlIHNhbXBsZSBub25jZQ==\t ")),
		one("key-vertical-tab", edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==\v")),
		one("key-obs-fold", edit("Key: dGhlIHNhbXBsZSBub25jZQ==", "Key:\r\n dGhlIHNhbXBsZSBub25jZQ==")),
		one("upgrade-obs-fold", edit("Upgrade: websocket", "Upgrade: foo,\r\n\twebsocket")),
		one("bare-lf", edit("Upgrade: websocket\r\n", "Upgrade: websocket\n")),
		one("bare-lf-only", []byte(strings.ReplaceAll(rfcRequest, "\r\n", "\n")+"\r\n\r\n")),
		one("bare-cr", edit("Upgrade: websocket\r\n", "Upgrade: websocket\rX-Y: z\r\n")),
		one("nul-in-value", edit("Host: server.example.com", "Host: server.example.com\r\nX-Nul: a\x00b")),
		one("nul-in-key", edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==\x00")),
		one("space-before-colon", edit("Upgrade:", "Upgrade :")),
		one("space-in-name", edit("Upgrade:", "Up grade:")),
		one("line-without-colon", edit("Upgrade:", "X-No-Colon\r\nUpgrade:")),
		one("two-hosts", edit("Host: server.example.com", "Host: server.example.com\r\nHost: other.example.com")),
		one("host-with-space", edit("Host: server.example.com", "Host: server example")),
		one("key-padding-bits", edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZR==")),
		one("asterisk-target", edit("GET /chat", "GET *")),
		one("bad-percent-escape", edit("GET /chat", "GET /%zz")),
		one("percent-escapes", edit("GET /chat", "GET /chat%20room?to=%41%2f")),
		one("host-ipv6-literal", edit("Host: server.example.com", "Host: [::1]:9001")),
		one("two-spaces-in-request-line", edit("GET /chat", "GET  /chat")),
		one("leading-empty-line", []byte("\r\n"+rfcRequest)),
		one("content-length-zero", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nContent-Length: 00\r\n")),
		one("content-length-plus", edit("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nContent-Length: +0\r\n")),
	}
}

// windowText is 640 octets of text for messages that refer back into it.
var windowText = strings.Repeat("0123456789abcdef", 40)

// compressMessage compresses msg as RFC 7692 section 7.2.1 says: a sync
// flush, without its 00 00 ff ff tail.
func compressMessage(msg []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(msg)
	w.Flush()
	return bytes.TrimSuffix(b.Bytes(), syncTail)
}

func inflateSeeds() []seed {
	one := func(name string, b []byte) seed { return seed{name, []any{b}} }
	seeds := []seed{
		// RFC 7692 section 7.2.3.
		one("rfc-hello", hexBytes("f2 48 cd c9 c9 07 00")),
		one("rfc-hello-bfinal", hexBytes("f3 48 cd c9 c9 07 00")),
		one("rfc-stored-hello", hexBytes("00 05 00 fa ff 48 65 6c 6c 6f 00")),
		one("rfc-empty", []byte{0x00}),
		one("rfc-hello-fixed-no-compression", hexBytes("f2 00 11 00 01 00")),
		one("empty-input", []byte{}),
		one("only-tail-bytes", hexBytes("00 00 ff ff")),
		one("reserved-block-type", []byte{0x07}),
		one("bad-stored-length", hexBytes("00 05 00 00 00 48 65")),
		one("distance-before-start", hexBytes("63 00 02 00")),
		one("bomb-1MiB-zeros", compressMessage(make([]byte, 1<<20))),
		one("limit-exactly", compressMessage(make([]byte, inflateLimit))),
		one("limit-plus-one", compressMessage(make([]byte, inflateLimit+1))),
		one("text-kosme", compressMessage([]byte("κόσμε κόσμε κόσμε"))),
		one("sender-kept-tail", hexBytes("f2 48 cd c9 c9 07 00 00 00 ff ff")),
		// Codes of up to 15 bits, longer than any decoder's first table.
		one("dynamic-15-bit-codes", longCodesMessage()),
		// The end of block inside the tail, one or two bits before its end.
		one("end-of-block-1-bit-before-the-end", endOfBlockInTailMessage(15)),
		one("end-of-block-2-bits-before-the-end", endOfBlockInTailMessage(14)),
		one("degenerate-code-unused-bit", degenerateCodeMessage()),
		// Past the limit (4 KiB) before it ends inside a block: too big
		// and invalid, either verdict is right.
		one("too-big-then-truncated", hexBytes("ec c7 37 0d c0 30 00 00 30 2a a5 d6 ec cd ff 0c 8e 48 3e fd b7 30 42 38 31 a6 30 32 30 30 30 30 30 30 30")),
		one("long-distance", compressMessage(append(append([]byte("0123456789abcdef"), make([]byte, 30000)...), "0123456789abcdef"...))),
	}
	for _, n := range []int{1, 10, 100, 1000, 10000, 40000} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = "abcdefgh ijklmn"[i*7%15]
		}
		seeds = append(seeds, one(fmt.Sprintf("text-%d", n), compressMessage(msg)))
	}
	return seeds
}

// frag builds one masked client frame for the session seeds.
func frag(fin bool, rsv, op byte, payload string) []byte {
	return appendClientFrame(nil, fin, rsv, op, []byte(payload))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func sessionSeeds() []seed {
	sz := func(sizes ...int) []byte { return appendPieceSizes(nil, sizes...) }
	closeWith := func(code uint16, reason string) []byte {
		return frag(true, 0, oracle.OpClose, string(binary.BigEndian.AppendUint16(nil, code))+reason)
	}
	hello := compressMessage([]byte("Hello"))
	abab := compressMessage(bytes.Repeat([]byte("ab"), 100))
	one := func(name string, stream, chops []byte, ext string) seed { return seed{name, []any{stream, chops, ext}} }
	long := strings.Repeat("0123456789", 6554)
	return []seed{
		one("rfc-hello", frag(true, 0, oracle.OpText, "Hello"), nil, ""),
		one("rfc-hello-bytewise", cat(frag(true, 0, oracle.OpText, "Hello"), closeWith(1000, "")), bytes.Repeat(sz(1), 20), ""),
		one("binary-then-close", cat(frag(true, 0, oracle.OpBinary, "\x00\xff\x80"), closeWith(1001, "bye")), sz(3, 5), ""),
		one("fragmented-text", cat(frag(false, 0, oracle.OpText, "Hel"), frag(false, 0, oracle.OpContinuation, "l"), frag(true, 0, oracle.OpContinuation, "o")), sz(7, 1, 1), ""),
		one("ping-between-fragments", cat(frag(false, 0, oracle.OpText, "frag1"), frag(true, 0, oracle.OpPing, "p"), frag(true, 0, oracle.OpContinuation, "frag2")), sz(2, 9), ""),
		one("empty-fragments", cat(frag(false, 0, oracle.OpBinary, ""), frag(false, 0, oracle.OpContinuation, "x"), frag(true, 0, oracle.OpContinuation, "")), nil, ""),
		one("len-126", frag(true, 0, oracle.OpBinary, long[:126]), sz(3), ""),
		one("len-65536-truncated", frag(true, 0, oracle.OpBinary, long[:65536])[:200], sz(11, 100), ""),
		one("len-65535-truncated", frag(true, 0, oracle.OpText, long[:65535])[:100], sz(3), ""),
		one("ping-125", frag(true, 0, oracle.OpPing, long[:125]), nil, ""),
		one("pong-ignored", cat(frag(true, 0, oracle.OpPong, "x"), frag(true, 0, oracle.OpText, "y")), nil, ""),
		one("close-empty", frag(true, 0, oracle.OpClose, ""), nil, ""),
		one("close-1012", closeWith(1012, ""), nil, ""),
		one("close-1005", closeWith(1005, ""), nil, ""),
		one("close-one-byte", frag(true, 0, oracle.OpClose, "\x03"), nil, ""),
		one("close-bad-reason", closeWith(1000, "\xce\xba\xff"), nil, ""),
		one("text-after-close", cat(closeWith(3000, "done"), frag(true, 0, oracle.OpText, "late")), nil, ""),
		one("utf8-fail-fast", frag(true, 0, oracle.OpText, "κόσμε\xf4\x90\x80\x80edited"), sz(16), ""),
		one("utf8-across-fragments", cat(frag(false, 0, oracle.OpText, "\xce\xba\xe1"), frag(true, 0, oracle.OpContinuation, "\xbd\xb9")), sz(8), ""),
		one("utf8-truncated-end", cat(frag(false, 0, oracle.OpText, "a"), frag(true, 0, oracle.OpContinuation, "\xe2\x82")), nil, ""),
		one("unmasked", []byte("\x81\x02hi"), nil, ""),
		one("reserved-opcode", frag(true, 0, 0x3, ""), nil, ""),
		one("rsv1-without-extension", frag(true, 4, oracle.OpText, "x"), nil, ""),
		one("fragmented-ping", frag(false, 0, oracle.OpPing, ""), nil, ""),
		one("continuation-first", frag(true, 0, oracle.OpContinuation, "x"), nil, ""),
		one("text-inside-message", cat(frag(false, 0, oracle.OpText, "a"), frag(true, 0, oracle.OpText, "b")), nil, ""),
		one("length-msb", hexBytes("82 ff 80 00 00 00 00 00 00 01 01 02 03 04"), sz(10), ""),
		one("length-not-minimal", hexBytes("82 fe 00 05 01 02 03 04"), nil, ""),
		one("too-big-declared", header(0x82, true, 2<<20, 8), nil, ""),
		one("too-big-second-fragment", cat(frag(false, 0, oracle.OpBinary, long[:1000]), header(0x00, true, sessionMaxMessage-999, 8)), nil, ""),
		one("truncated-mid-frame", frag(true, 0, oracle.OpText, "Hello")[:8], nil, ""),
		one("deflate-rfc-hello", frag(true, 4, oracle.OpText, string(hello)), nil, "permessage-deflate"),
		one("deflate-two-messages", cat(frag(true, 4, oracle.OpText, string(hello)), frag(true, 4, oracle.OpText, string(hello)), frag(true, 0, oracle.OpText, "plain")), sz(5), "permessage-deflate; client_max_window_bits"),
		one("deflate-fragmented", cat(frag(false, 4, oracle.OpBinary, string(hello[:3])), frag(true, 0, oracle.OpContinuation, string(hello[3:]))), nil, "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
		// Two echoes compressed with server context takeover (long enough
		// to be worth compressing), read in two pieces: the compression
		// state is released between them and resumed.
		one("deflate-takeover-resumed-after-release", cat(frag(true, 4, oracle.OpText, string(abab)), frag(true, 4, oracle.OpText, string(abab))), sz(len(frag(true, 4, oracle.OpText, string(abab)))), "permessage-deflate"),
		one("deflate-empty-message", frag(true, 4, oracle.OpText, "\x00"), nil, "permessage-deflate"),
		one("deflate-text-ends-inside-a-character", frag(true, 4, oracle.OpText, string(compressMessage([]byte("a\xc3")))), nil, "permessage-deflate"),
		one("deflate-rsv1-on-ping", frag(true, 4, oracle.OpPing, "x"), nil, "permessage-deflate"),
		one("deflate-rsv1-on-continuation", cat(frag(false, 4, oracle.OpBinary, string(hello[:3])), frag(true, 4, oracle.OpContinuation, string(hello[3:]))), nil, "permessage-deflate"),
		one("deflate-corrupt", frag(true, 4, oracle.OpBinary, "\x07"), nil, "permessage-deflate"),
		one("deflate-bomb", frag(true, 4, oracle.OpBinary, string(compressMessage(make([]byte, 2*sessionMaxMessage)))), nil, "permessage-deflate"),
		one("deflate-invalid-utf8", frag(true, 4, oracle.OpText, string(compressMessage([]byte("\xed\xa0\x80")))), nil, "permessage-deflate"),
		one("deflate-window-9", frag(true, 4, oracle.OpText, string(hello)), nil, "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"),
		// The client's window: a reference 512 octets back is within 9
		// bits, 513 is not.
		one("deflate-client-window-9-distance-512", frag(true, 4, oracle.OpText, string(copyMessage(windowText, 512))), nil, "permessage-deflate; client_max_window_bits=9"),
		one("deflate-client-window-9-distance-513", frag(true, 4, oracle.OpText, string(copyMessage(windowText, 513))), nil, "permessage-deflate; client_max_window_bits=9"),
		// Context takeover: the second message refers into the first,
		// which only a connection with takeover allows.
		one("deflate-takeover", cat(frag(true, 4, oracle.OpText, string(hello)), frag(true, 4, oracle.OpText, string(hexBytes("f2 00 11 00 00")))), nil, "permessage-deflate"),
		one("deflate-no-takeover-refers-back", cat(frag(true, 4, oracle.OpText, string(hello)), frag(true, 4, oracle.OpText, string(hexBytes("f2 00 11 00 00")))), nil, "permessage-deflate; client_no_context_takeover"),
		one("deflate-declined-offer", frag(true, 4, oracle.OpText, string(hello)), nil, "permessage-deflate; bogus"),
	}
}
