package props

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/deflate"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// MessageCompressor compresses the messages one side of a connection sends
// (RFC 7692 section 7.2.1: raw DEFLATE ending in a sync flush without its
// last four bytes 00 00 FF FF).
type MessageCompressor interface {
	Compress(dst, msg []byte) ([]byte, error)
}

// MessageInflater inflates the messages one side receives, refusing output
// beyond limit bytes.
type MessageInflater interface {
	Inflate(dst, compressed []byte, limit int64) ([]byte, error)
}

// DeflateCodec is a permessage-deflate implementation under test, in the
// vocabulary of package deflate: parameters are always seen from the
// server, and the client side of a connection uses p.Mirror().
type DeflateCodec struct {
	// Negotiate picks the parameters for the request's
	// Sec-WebSocket-Extensions values and returns the response value.
	Negotiate func(headerValues []string, prefs deflate.Preferences) (p deflate.Params, response string, ok bool)
	// NewCompressor returns the compressor of the side whose parameters
	// (as the server's) are p.
	NewCompressor func(p deflate.Params, level int) MessageCompressor
	// NewDecompressor returns the inflater of the side whose parameters
	// (as the server's) are p: it inflates what the peer sent under p's
	// Client* fields.
	NewDecompressor func(p deflate.Params) MessageInflater
}

// ReferenceDeflate is package deflate as a DeflateCodec.
var ReferenceDeflate = DeflateCodec{
	Negotiate:       deflate.Negotiate,
	NewCompressor:   func(p deflate.Params, level int) MessageCompressor { return deflate.NewCompressor(p, level) },
	NewDecompressor: func(p deflate.Params) MessageInflater { return deflate.NewDecompressor(p) },
}

// responseParams reads a permessage-deflate response value into its
// parameters, by name; it reports the first problem.
func responseParams(resp string) (map[string]string, error) {
	parts := strings.Split(resp, ";")
	if strings.TrimSpace(parts[0]) != "permessage-deflate" {
		return nil, fmt.Errorf("response %q does not name permessage-deflate", resp)
	}
	ps := map[string]string{}
	for _, part := range parts[1:] {
		name, value, hasValue := strings.Cut(strings.TrimSpace(part), "=")
		value = strings.Trim(value, `"`)
		if _, dup := ps[name]; dup {
			return nil, fmt.Errorf("response %q repeats %s", resp, name)
		}
		switch name {
		case ServerNoContextTakeover, ClientNoContextTakeover:
			if hasValue {
				return nil, fmt.Errorf("response %q gives %s a value", resp, name)
			}
		case ServerMaxWindowBits, ClientMaxWindowBits:
			if _, ok := windowValue(value); !ok {
				return nil, fmt.Errorf("response %q has a bad window %s=%q", resp, name, value)
			}
		default:
			return nil, fmt.Errorf("response %q has unknown parameter %q", resp, name)
		}
		ps[name] = value
	}
	return ps, nil
}

// agreedParams returns the parameters both sides are bound to after offer
// o and a response with parameters rs (RFC 7692 section 7.1): a window is
// 15 unless the response names one, and the client's window is also no
// larger than the value it offered.
func agreedParams(o DeflateOffer, rs map[string]string) deflate.Params {
	bits := func(v string, has bool) int {
		if n, ok := windowValue(v); has && ok {
			return n
		}
		return 15
	}
	_, sNCT := rs[ServerNoContextTakeover]
	_, cNCT := rs[ClientNoContextTakeover]
	sBits, hasS := rs[ServerMaxWindowBits]
	cBits, hasC := rs[ClientMaxWindowBits]
	offered, _ := o.Param(ClientMaxWindowBits)
	return deflate.Params{
		ServerNoContextTakeover: sNCT,
		ClientNoContextTakeover: cNCT,
		ServerMaxWindowBits:     bits(sBits, hasS),
		ClientMaxWindowBits:     min(bits(cBits, hasC), bits(offered.Value, offered.HasValue)),
	}
}

