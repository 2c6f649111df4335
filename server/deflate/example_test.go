package deflate_test

import (
	"fmt"
	"strings"

	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// A server negotiates permessage-deflate during the handshake, then
// compresses what it sends and inflates what it receives. The client side is
// played here by the same types with the parameters mirrored.
func Example() {
	// The handshake: the client's Sec-WebSocket-Extensions values.
	offers := []string{"permessage-deflate; client_max_window_bits; server_max_window_bits=10"}
	p, response, ok := deflate.Negotiate(offers, deflate.Preferences{})
	if !ok {
		fmt.Println("no compression")
		return
	}
	fmt.Println("Sec-WebSocket-Extensions:", response)

	// One Compressor and one Decompressor per connection.
	serverOut := deflate.NewCompressor(p, deflate.DefaultLevel)
	serverIn := deflate.NewDecompressor(p)
	clientOut := deflate.NewCompressor(p.Mirror(), deflate.DefaultLevel)
	clientIn := deflate.NewDecompressor(p.Mirror())

	// The client sends a message: the frame payload is z, with RSV1 set.
	z, _ := clientOut.Compress(nil, []byte(strings.Repeat("Hello! ", 30)))
	msg, err := serverIn.Inflate(nil, z, 1<<20) // at most 1 MiB inflated
	fmt.Printf("server got %d octets (%v) from %d\n", len(msg), err, len(z))

	// The server echoes it.
	z, _ = serverOut.Compress(nil, msg)
	echo, err := clientIn.Inflate(nil, z, 1<<20)
	fmt.Printf("client got %q... (%v)\n", echo[:14], err)

	// Between bursts, a server can make an idle connection cheap.
	serverOut.Release()
	serverIn.Release()
	// Output:
	// Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10
	// server got 210 octets (<nil>) from 11
	// client got "Hello! Hello! "... (<nil>)
}

func ExampleNegotiate() {
	p, response, ok := deflate.Negotiate([]string{
		"permessage-deflate; server_max_window_bits=16", // declined: no such window
		"permessage-deflate; server_no_context_takeover; client_max_window_bits",
	}, deflate.Preferences{ClientMaxWindowBits: 12})
	fmt.Println(ok, response)
	fmt.Printf("%+v\n", p)
	// Output:
	// true permessage-deflate; server_no_context_takeover; client_max_window_bits=12
	// {ServerNoContextTakeover:true ClientNoContextTakeover:false ServerMaxWindowBits:15 ClientMaxWindowBits:12}
}
