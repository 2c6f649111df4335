package wire

// Opcode is the 4-bit frame type of RFC 6455 section 5.2.
type Opcode byte

// The opcodes RFC 6455 defines. 0x3-0x7 and 0xB-0xF are reserved.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// IsControl reports whether op is a control opcode (high bit set).
func (op Opcode) IsControl() bool { return op&0x8 != 0 }

// IsReserved reports whether op is one of the opcodes RFC 6455 reserves.
func (op Opcode) IsReserved() bool {
	switch op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return false
	}
	return true
}

func (op Opcode) String() string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "reserved(0x" + string("0123456789abcdef"[op&0xF]) + ")"
}
