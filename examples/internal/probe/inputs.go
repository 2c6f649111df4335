package probe

// Input is one fuzz input, as fuzz.Server takes it, with a name that
// says what it shows.
type Input struct {
	Name   string
	Stream []byte
	// Chops are the piece sizes (see Chops); nil sends the stream whole.
	Chops []byte
	Offer string
}

// The inputs the example tests share. Each ends with the client's close
// where the server is expected to keep the connection open until then.
var (
	// TextEcho is a text message, then the client's close.
	TextEcho = Input{Name: "text message echoed", Stream: Join(Frame(OpText, true, []byte("hello")), Close(1000))}

	// PingBetweenFragments is a ping between the two fragments of a text
	// message: the pong comes first, then the whole message.
	PingBetweenFragments = Input{Name: "ping between fragments", Stream: Join(
		Frame(OpText, false, []byte("a")), Frame(OpPing, true, []byte("p")),
		Frame(OpContinuation, true, []byte("b")), Close(1000))}

	// InvalidUTF8 is a text message whose last byte is not UTF-8, then
	// the client's close, in one piece.
	InvalidUTF8 = Input{Name: "invalid UTF-8 in a text message", Stream: Join(Frame(OpText, true, []byte("\xce\xba\xff")), Close(1000))}

	// InvalidUTF8FirstFragment has the bad byte in the first fragment of
	// a text message, in a piece of its own: a server that checks UTF-8
	// as the bytes arrive fails the connection before the second piece,
	// one that checks at the message end only after it.
	InvalidUTF8FirstFragment = Input{Name: "invalid UTF-8 in the first fragment",
		Stream: Join(firstFragment, Frame(OpContinuation, true, []byte("b")), Close(1000)),
		Chops:  Chops(len(firstFragment))}

	// CloseReasonInvalidUTF8 is a close frame (1000) whose reason is not
	// UTF-8 (Autobahn's 7.5.1: a close with 1002 or 1007 is due).
	CloseReasonInvalidUTF8 = Input{Name: "close reason not UTF-8", Stream: Frame(OpClose, true, []byte{0x03, 0xE8, 0xFF})}

	// Close1012 is a close frame with code 1012 (Service Restart), a code
	// registered with IANA after RFC 6455: the server echoes it or says
	// 1000.
	Close1012 = Input{Name: "close code 1012", Stream: Close(1012)}

	// Close5000 is a close frame with code 5000, which no endpoint may
	// send (RFC 6455 section 7.4): a close with 1002 is due.
	Close5000 = Input{Name: "close code 5000", Stream: Close(5000)}

	// LengthHighBit is a binary frame whose 64-bit length has its most
	// significant bit set, which RFC 6455 section 5.2 forbids; no payload
	// follows.
	LengthHighBit = Input{Name: "64-bit length with the high bit set",
		Stream: []byte{0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x37, 0xFA, 0x21, 0x3D}}

	// DeflateOffer is a text message on a connection that offers
	// permessage-deflate without parameters.
	DeflateOffer = Input{Name: "permessage-deflate offered without parameters",
		Stream: TextEcho.Stream, Offer: "permessage-deflate"}
)

var firstFragment = Frame(OpText, false, []byte("a\xff"))

// Message is a binary message of n zero bytes, then, in a piece of its
// own, the client's close.
func Message(name string, n int) Input {
	msg := Frame(OpBinary, true, make([]byte, n))
	return Input{Name: name, Stream: Join(msg, Close(1000)), Chops: Chops(len(msg))}
}
