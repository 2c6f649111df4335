// Micro-benchmarks of the pure primitives against peer libraries and the
// standard library. Run them with
//
//	cd scripts/bench && go test -run '^$' -bench . -count 10 | tee new.txt
//
// and compare runs with benchstat (see README.md). All report MB/s.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gobwas/ws"
	"github.com/gorilla/websocket"

	"github.com/wsfuzz/wsfuzz/server/wire"
)

var sizes = []struct {
	name string
	n    int
}{{"4KiB", 4 << 10}, {"64KiB", 64 << 10}}

var maskKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// BenchmarkMask masks a buffer in place.
//
//   - wsfuzz: wire.MaskBytes.
//   - gobwas: ws.Cipher.
//   - gorilla: gorilla/websocket does not export its mask function, so it
//     is measured through its public read API instead: the same frames
//     read with Conn.NextReader on a server-side Conn (the frames are
//     masked, and every Read unmasks with maskBytes) and on a client-side
//     Conn (the frames are not masked, nothing else differs on that path).
//     gorilla-read-masked minus gorilla-read-unmasked, in ns/op, is the
//     cost of gorilla's masking; the two alone include a memory copy from
//     an in-memory connection.
//   - copy: copy of the same size into another buffer, the memory-speed
//     limit that masking in place should approach.
func BenchmarkMask(b *testing.B) {
	for _, sz := range sizes {
		buf := randomBytes(sz.n, 1)
		b.Run(sz.name+"/wsfuzz", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			pos := 0
			for b.Loop() {
				pos = wire.MaskBytes(maskKey, pos, buf)
			}
		})
		b.Run(sz.name+"/gobwas", func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				ws.Cipher(buf, maskKey, 0)
			}
		})
		b.Run(sz.name+"/gorilla-read-masked", func(b *testing.B) {
			benchGorillaRead(b, sz.n, true)
		})
		b.Run(sz.name+"/gorilla-read-unmasked", func(b *testing.B) {
			benchGorillaRead(b, sz.n, false)
		})
		b.Run(sz.name+"/copy", func(b *testing.B) {
			dst := make([]byte, sz.n)
			b.SetBytes(int64(sz.n))
			for b.Loop() {
				copy(dst, buf)
			}
		})
	}
}

