package oracle

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
)

// windowSize is the largest LZ77 window of DEFLATE: what a message may
// point back into under context takeover.
const windowSize = 32 << 10

// messageInflater inflates the compressed messages of one direction of a
// permessage-deflate connection (RFC 7692 section 7.2.2) with
// compress/flate, which the reference server does not use. Under context
// takeover each message may point back into the ones before it: the last
// 32 KiB they inflated to is the next message's preset dictionary.
type messageInflater struct {
	takeover bool
	limit    int
	window   []byte
	// produced counts the bytes inflated so far (up to the limit for a
	// message that goes past it): what compressed input justifies.
	produced int
}

// errTooBig is messageInflater's error for a message that inflates past
// its limit.
var errTooBig = errors.New("the message inflates past the size limit")

// inflate returns the message compressed inflates to. The error is
// errTooBig past the limit, or says why the data is not a valid
// permessage-deflate message.
func (m *messageInflater) inflate(compressed []byte) ([]byte, error) {
	in := make([]byte, 0, len(compressed)+4)
	in = append(append(in, compressed...), 0x00, 0x00, 0xFF, 0xFF)
	var dict []byte
	if m.takeover {
		dict = m.window
	}
	r := flate.NewReaderDict(bytes.NewReader(in), dict)
	msg, err := io.ReadAll(io.LimitReader(r, int64(m.limit)+1))
	switch {
	case len(msg) > m.limit:
		m.produced += m.limit
		return nil, errTooBig
	case err != nil && err != io.ErrUnexpectedEOF:
		return nil, err
	}
	m.produced += len(msg)
	if m.takeover {
		m.window = append(m.window, msg...)
		if len(m.window) > windowSize {
			m.window = append([]byte(nil), m.window[len(m.window)-windowSize:]...)
		}
	}
	return msg, nil
}

// modelInflate adapts an inflater to ModelConfig.Inflate.
func (m *messageInflater) modelInflate(compressed []byte) (msg []byte, ok, tooBig bool) {
	msg, err := m.inflate(compressed)
	return msg, err == nil, err == errTooBig
}
