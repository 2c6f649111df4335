package props_test

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/wsfuzz/wsfuzz/props"
	"github.com/wsfuzz/wsfuzz/server/wire"
)

// myHeader and its codec stand for a frame codec of your own, with its own
// types: the generators produce wire.Header values, which a few lines
// convert.
type myHeader struct {
	fin, masked bool
	rsv, opcode byte
	key         [4]byte
	length      uint64
}

func myEncode(h myHeader) []byte {
	b := []byte{h.rsv<<4 | h.opcode, 0}
	if h.fin {
		b[0] |= 0x80
	}
	switch {
	case h.length < 126:
		b[1] = byte(h.length)
	case h.length <= 0xFFFF:
		b[1] = 126
		b = binary.BigEndian.AppendUint16(b, uint16(h.length))
	default:
		b[1] = 127
		b = binary.BigEndian.AppendUint64(b, h.length)
	}
	if h.masked {
		b[1] |= 0x80
		b = append(b, h.key[:]...)
	}
	return b
}

var errShort = errors.New("short header")

func myDecode(b []byte) (h myHeader, n int, err error) {
	if len(b) < 2 {
		return h, 0, errShort
	}
	h.fin, h.rsv, h.opcode = b[0]&0x80 != 0, b[0]>>4&7, b[0]&0xF
	h.masked, n = b[1]&0x80 != 0, 2
	switch l := b[1] & 0x7F; l {
	case 126:
		if len(b) < 4 {
			return h, 0, errShort
		}
		h.length, n = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return h, 0, errShort
		}
		h.length, n = binary.BigEndian.Uint64(b[2:]), 10
	default:
		h.length = uint64(l)
	}
	if h.masked {
		if len(b) < n+4 {
			return h, 0, errShort
		}
		copy(h.key[:], b[n:])
		n += 4
	}
	return h, n, nil
}

// This example checks a frame codec of your own with the round-trip
// property of this package: adapt its functions to wire.Header, and the
// generator covers every opcode, RSV combination and masking with lengths
// at the encoding boundaries. In a test, props.Check(t, p) runs it with
// PROPS_N cases and prints the command that reruns a failure.
func Example() {
	codec := props.FrameCodec{
		Encode: func(dst []byte, h wire.Header) []byte {
			return append(dst, myEncode(myHeader{h.Fin, h.Masked, h.Rsv, byte(h.OpCode), h.Mask, uint64(h.Length)})...)
		},
		Decode: func(b []byte) (wire.Header, int, error) {
			m, n, err := myDecode(b)
			return wire.Header{Fin: m.fin, Rsv: m.rsv, OpCode: wire.Opcode(m.opcode), Masked: m.masked, Mask: m.key, Length: int64(m.length)}, n, err
		},
	}
	res := props.FrameRoundTrip(codec).Check(gopter.DefaultTestParametersWithSeed(1))
	fmt.Println("round trip:", res.Status)

	// The decoder above accepts lengths in a longer form than they need;
	// the idempotence property finds it and shrinks the input to 4 bytes.
	res = props.DecodeEncodeIdempotent(codec).Check(gopter.DefaultTestParametersWithSeed(1))
	fmt.Printf("idempotence: %v on % X\n", res.Status, res.Args[0].Arg)
	// Output:
	// round trip: PASSED
	// idempotence: FAILED on 00 7E 00 00
}

// This example writes a property of its own from the generators: any
// text is valid for unicode/utf8 exactly when the package's reference
// finds no bad byte in it.
func Example_ownProperty() {
	p := prop.ForAll(func(c props.UTF8Case) bool {
		return (props.ReferenceFirstInvalid(c.Bytes()) < 0) == c.Valid()
	}, props.UTF8Text(200))
	fmt.Println(p.Check(gopter.DefaultTestParametersWithSeed(1)).Status)
	// Output: PASSED
}
