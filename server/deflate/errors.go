package deflate

import (
	"errors"
	"fmt"
)

// ErrTooLarge is returned by Decompressor.Inflate when the inflated message
// would be longer than the limit the caller gave. A session answers it with
// close code 1009 (message too big).
var ErrTooLarge = errors.New("deflate: inflated message exceeds the limit")

// ErrCorrupt is the error every invalid compressed message matches with
// errors.Is: bad DEFLATE syntax, a truncated stream, a back-reference further
// than the history or than the window the client promised. A session answers
// it with close code 1007 (invalid frame payload data).
var ErrCorrupt = errors.New("deflate: invalid compressed data")

// CorruptError describes where and why a compressed message is invalid. It
// matches ErrCorrupt with errors.Is.
type CorruptError struct {
	// Offset is the index of the input octet being decoded when the problem
	// was found; it may be len(compressed) or a little more when the problem
	// is in the appended 00 00 ff ff tail or is a missing end.
	Offset int
	// Reason says what is wrong, in a few words.
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("deflate: invalid compressed data at octet %d: %s", e.Offset, e.Reason)
}

// Is reports whether target is ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }
