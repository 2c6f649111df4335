package fuzz

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gobwas/ws"

	"github.com/wsfuzz/wsfuzz/oracle"
	"github.com/wsfuzz/wsfuzz/target"
)

// defects are the ways echoServer can be broken on purpose.
type defects struct {
	noUTF8       bool // echo text without checking its UTF-8
	close1000    bool // answer every close frame with 1000
	badPong      bool // answer a ping with a pong of another payload
	panicOnClose bool // panic on a close frame
	hangOnPing   bool // stop reacting on a ping between fragments
	allocLength  bool // allocate a frame's declared length up front
}

// echoServer is a plain echo server written with gobwas/ws's low-level
// API, the way a library user writes one, with defects switched on.
type echoServer struct {
	d       defects
	release chan struct{} // closed when the test ends: a hung handler returns
}

func (s *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, rw, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		return
	}
	defer conn.Close()
	br := rw.Reader
	closeWith := func(code ws.StatusCode) {
		ws.WriteFrame(conn, ws.NewCloseFrame(ws.NewCloseFrameBody(code, "")))
	}
	var msg []byte
	var msgOp ws.OpCode
	for {
		h, err := ws.ReadHeader(br)
		if err != nil {
			return
		}
		state := ws.StateServerSide
		if msgOp != 0 {
			state |= ws.StateFragmented
		}
		if ws.CheckHeader(h, state) != nil {
			closeWith(ws.StatusProtocolError)
			return
		}
		if h.Length > oracle.DefaultMaxMessageSize {
			closeWith(ws.StatusMessageTooBig)
			return
		}
		var payload []byte
		if s.d.allocLength {
			payload = make([]byte, h.Length)
			if _, err := io.ReadFull(br, payload); err != nil {
				return
			}
		} else if payload, err = io.ReadAll(io.LimitReader(br, h.Length)); err != nil || int64(len(payload)) < h.Length {
			return
		}
		ws.Cipher(payload, h.Mask, 0)
		switch h.OpCode {
		case ws.OpPing:
			if s.d.hangOnPing && msgOp != 0 {
				<-s.release
				return
			}
			if s.d.badPong {
				payload = append(payload, '!')
			}
			ws.WriteFrame(conn, ws.NewPongFrame(payload))
		case ws.OpPong:
		case ws.OpClose:
			if s.d.panicOnClose {
				panic("close frame")
			}
			code, _ := ws.ParseCloseFrameData(payload)
			switch {
			case s.d.close1000:
				closeWith(ws.StatusNormalClosure)
			case len(payload) == 0:
				closeWith(ws.StatusNormalClosure)
			case len(payload) == 1 || ws.CheckCloseFrameData(code, string(payload[2:])) != nil:
				closeWith(ws.StatusProtocolError)
			default:
				closeWith(code)
			}
			return
		default:
			if h.OpCode != ws.OpContinuation {
				msgOp, msg = h.OpCode, nil
			}
			msg = append(msg, payload...)
			if !h.Fin {
				continue
			}
			if msgOp == ws.OpText && !s.d.noUTF8 && !utf8.Valid(msg) {
				closeWith(ws.StatusInvalidFramePayloadData)
				return
			}
			ws.WriteFrame(conn, ws.NewFrame(msgOp, true, msg))
			msgOp, msg = 0, nil
		}
	}
}

// clientFrame is a masked client frame.
func clientFrame(op ws.OpCode, fin bool, payload []byte) []byte {
	f := ws.NewFrame(op, fin, append([]byte(nil), payload...))
	f = ws.MaskFrameInPlace(f)
	var b []byte
	w := bufio.NewWriter(writerFunc(func(p []byte) (int, error) { b = append(b, p...); return len(p), nil }))
	ws.WriteFrame(w, f)
	w.Flush()
	return b
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func closePayload(code uint16) []byte { return binary.BigEndian.AppendUint16(nil, code) }

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// TestVerdictsOnBrokenServers shows every verdict path: each defect is
// caught on an input that exercises it, with the verdict it deserves, and
// the same server without the defect passes the same input.
func TestVerdictsOnBrokenServers(t *testing.T) {
	bigHeader := []byte{0x82, 0xFF, 0, 0, 0, 0, 0, 0x40, 0, 0, 1, 2, 3, 4, 5, 6} // declares 4 MiB, sends 2 bytes
	tests := []struct {
		name   string
		d      defects
		stream []byte
		want   string
	}{
		{"no UTF-8 check", defects{noUTF8: true}, concat(clientFrame(ws.OpText, true, []byte{0xce, 0xba, 0xff}), clientFrame(ws.OpClose, true, closePayload(1000))), oracle.Failed},
		{"close always 1000", defects{close1000: true}, clientFrame(ws.OpClose, true, closePayload(999)), oracle.Failed},
		{"pong with a wrong payload", defects{badPong: true}, concat(clientFrame(ws.OpPing, true, []byte("ping")), clientFrame(ws.OpClose, true, nil)), oracle.Failed},
		{"panic on close", defects{panicOnClose: true}, clientFrame(ws.OpClose, true, closePayload(1000)), oracle.Panicked},
		{"hang on a ping between fragments", defects{hangOnPing: true}, concat(clientFrame(ws.OpText, false, []byte("a")), clientFrame(ws.OpPing, true, nil), clientFrame(ws.OpContinuation, true, []byte("b"))), oracle.Hung},
		{"allocation of the declared length", defects{allocLength: true}, bigHeader, oracle.Memory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, broken := range []bool{true, false} {
				release := make(chan struct{})
				s := &echoServer{release: release}
				if broken {
					s.d = tt.d
				}
				_, v, err := RunInput(context.Background(), target.Handler(s), oracle.Options{}, 300*time.Millisecond, 0, tt.stream, nil, "")
				close(release)
				if err != nil {
					t.Fatal(err)
				}
				if broken && v.Kind != tt.want {
					t.Errorf("broken server: verdict %s, want %s", v, tt.want)
				}
				if !broken && !v.Pass(false) {
					t.Errorf("the same server without the defect: %s", v)
				}
			}
		})
	}
}
