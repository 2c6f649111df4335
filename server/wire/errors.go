package wire

import "errors"

// Error is a violation of the protocol found in a peer's stream. Code is the
// status code with which a strict endpoint fails the connection.
type Error struct {
	Code   CloseCode
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// ErrIncomplete reports that more bytes are needed before a header can be
// decoded. It is not a protocol error: feed more input and try again.
var ErrIncomplete = errors.New("wire: incomplete frame header")

// Protocol errors of the frame header (close code 1002).
var (
	ErrLengthMSB            = &Error{CloseProtocolError, "64-bit payload length has its most significant bit set"}
	ErrLengthNotMinimal     = &Error{CloseProtocolError, "payload length is not in its minimal encoding"}
	ErrReservedOpcode       = &Error{CloseProtocolError, "reserved opcode"}
	ErrReservedBits         = &Error{CloseProtocolError, "reserved bits set without a negotiated extension"}
	ErrControlFragmented    = &Error{CloseProtocolError, "fragmented control frame"}
	ErrControlTooLong       = &Error{CloseProtocolError, "control frame payload longer than 125 bytes"}
	ErrUnmasked             = &Error{CloseProtocolError, "client frame is not masked"}
	ErrMasked               = &Error{CloseProtocolError, "server frame is masked"}
	ErrUnexpectedContinue   = &Error{CloseProtocolError, "continuation frame without a message in progress"}
	ErrExpectedContinuation = &Error{CloseProtocolError, "new data frame while a fragmented message is in progress"}
)

// Errors of the payload.
var (
	ErrCloseLength     = &Error{CloseProtocolError, "close payload of 1 byte"}
	ErrCloseCode       = &Error{CloseProtocolError, "close code not allowed on the wire"}
	ErrCloseReasonUTF8 = &Error{CloseInvalidPayload, "close reason is not valid UTF-8"}
	ErrInvalidUTF8     = &Error{CloseInvalidPayload, "text message is not valid UTF-8"}
	ErrMessageTooBig   = &Error{CloseMessageTooBig, "message exceeds the size limit"}
	ErrFrameTooBig     = &Error{CloseMessageTooBig, "frame exceeds the size limit"}
)