// DeflateNegotiation states, for offers from DeflateOffers and server
// preferences from DeflatePreferences, that a server accepts exactly the
// valid offers (DeflateOffer.Valid), and that when it accepts, its
// response follows RFC 7692 section 7.1 and agrees with the parameters it
// returns: server_no_context_takeover when the client asked or the server
// prefers it; a server window no larger than the client asked for; no
// client_max_window_bits unless the client offered it, and then no larger
// than the client's value; client_no_context_takeover when the server
// prefers it; and Params equal to what the response says (15 for an absent
// window, the client's offered window when smaller).
func DeflateNegotiation(negotiate func([]string, deflate.Preferences) (deflate.Params, string, bool)) gopter.Prop {
	return forAll(func(args Tuple) string {
		o, prefs := args[0].(DeflateOffer), args[1].(deflate.Preferences)
		p, resp, ok := negotiate([]string{o.Header()}, prefs)
		if ok != o.Valid() {
			return fmt.Sprintf("accepted=%v, want %v (response %q)", ok, o.Valid(), resp)
		}
		if !ok {
			return ""
		}
		rs, err := responseParams(resp)
		if err != nil {
			return err.Error()
		}
		_, offerSNCT := o.Param(ServerNoContextTakeover)
		_, respSNCT := rs[ServerNoContextTakeover]
		_, respCNCT := rs[ClientNoContextTakeover]
		offerSMWB, hasOfferSMWB := o.Param(ServerMaxWindowBits)
		offerCMWB, hasOfferCMWB := o.Param(ClientMaxWindowBits)
		respSMWB, hasRespSMWB := rs[ServerMaxWindowBits]
		respCMWB, hasRespCMWB := rs[ClientMaxWindowBits]
		bits := func(v string, has bool) int {
			if n, ok := windowValue(v); has && ok {
				return n
			}
			return 15
		}
		switch {
		case (offerSNCT || prefs.ServerNoContextTakeover) && !respSNCT:
			return fmt.Sprintf("response %q lacks server_no_context_takeover", resp)
		case prefs.ClientNoContextTakeover && !respCNCT:
			return fmt.Sprintf("response %q lacks the preferred client_no_context_takeover", resp)
		case hasOfferSMWB && bits(respSMWB, hasRespSMWB) > bits(offerSMWB.Value, true):
			return fmt.Sprintf("response %q: server window larger than the offered %s", resp, offerSMWB)
		case hasRespCMWB && !hasOfferCMWB:
			return fmt.Sprintf("response %q has client_max_window_bits, which the client did not offer", resp)
		case hasRespCMWB && offerCMWB.HasValue && bits(respCMWB, true) > bits(offerCMWB.Value, true):
			return fmt.Sprintf("response %q: client window larger than the offered %s", resp, offerCMWB)
		}
		if want := agreedParams(o, rs); p != want {
			return fmt.Sprintf("params %+v, but response %q says %+v", p, resp, want)
		}
		return ""
	}, DeflateOffers(), DeflatePreferences())
}

// deflateTail is the end of a sync flush, which RFC 7692 section 7.2.1
// removes from every message and section 7.2.2 puts back.
var deflateTail = []byte{0, 0, 0xFF, 0xFF}

