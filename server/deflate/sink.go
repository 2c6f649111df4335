package deflate

// maxChunk is the largest piece of output allocated at once. It bounds how
// far beyond its limit one message can make the decoder allocate.
const maxChunk = 32 << 10

// sink collects the inflated octets of one message and enforces its limit.
//
// Output goes first into the spare capacity of the caller's buffer, then
// into chunks of at most maxChunk octets. A chunk is allocated only for
// octets that fit under the limit, so a message that is refused has caused
// at most limit plus one chunk of allocation, however it was compressed. A
// growing slice would have allocated about twice the limit, since every
// doubling copies what came before.
//
// With yield set, the sink keeps nothing: every piece goes to yield as it
// comes out of the window (Decompressor.InflateFunc).
type sink struct {
	yield  func(piece []byte) error
	buf    []byte // the caller's dst, grown only within its capacity
	chunks [][]byte
	n      int64 // octets written for this message
	limit  int64
	hint   int // size for the first chunk
}

// write appends p, or returns ErrTooLarge and writes nothing if that would
// take the message beyond the limit.
func (s *sink) write(p []byte) error {
	if int64(len(p)) > s.limit-s.n {
		return ErrTooLarge
	}
	s.n += int64(len(p))
	if s.yield != nil {
		if len(p) == 0 {
			return nil
		}
		return s.yield(p)
	}
	if len(s.chunks) == 0 {
		k := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf = s.buf[:len(s.buf)+k]
		p = p[k:]
	}
	for len(p) > 0 {
		last := len(s.chunks) - 1
		if last < 0 || len(s.chunks[last]) == cap(s.chunks[last]) {
			size := maxChunk
			if last < 0 {
				size = min(max(s.hint, 256), maxChunk)
			} else {
				size = min(2*cap(s.chunks[last]), maxChunk)
			}
			s.chunks = append(s.chunks, make([]byte, 0, size))
			last++
		}
		c := s.chunks[last]
		k := copy(c[len(c):cap(c)], p)
		s.chunks[last] = c[:len(c)+k]
		p = p[k:]
	}
	return nil
}

// bytes returns the caller's buffer with the message appended.
func (s *sink) bytes() []byte {
	if len(s.chunks) == 0 {
		return s.buf
	}
	if len(s.buf) == 0 && len(s.chunks) == 1 {
		return s.chunks[0]
	}
	total := len(s.buf)
	for _, c := range s.chunks {
		total += len(c)
	}
	out := append(make([]byte, 0, total), s.buf...)
	for _, c := range s.chunks {
		out = append(out, c...)
	}
	return out
}