// benchGorillaRead reads n-byte binary messages through gorilla's
// NextReader, from an in-memory connection that repeats one frame forever.
// With masked set the Conn is a server's and the frame is masked;
// otherwise the Conn is a client's and the frame is not.
func benchGorillaRead(b *testing.B, n int, masked bool) {
	payload := randomBytes(n, 2)
	h := ws.Header{Fin: true, OpCode: ws.OpBinary, Length: int64(n), Masked: masked, Mask: maskKey}
	var frame bytes.Buffer
	if err := ws.WriteHeader(&frame, h); err != nil {
		b.Fatal(err)
	}
	frame.Write(payload)

	fc := &loopConn{frame: frame.Bytes()}
	var c *websocket.Conn
	if masked {
		c = gorillaServerConn(b, fc)
	} else {
		c = gorillaClientConn(b, fc)
	}
	c.SetReadLimit(1 << 30)
	dst := make([]byte, n)
	b.SetBytes(int64(n))
	for b.Loop() {
		_, r, err := c.NextReader()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(r, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func gorillaServerConn(b *testing.B, fc *loopConn) *websocket.Conn {
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	fc.framesNow = true
	c, err := (&websocket.Upgrader{}).Upgrade(&hijacker{conn: fc}, req, nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func gorillaClientConn(b *testing.B, fc *loopConn) *websocket.Conn {
	d := websocket.Dialer{
		NetDialContext: func(context.Context, string, string) (net.Conn, error) { return fc, nil },
	}
	c, _, err := d.Dial("ws://127.0.0.1/", nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// hijacker is the http.ResponseWriter of a request whose connection is
// handed over at once, as a server's is on a WebSocket upgrade.
type hijacker struct {
	conn net.Conn
	h    http.Header
}

func (w *hijacker) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *hijacker) Write(p []byte) (int, error) { return len(p), nil }
func (w *hijacker) WriteHeader(int)             {}
func (w *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.conn, bufio.NewReadWriter(bufio.NewReader(w.conn), bufio.NewWriter(w.conn)), nil
}

// loopConn is an in-memory net.Conn. As a client's connection it first
// answers the opening handshake written to it; after that (or at once,
// with framesNow) every Read returns the next bytes of frame, repeated
// forever. Writes are otherwise discarded.
type loopConn struct {
	frame     []byte
	framesNow bool

	mu      sync.Mutex
	pending []byte // handshake response not read yet
	pos     int
}

func (c *loopConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.framesNow = true
		}
		return n, nil
	}
	if !c.framesNow {
		return 0, io.EOF
	}
	n := copy(p, c.frame[c.pos:])
	c.pos = (c.pos + n) % len(c.frame)
	return n, nil
}

func (c *loopConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.framesNow || c.pending != nil {
		return len(p), nil
	}
	// A client's opening handshake: answer it as a server would.
	const keyHeader = "Sec-WebSocket-Key: "
	i := bytes.Index(p, []byte(keyHeader))
	if i < 0 {
		return 0, fmt.Errorf("no %q in the handshake request", strings.TrimSpace(keyHeader))
	}
	key := p[i+len(keyHeader):]
	key = key[:bytes.IndexByte(key, '\r')]
	sum := sha1.Sum(append(append([]byte(nil), key...), "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"...))
	c.pending = []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n")
	return len(p), nil
}

func (c *loopConn) Close() error                     { return nil }
func (c *loopConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (c *loopConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2} }
func (c *loopConn) SetDeadline(time.Time) error      { return nil }
func (c *loopConn) SetReadDeadline(time.Time) error  { return nil }
func (c *loopConn) SetWriteDeadline(time.Time) error { return nil }

// BenchmarkUTF8 validates whole text messages: the wsfuzz streaming
// validator fed the message in one piece (wsfuzz) and in 1500-byte pieces
// (wsfuzz-split1500, as TCP segments arrive), against utf8.Valid.
func BenchmarkUTF8(b *testing.B) {
	for _, kind := range textKinds {
		for _, sz := range sizes {
			text := makeText(kind.runes, sz.n)
			name := kind.name + "-" + sz.name
			b.Run(name+"/wsfuzz", func(b *testing.B) {
				var v wire.UTF8Validator
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					v.Reset()
					if !v.Write(text) || !v.Done() {
						b.Fatal("valid text rejected")
					}
				}
			})
			b.Run(name+"/wsfuzz-split1500", func(b *testing.B) {
				var v wire.UTF8Validator
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					v.Reset()
					for p := text; len(p) > 0; {
						k := min(len(p), 1500)
						if !v.Write(p[:k]) {
							b.Fatal("valid text rejected")
						}
						p = p[k:]
					}
					if !v.Done() {
						b.Fatal("valid text rejected")
					}
				}
			})
			b.Run(name+"/stdlib", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					if !utf8.Valid(text) {
						b.Fatal("valid text rejected")
					}
				}
			})
		}
	}
}

// textKinds are the alphabets of the UTF-8 benchmarks, with one space in
// about every six runes as in running text.
var textKinds = []struct {
	name  string
	runes []rune
}{
	{"ascii", []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'-")},
	// Latin-1-heavy: half the letters take two bytes.
	{"latin1", []rune("aeinorstuléèêëàâäçîïôöùûüÿæœñßøåÀÉÈÇÖÜ")},
	{"cjk", []rune("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴乎")},
	{"emoji", []rune("😀😃😄😁😆😅😂🤣🙂🙃😉😊😇🥰😍🤩😘😗😚😙😋😛😜🤪😝🤑🤗🤭🤫🤔🤐🤨😐😑😶😏😒🙄😬🤥😌😔😪🤤😴😷🤒🤕🤢🤮🤧🥵🥶🥴😵🤯🤠🥳😎🤓🧐")},
}

// makeText returns n bytes of valid UTF-8 from runes, with spaces, padded
// with spaces where the last rune does not fit.
func makeText(runes []rune, n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(len(runes))))
	p := make([]byte, 0, n+utf8.UTFMax)
	for {
		r := runes[rng.IntN(len(runes))]
		if rng.IntN(6) == 0 {
			r = ' '
		}
		if len(p)+utf8.RuneLen(r) > n {
			break
		}
		p = utf8.AppendRune(p, r)
	}
	for len(p) < n {
		p = append(p, ' ')
	}
	if !utf8.Valid(p) {
		panic("makeText: invalid UTF-8")
	}
	return p
}

func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
	return p
}