// stdlibInflate inflates compressed messages with compress/flate, an
// implementation independent of the codec under test: one stream across
// messages under context takeover, a fresh one per message without.
func stdlibInflate(zs [][]byte, lens []int, takeover bool) ([][]byte, error) {
	read := func(r io.Reader, n int) ([]byte, error) {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	out := make([][]byte, len(zs))
	if takeover {
		var stream []byte
		for _, z := range zs {
			stream = append(append(stream, z...), deflateTail...)
		}
		r := flate.NewReader(bytes.NewReader(stream))
		for i := range zs {
			b, err := read(r, lens[i])
			if err != nil {
				return out, fmt.Errorf("message %d: %w", i, err)
			}
			out[i] = b
		}
		return out, nil
	}
	for i, z := range zs {
		b, err := read(flate.NewReader(bytes.NewReader(append(bytes.Clone(z), deflateTail...))), lens[i])
		if err != nil {
			return out, fmt.Errorf("message %d alone: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

// roundTrip sends msgs one way: compress on one side, inflate on the other
// with the codec and with compress/flate.
func roundTrip(comp MessageCompressor, dec MessageInflater, msgs [][]byte, takeover bool, dir string) string {
	// Give pooled state back: a property checks thousands of connections.
	for _, c := range []any{comp, dec} {
		if r, ok := c.(interface{ Reset() }); ok {
			defer r.Reset()
		}
	}
	zs := make([][]byte, len(msgs))
	lens := make([]int, len(msgs))
	for i, m := range msgs {
		z, err := comp.Compress(nil, m)
		if err != nil {
			return fmt.Sprintf("%s message %d: compress: %v", dir, i, err)
		}
		got, err := dec.Inflate(nil, z, int64(len(m)))
		if err != nil {
			return fmt.Sprintf("%s message %d (%d bytes, compressed %s): inflate: %v", dir, i, len(m), showBytes(z), err)
		}
		if !bytes.Equal(got, m) {
			return fmt.Sprintf("%s message %d: inflated %s, sent %s", dir, i, showBytes(got), showBytes(m))
		}
		zs[i], lens[i] = z, len(m)
	}
	ref, err := stdlibInflate(zs, lens, takeover)
	if err != nil {
		return fmt.Sprintf("%s (context takeover %v): compress/flate: %v", dir, takeover, err)
	}
	for i := range msgs {
		if !bytes.Equal(ref[i], msgs[i]) {
			return fmt.Sprintf("%s message %d: compress/flate inflated %s, sent %s", dir, i, showBytes(ref[i]), showBytes(msgs[i]))
		}
	}
	return ""
}

// DeflateRoundTrip states that for every parameter set a server negotiates
// (offers from ValidDeflateOffers, preferences from DeflatePreferences,
// which also pick the level), messages from DeflateMessages sent either
// way inflate back to themselves on the other side, message after message,
// with the codec's inflater (at a limit of exactly the message's length)
// and with compress/flate; and that without context takeover in a
// direction, every message of that direction inflates on its own.
func DeflateRoundTrip(c DeflateCodec) gopter.Prop {
	return forAll(func(args Tuple) string {
		o, prefs := args[0].(DeflateOffer), args[1].(deflate.Preferences)
		toClient, toServer := args[2].([][]byte), args[3].([][]byte)
		p, resp, ok := c.Negotiate([]string{o.Header()}, prefs)
		if !ok {
			return fmt.Sprintf("valid offer %q declined", o.Header())
		}
		if msg := roundTrip(c.NewCompressor(p, prefs.Level), c.NewDecompressor(p.Mirror()), toClient, !p.ServerNoContextTakeover, "server to client"); msg != "" {
			return fmt.Sprintf("%s under %q: %s", msg, resp, showMessages(toClient))
		}
		if msg := roundTrip(c.NewCompressor(p.Mirror(), prefs.Level), c.NewDecompressor(p), toServer, !p.ClientNoContextTakeover, "client to server"); msg != "" {
			return fmt.Sprintf("%s under %q: %s", msg, resp, showMessages(toServer))
		}
		return ""
	}, ValidDeflateOffers(), DeflatePreferences(), DeflateMessages(), DeflateMessages())
}

// CompressedEcho states that a server with permessage-deflate negotiated
// (offers from ValidDeflateOffers, preferences from DeflatePreferences)
// echoes compressed messages: a client that knows only the response
// compresses messages from DeflateMessages under the agreed parameters (at
// the preferred level), sends each with RSV1 on its first frame and its
// compressed payload cut into fragments by one Chop, feeds the stream in
// the reads of another, and inflates the server's frames, each final, back
// into the same messages in order: a frame with RSV1 inflates to the
// message, one without is the message itself (a server may send any
// message uncompressed, and should when compressing does not make it
// shorter). Messages that are valid UTF-8 go as text, the others as binary.
func CompressedEcho(newServer NewDeflateServer) gopter.Prop {
	return forAll(func(args Tuple) string {
		o, prefs, msgs := args[0].(DeflateOffer), args[1].(deflate.Preferences), args[2].([][]byte)
		frag, reads := args[3].(Chop), args[4].(Chop)
		resp, srv := newServer([]string{o.Header()}, prefs)
		if srv == nil {
			return fmt.Sprintf("valid offer %q declined", o.Header())
		}
		defer closeServer(srv)
		if fault := serverFault(srv); fault != "" {
			return fmt.Sprintf("offer %q: %s", o.Header(), fault)
		}
		rs, err := responseParams(resp)
		if err != nil {
			return err.Error()
		}
		p := agreedParams(o, rs).Mirror() // the client's side
		comp, dec := deflate.NewCompressor(p, prefs.Level), deflate.NewDecompressor(p)
		defer comp.Reset()
		var stream []byte
		key := [4]byte{0x5A, 0x0F, 0xC3, 0x99}
		for i, m := range msgs {
			z, err := comp.Compress(nil, m)
			if err != nil {
				return fmt.Sprintf("client compressor, message %d: %v", i, err)
			}
			op := wire.OpBinary
			if utf8.Valid(m) {
				op = wire.OpText
			}
			pieces := frag.Split(z)
			for j, piece := range pieces {
				f := ClientFrame(op, j == len(pieces)-1, piece, key)
				if j == 0 {
					f.Header.Rsv = wire.Rsv1
				} else {
					f.Header.OpCode = wire.OpContinuation
				}
				stream = f.AppendTo(stream)
			}
		}
		out := FeedChopped(srv, stream, reads)
		if fault := serverFault(srv); fault != "" {
			return fmt.Sprintf("under %q: %s", resp, fault)
		}
		got, err := parseServerStream(out, wire.Rsv1)
		if err != nil {
			return fmt.Sprintf("server output under %q: %v", resp, err)
		}
		if len(got) != len(msgs) {
			return fmt.Sprintf("%d frames back for %d messages under %q: %v", len(got), len(msgs), resp, got)
		}
		for i, f := range got {
			if f.Header.Rsv == 0 {
				// Sent as it is, as RFC 7692 allows any message to be.
				if !bytes.Equal(f.Payload, msgs[i]) {
					return fmt.Sprintf("uncompressed echo %d under %q is %s, sent %s", i, resp, showBytes(f.Payload), showBytes(msgs[i]))
				}
				continue
			}
			m, err := dec.Inflate(nil, f.Payload, int64(len(msgs[i])))
			if err != nil {
				return fmt.Sprintf("echo %d under %q does not inflate: %v", i, resp, err)
			}
			if !bytes.Equal(m, msgs[i]) {
				return fmt.Sprintf("echo %d under %q inflates to %s, sent %s", i, resp, showBytes(m), showBytes(msgs[i]))
			}
		}
		if srv.Done() {
			return fmt.Sprintf("server closed the connection under %q", resp)
		}
		return ""
	}, ValidDeflateOffers(), DeflatePreferences(), DeflateMessages(), Chops(), Chops())
}
