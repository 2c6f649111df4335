package main

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gobwas/ws"
	"github.com/gorilla/websocket"
	"github.com/klauspost/compress/flate"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/result"
)

func TestMakeMessages(t *testing.T) {
	for _, size := range []int{0, 1, 2, 3, 16, 1000, 1024, 4097, 65536} {
		for _, text := range []bool{false, true} {
			for _, deflate := range []bool{false, true} {
				msgs, err := makeMessages(size, text, deflate)
				if err != nil {
					t.Fatal(err)
				}
				for i, m := range msgs {
					if len(m.payload) != size {
						t.Fatalf("size %d: variant %d has %d bytes", size, i, len(m.payload))
					}
					if text && !utf8.Valid(m.payload) {
						t.Fatalf("size %d: variant %d is not UTF-8", size, i)
					}
					if deflate {
						// The frame body unmasked and inflated is the payload.
						h, err := ws.ReadHeader(bytes.NewReader(m.frame))
						if err != nil {
							t.Fatal(err)
						}
						body := append([]byte(nil), m.frame[len(m.frame)-int(h.Length):]...)
						for j := range body {
							body[j] ^= h.Mask[j&3]
						}
						r := flate.NewReader(io.MultiReader(bytes.NewReader(body), bytes.NewReader([]byte{0, 0, 0xff, 0xff})))
						got := make([]byte, size)
						if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, m.payload) {
							t.Fatalf("size %d text %v: compressed frame does not inflate to the payload (%v)", size, text, err)
						}
					}
				}
				if size >= 16 && bytes.Equal(msgs[0].payload, msgs[1].payload) {
					t.Fatalf("size %d: variants are not distinct", size)
				}
			}
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"16": 16, "1KiB": 1024, "64k": 65536, "1MiB": 1 << 20, "1m": 1 << 20, "2KB": 2048} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "65MiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:80", "127.1.2.3:9", "[::1]:80"} {
		if err := loopback.Check(ok); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"localhost:80", "10.0.0.1:80", "192.168.1.1:80", "8.8.8.8:53", "0.0.0.0:80", "example.com:80"} {
		if err := loopback.Check(bad); err == nil {
			t.Errorf("Check(%q) accepted", bad)
		}
	}
}

// echoServer serves a gorilla echo on 127.0.0.1; with corrupt it flips
// one byte of every fifth message.
func echoServer(t *testing.T, compress, corrupt bool) string {
	ln, err := loopback.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := websocket.Upgrader{EnableCompression: compress}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(16 << 20)
		for i := 0; ; i++ {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if corrupt && i%5 == 4 && len(p) > 0 {
				p[len(p)/2] ^= 1
			}
			if c.WriteMessage(mt, p) != nil {
				return
			}
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "ws://" + ln.Addr().String() + "/"
}

func TestRunCountsEchoes(t *testing.T) {
	for _, tc := range []struct {
		name           string
		compress, text bool
		size           int
	}{
		{"binary", false, false, 1000},
		{"text-deflate", true, true, 4000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := echoServer(t, tc.compress, false)
			res := result.Result{Conns: 3, Size: tc.size, Compress: tc.compress}
			run(&res, url, tc.size, tc.text, tc.compress, 2*time.Second, 0, 60, 5*time.Second, 5*time.Second, 0)
			if !res.OK() || res.Messages != 60 {
				t.Fatalf("got %+v, want 60 correct messages", res)
			}
		})
	}
}

func TestRunCatchesBadEchoes(t *testing.T) {
	url := echoServer(t, false, true)
	res := result.Result{Conns: 1, Size: 100}
	run(&res, url, 100, false, false, 2*time.Second, 0, 40, 5*time.Second, 5*time.Second, 0)
	if res.OK() || res.Mismatches != 8 {
		t.Fatalf("got %+v, want 8 mismatches out of 40", res)
	}
}

func TestRunRequiresDeflate(t *testing.T) {
	url := echoServer(t, false, false)
	res := result.Result{Conns: 1, Size: 100, Compress: true}
	run(&res, url, 100, true, true, time.Second, 0, 10, 5*time.Second, 5*time.Second, 0)
	if res.OK() || res.Error == "" {
		t.Fatalf("got %+v, want a failure: the server declined permessage-deflate", res)
	}
}
