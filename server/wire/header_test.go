package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestDecodeHeader(t *testing.T) {
	mask := []byte{1, 2, 3, 4}
	tests := []struct {
		name string
		in   []byte
		want Header
		n    int
		err  error
	}{
		{"RFC 6455 5.7 unmasked Hello", []byte{0x81, 0x05, 'H'}, Header{Fin: true, OpCode: OpText, Length: 5}, 2, nil},
		{"RFC 6455 5.7 masked Hello", []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}, Header{Fin: true, OpCode: OpText, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}, Length: 5}, 6, nil},
		{"RFC 6455 5.7 fragment", []byte{0x01, 0x03}, Header{OpCode: OpText, Length: 3}, 2, nil},
		{"RFC 6455 5.7 256-byte binary", []byte{0x82, 0x7E, 0x01, 0x00}, Header{Fin: true, OpCode: OpBinary, Length: 256}, 4, nil},
		{"RFC 6455 5.7 64KiB binary", []byte{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}, Header{Fin: true, OpCode: OpBinary, Length: 65536}, 10, nil},
		{"length 125", []byte{0x82, 125}, Header{Fin: true, OpCode: OpBinary, Length: 125}, 2, nil},
		{"length 126", []byte{0x82, 126, 0, 126}, Header{Fin: true, OpCode: OpBinary, Length: 126}, 4, nil},
		{"length 65535", []byte{0x82, 126, 0xff, 0xff}, Header{Fin: true, OpCode: OpBinary, Length: 65535}, 4, nil},
		{"length 2^63-1", []byte{0x82, 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Header{Fin: true, OpCode: OpBinary, Length: 1<<63 - 1}, 10, nil},
		{"all RSV bits and reserved opcode decode", append([]byte{0x7B, 0x80}, mask...), Header{Rsv: 7, OpCode: 0xB, Masked: true, Mask: [4]byte{1, 2, 3, 4}}, 6, nil},
		{"empty", nil, Header{}, 0, ErrIncomplete},
		{"one byte", []byte{0x81}, Header{}, 0, ErrIncomplete},
		{"short 16-bit length", []byte{0x82, 126, 1}, Header{}, 0, ErrIncomplete},
		{"short 64-bit length", []byte{0x82, 127, 0, 0, 0, 0, 0, 0, 1}, Header{}, 0, ErrIncomplete},
		{"short mask", []byte{0x82, 0x81, 1, 2, 3}, Header{}, 0, ErrIncomplete},
		{"64-bit length with top bit", []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, Header{}, 0, ErrLengthMSB},
		{"64-bit length all ones", []byte{0x82, 127, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Header{}, 0, ErrLengthMSB},
		{"16-bit form for 125", []byte{0x82, 126, 0, 125}, Header{}, 0, ErrLengthNotMinimal},
		{"64-bit form for 65535", []byte{0x82, 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, Header{}, 0, ErrLengthNotMinimal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := DecodeHeader(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if h != tt.want || n != tt.n {
				t.Fatalf("got %+v (%d bytes), want %+v (%d bytes)", h, n, tt.want, tt.n)
			}
			if enc := AppendHeader(nil, h); !bytes.Equal(enc, tt.in[:n]) || HeaderLen(h) != n {
				t.Fatalf("re-encoded %x (HeaderLen %d), want %x", enc, HeaderLen(h), tt.in[:n])
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	masked := func(h Header) Header { h.Masked = true; return h }
	tests := []struct {
		name  string
		h     Header
		from  Side
		allow byte
		err   error
	}{
		{"masked text from client", masked(Header{Fin: true, OpCode: OpText}), FromClient, 0, nil},
		{"unmasked text from server", Header{Fin: true, OpCode: OpText}, FromServer, 0, nil},
		{"unmasked from client", Header{Fin: true, OpCode: OpText}, FromClient, 0, ErrUnmasked},
		{"masked from server", masked(Header{Fin: true, OpCode: OpText}), FromServer, 0, ErrMasked},
		{"reserved opcode 3", masked(Header{Fin: true, OpCode: 3}), FromClient, 0, ErrReservedOpcode},
		{"reserved opcode 0xF", masked(Header{Fin: true, OpCode: 0xF}), FromClient, 0, ErrReservedOpcode},
		{"RSV1 not negotiated", masked(Header{Fin: true, Rsv: Rsv1, OpCode: OpText}), FromClient, 0, ErrReservedBits},
		{"RSV1 negotiated", masked(Header{Fin: true, Rsv: Rsv1, OpCode: OpText}), FromClient, Rsv1, nil},
		{"RSV2 with only RSV1 negotiated", masked(Header{Fin: true, Rsv: Rsv2, OpCode: OpText}), FromClient, Rsv1, ErrReservedBits},
		{"fragmented ping", masked(Header{OpCode: OpPing}), FromClient, 0, ErrControlFragmented},
		{"ping of 125", masked(Header{Fin: true, OpCode: OpPing, Length: 125}), FromClient, 0, nil},
		{"ping of 126", masked(Header{Fin: true, OpCode: OpPing, Length: 126}), FromClient, 0, ErrControlTooLong},
		{"close of 126", masked(Header{Fin: true, OpCode: OpClose, Length: 126}), FromClient, 0, ErrControlTooLong},
		{"continuation not final", masked(Header{OpCode: OpContinuation, Length: 1 << 40}), FromClient, 0, nil},
	}
	for _, tt := range tests {
		if err := CheckHeader(tt.h, tt.from, tt.allow); !errors.Is(err, tt.err) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.err)
		}
	}
}

func TestErrorsCarryCloseCodes(t *testing.T) {
	for err, code := range map[*Error]CloseCode{
		ErrLengthMSB: 1002, ErrReservedOpcode: 1002, ErrReservedBits: 1002, ErrControlFragmented: 1002,
		ErrControlTooLong: 1002, ErrUnmasked: 1002, ErrCloseLength: 1002, ErrCloseCode: 1002,
		ErrCloseReasonUTF8: 1007, ErrInvalidUTF8: 1007, ErrMessageTooBig: 1009, ErrFrameTooBig: 1009,
	} {
		if err.Code != code {
			t.Errorf("%q has code %d, want %d", err.Reason, err.Code, code)
		}
	}
}
