package defect

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// frame encodes a masked client frame.
func frame(opcode byte, fin bool, payload []byte) []byte {
	key := []byte{1, 2, 3, 4}
	b0 := opcode
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0, 0x80 | byte(len(payload))}
	out = append(out, key...)
	for i, c := range payload {
		out = append(out, c^key[i%4])
	}
	return out
}

const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"

// pipe accepts one connection through a listener with the defects and
// returns the client end and the server's (rewritten) end.
func pipe(t *testing.T, defects ...Defect) (client net.Conn, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	wl, err := Listen(ln, defects...)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := wl.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// readFor reads what the server side gets within d.
func readFor(c net.Conn, d time.Duration) []byte {
	var got []byte
	buf := make([]byte, 4096)
	deadline := time.Now().Add(d)
	for {
		c.SetReadDeadline(deadline)
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			return got
		}
	}
}

func TestUTF8LateHoldsTextMessage(t *testing.T) {
	client, server := pipe(t, UTF8Late)
	first := frame(1, false, []byte("\xce\xba"))
	bad := frame(0, false, []byte("\xf4\x90"))
	ping := frame(9, true, []byte("p"))
	last := frame(0, true, []byte("ok"))
	client.Write([]byte(request))
	client.Write(first)
	client.Write(bad)
	client.Write(ping)
	got := readFor(server, 100*time.Millisecond)
	if want := append([]byte(request), ping...); !bytes.Equal(got, want) {
		t.Fatalf("before the last frame the server got %q, want the request and the ping only %q", got, want)
	}
	client.Write(last)
	got = readFor(server, 100*time.Millisecond)
	if want := bytes.Join([][]byte{first, bad, last}, nil); !bytes.Equal(got, want) {
		t.Fatalf("after the last frame the server got %x, want %x", got, want)
	}
}

func TestUTF8LateCloseReleases(t *testing.T) {
	client, server := pipe(t, UTF8Late)
	first := frame(1, false, []byte("a"))
	closeFrame := frame(8, true, []byte{0x03, 0xe8})
	client.Write([]byte(request + string(first) + string(closeFrame)))
	got := readFor(server, 100*time.Millisecond)
	if want := request + string(first) + string(closeFrame); string(got) != want {
		t.Fatalf("server got %q, want %q", got, want)
	}
}

func TestBinaryIsNotHeld(t *testing.T) {
	client, server := pipe(t, UTF8Late)
	bin := frame(2, false, []byte{0xff})
	client.Write([]byte(request))
	client.Write(bin)
	if got := readFor(server, 100*time.Millisecond); string(got) != request+string(bin) {
		t.Fatalf("server got %q", got)
	}
}

func TestCloseAs1000(t *testing.T) {
	for _, tc := range []struct {
		code, want []byte
	}{
		{[]byte{0x03, 0xed}, []byte{0x03, 0xe8}},                     // 1005
		{[]byte{0x00, 0x00, 'h', 'i'}, []byte{0x03, 0xe8, 'h', 'i'}}, // 0, reason kept
		{[]byte{0x0b, 0xb8}, []byte{0x0b, 0xb8}},                     // 3000 is valid
		{[]byte{0x03, 0xea}, []byte{0x03, 0xea}},                     // 1002 is valid
	} {
		client, server := pipe(t, CloseAs1000)
		in := frame(8, true, tc.code)
		// Split the close frame to check that it is rewritten whole.
		client.Write([]byte(request))
		client.Write(in[:3])
		time.Sleep(10 * time.Millisecond)
		client.Write(in[3:])
		got := readFor(server, 100*time.Millisecond)
		if want := request + string(frame(8, true, tc.want)); string(got) != want {
			t.Errorf("close %x: server got %x, want %x", tc.code, got, want)
		}
	}
}

func TestNoDefectPassesEverything(t *testing.T) {
	client, server := pipe(t)
	msg := []byte(request + string(frame(1, false, []byte("\xf4"))) + string(frame(8, true, []byte{0, 0})))
	client.Write(msg)
	client.Close()
	got, _ := io.ReadAll(server)
	if !bytes.Equal(got, msg) {
		t.Fatalf("server got %q, want %q", got, msg)
	}
}

func TestParse(t *testing.T) {
	d, err := Parse("utf8-late, close-1000")
	if err != nil || len(d) != 2 || d[0] != UTF8Late || d[1] != CloseAs1000 {
		t.Fatalf("Parse = %v, %v", d, err)
	}
	if _, err := Parse("utf8-late,nonsense"); err == nil {
		t.Fatal("Parse accepted an unknown defect")
	}
	if _, err := Listen(nil, "nonsense"); err == nil {
		t.Fatal("Listen accepted an unknown defect")
	}
}

// The server half-closes a connection it is done with; the wrapper must
// let it, or the client waits for TCP to end.
func TestCloseWrite(t *testing.T) {
	client, server := pipe(t, UTF8Late)
	hc, ok := server.(interface{ CloseWrite() error })
	if !ok {
		t.Fatal("the wrapped connection has no CloseWrite")
	}
	if err := hc.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := client.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("client read %d, %v after CloseWrite; want EOF", n, err)
	}
}
