package server

// sessionMemory is what one session has reserved from its MemoryBudget for
// each of its large buffers: the message being reassembled, the output, and
// the inflated octets staged for compression. A reservation is the
// capacity the buffer had when the session last grew it; small appends
// (headers, pongs, close frames) may add a little the budget does not see.
type sessionMemory struct {
	budget           *MemoryBudget
	msg, out, staged int64
}

// grow returns b with room for n more octets (its length unchanged),
// reallocating when needed: to twice its capacity, but not beyond ceiling
// (unless b+n needs more). The new capacity is reserved in place of the
// old reservation; when the budget refuses, b comes back unchanged and
// ok is false.
func (m *sessionMemory) grow(b []byte, reserved *int64, n, ceiling int) ([]byte, bool) {
	need := len(b) + n
	if need <= cap(b) {
		return b, true
	}
	size := max(min(2*cap(b), ceiling), need)
	if !m.budget.reserve(int64(size)-*reserved, int64(size)) {
		return b, false
	}
	*reserved = int64(size)
	nb := make([]byte, len(b), size)
	copy(nb, b)
	return nb, true
}

// drop lets go of *b and gives its reservation back.
func (m *sessionMemory) drop(b *[]byte, reserved *int64) {
	*b = nil
	m.budget.release(*reserved)
	*reserved = 0
}

// growMsg extends the message buffer by n octets, failing the connection
// with 1013 when the budget cannot cover it. The buffer never grows past
// the room for the message limit, nor past final, the length the buffer
// will have at the end of the message when that is known (0 when not).
func (s *Session) growMsg(n, final int) bool {
	limit := s.maxMessage
	if s.msgCompressed {
		limit = s.maxCompressed
	}
	ceiling := msgHead + int(limit) + msgTail
	if final > 0 {
		ceiling = min(ceiling, final)
	}
	b, ok := s.mem.grow(s.msg, &s.mem.msg, n, ceiling)
	if !ok {
		s.failNoMemory()
		return false
	}
	s.msg = b[:len(b)+n]
	return true
}

// growOut makes room for n more octets of output (without extending it),
// failing the connection with 1013 when the budget cannot cover it. A
// small output doubles; one past retainLimit (a long echo) grows by a
// quarter, not to twice a message's size.
func (s *Session) growOut(n int) bool {
	ceiling := maxInt
	if need := len(s.out) + n; cap(s.out) >= retainLimit {
		ceiling = need + need/4
	}
	b, ok := s.mem.grow(s.out, &s.mem.out, n, ceiling)
	if !ok {
		s.failNoMemory()
		return false
	}
	s.out = b
	return true
}

const maxInt = int(^uint(0) >> 1)

// failNoMemory fails the connection with 1013 (fail lets go of the
// message being read): the client may try again later.
func (s *Session) failNoMemory() { s.fail(errNoMemory) }
