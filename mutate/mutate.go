// Package mutate makes new fuzz inputs from old ones without coverage
// feedback, for servers that run in another process (wsfuzz fuzz against a
// URL), where go test -fuzz cannot see the server's code. Mutations know
// the input's shape (FuzzSession's stream, chops and offer) and the
// WebSocket framing: besides flipping, inserting and deleting bytes they
// rewrite frame headers (opcode, FIN, RSV, length form, mask) and splice
// frames from other inputs. Shrink makes a failing input small.
package mutate

import (
	"encoding/binary"
	"math/rand/v2"
)

// Input is one fuzz input: the client's stream after the opening
// handshake, the sizes of the writes it goes out in (unsigned varints),
// and its Sec-WebSocket-Extensions offer.
type Input struct {
	Stream, Chops []byte
	Extensions    string
}

// offers are the extension offers a mutation may switch to.
var offers = []string{"", "permessage-deflate", "permessage-deflate; client_max_window_bits",
	"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
	"permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"}

// maxStream bounds a mutated stream.
const maxStream = 64 << 10

// Mutate returns a new input made from in by one to four mutations;
// pool supplies other inputs to splice from. in is not modified.
func Mutate(r *rand.Rand, in Input, pool []Input) Input {
	out := Input{Stream: append([]byte(nil), in.Stream...), Chops: append([]byte(nil), in.Chops...), Extensions: in.Extensions}
	for n := 1 + r.IntN(4); n > 0; n-- {
		switch r.IntN(9) {
		case 0:
			if len(out.Stream) > 0 {
				out.Stream[r.IntN(len(out.Stream))] ^= 1 << r.IntN(8)
			}
		case 1:
			if len(out.Stream) > 0 {
				out.Stream[r.IntN(len(out.Stream))] = byte(r.IntN(256))
			}
		case 2:
			at := r.IntN(len(out.Stream) + 1)
			ins := make([]byte, 1+r.IntN(8))
			for i := range ins {
				ins[i] = byte(r.IntN(256))
			}
			out.Stream = append(out.Stream[:at], append(ins, out.Stream[at:]...)...)
		case 3:
			if len(out.Stream) > 1 {
				at := r.IntN(len(out.Stream))
				end := min(len(out.Stream), at+1+r.IntN(16))
				out.Stream = append(out.Stream[:at], out.Stream[end:]...)
			}
		case 4:
			rewriteHeader(r, out.Stream)
		case 5:
			if len(pool) > 0 {
				other := pool[r.IntN(len(pool))].Stream
				if len(other) > 0 {
					from := r.IntN(len(other))
					part := other[from:min(len(other), from+1+r.IntN(256))]
					at := r.IntN(len(out.Stream) + 1)
					out.Stream = append(out.Stream[:at], append(append([]byte(nil), part...), out.Stream[at:]...)...)
				}
			}
		case 6:
			out.Chops = nil
			for k := r.IntN(6); k > 0; k-- {
				out.Chops = binary.AppendUvarint(out.Chops, uint64(r.IntN(1+len(out.Stream))))
			}
		case 7:
			out.Extensions = offers[r.IntN(len(offers))]
		case 8:
			if len(out.Stream) > 0 {
				// Repeat a slice: long payloads and many frames.
				at := r.IntN(len(out.Stream))
				part := out.Stream[at:min(len(out.Stream), at+1+r.IntN(64))]
				out.Stream = append(out.Stream, bytesRepeat(part, 1+r.IntN(8))...)
			}
		}
	}
	if len(out.Stream) > maxStream {
		out.Stream = out.Stream[:maxStream]
	}
	return out
}

func bytesRepeat(p []byte, n int) []byte {
	out := make([]byte, 0, len(p)*n)
	for ; n > 0; n-- {
		out = append(out, p...)
	}
	return out
}

// rewriteHeader changes one field of the frame header at the start of
// stream or of a frame found by walking it: opcode, FIN, an RSV bit, the
// mask bit, or the length's form.
func rewriteHeader(r *rand.Rand, stream []byte) {
	starts := frameStarts(stream)
	if len(starts) == 0 {
		return
	}
	at := starts[r.IntN(len(starts))]
	switch r.IntN(5) {
	case 0:
		stream[at] = stream[at]&0xF0 | byte(r.IntN(16))
	case 1:
		stream[at] ^= 0x80
	case 2:
		stream[at] ^= 0x10 << r.IntN(3)
	case 3:
		stream[at+1] ^= 0x80
	case 4:
		stream[at+1] = stream[at+1]&0x80 | []byte{0, 125, 126, 127}[r.IntN(4)]
	}
}

// frameStarts lists where the whole-header frames of stream start.
func frameStarts(stream []byte) []int {
	var starts []int
	for off := 0; len(stream)-off >= 2 && len(starts) < 64; {
		starts = append(starts, off)
		n, length := off+2, uint64(stream[off+1]&0x7F)
		switch length {
		case 126:
			if len(stream) < n+2 {
				return starts
			}
			length, n = uint64(binary.BigEndian.Uint16(stream[n:])), n+2
		case 127:
			if len(stream) < n+8 {
				return starts
			}
			length, n = binary.BigEndian.Uint64(stream[n:]), n+8
		}
		if stream[off+1]&0x80 != 0 {
			n += 4
		}
		if length > uint64(len(stream)) {
			return starts
		}
		off = n + int(length)
	}
	return starts
}

// Shrink makes in smaller while fails still holds of it: it drops the
// chops and the offer, then cuts ever smaller runs of bytes from the
// stream, within a budget of tries.
func Shrink(in Input, fails func(Input) bool, tries int) Input {
	try := func(c Input) bool {
		if tries <= 0 {
			return false
		}
		tries--
		return fails(c)
	}
	if len(in.Chops) > 0 {
		if c := (Input{Stream: in.Stream, Extensions: in.Extensions}); try(c) {
			in = c
		}
	}
	if in.Extensions != "" {
		if c := (Input{Stream: in.Stream, Chops: in.Chops}); try(c) {
			in = c
		}
	}
	for size := len(in.Stream) / 2; size >= 1 && tries > 0; size /= 2 {
		for at := 0; at+size <= len(in.Stream) && tries > 0; {
			c := Input{Stream: append(append([]byte(nil), in.Stream[:at]...), in.Stream[at+size:]...), Chops: in.Chops, Extensions: in.Extensions}
			if try(c) {
				in = c
			} else {
				at += size
			}
		}
	}
	return in
}
