package catalogue

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// script builds a case's client script into a replay.Plan, with the calls
// Autobahn's cases make on its fuzzing protocol: sendFrame, sendMessage,
// sendClose, the streaming calls, and the timers continueLater, killAfter
// and closeAfter.
type script struct {
	p    *replay.Plan
	step int // the step being built
	rng  *rand.Rand

	// stream is the frame the streaming calls are writing (Autobahn's
	// beginMessageFrame and sendMessageFrameData).
	stream struct {
		mask []byte
		sent int
	}
}

func newScript(p *replay.Plan, seed uint64) *script {
	p.Steps = [][]replay.Action{nil}
	return &script{p: p, rng: rand.New(rand.NewPCG(seed, 0x6175746f6261686e))}
}

func (s *script) add(a replay.Action) {
	s.p.Steps[s.step] = append(s.p.Steps[s.step], a)
}

func (s *script) mask() []byte {
	return binary.LittleEndian.AppendUint32(nil, s.rng.Uint32())
}

// frame is a frame the script sends (the arguments of Autobahn's
// sendFrame). The zero value of each field is sendFrame's default: a final
// frame without RSV bits, sent in one write.
type frame struct {
	opcode  int
	payload string
	more    bool // not the final frame of its message (FIN clear)
	rsv     int
	chop    int  // write the frame in pieces of this many octets
	sync    bool // flush the frame's write on its own
	repeat  int  // the payload repeated to this many octets (payload_len)
}

// send sends a frame.
func (s *script) send(f frame) {
	s.add(replay.SendFrame(s.corpusFrame(f)))
}

func (s *script) corpusFrame(f frame) *corpus.Frame {
	return &corpus.Frame{
		Opcode:        f.opcode,
		Fin:           !f.more,
		Rsv:           f.rsv,
		Mask:          s.mask(),
		Payload:       []byte(f.payload),
		PayloadLength: len(f.payload),
		PayloadExact:  true,
		RepeatLength:  f.repeat,
		ChopSize:      f.chop,
		Sync:          f.sync,
	}
}

// message sends a message as Autobahn's sendMessage does: one frame, or
// frames of fragmentSize payload octets when fragmentSize is set and the
// payload is longer (see replay.Fragment).
func (s *script) message(payload string, binary bool, fragmentSize int) {
	opcode := 1
	if binary {
		opcode = 2
	}
	parts := replay.Fragment([]byte(payload), fragmentSize)
	for i, p := range parts {
		s.send(frame{opcode: opcode, payload: string(p), more: i < len(parts)-1})
		opcode = 0
	}
}

// closeFrame starts the closing handshake with a close frame carrying
// payload (Autobahn's sendClose and sendCloseFrame): code, unless
// noCode, then reason. Only the first one the connection sees goes out;
// the client then waits for the server's close.
func (s *script) closeFrame(code int, noCode bool, reason string) {
	payload := reason
	if !noCode {
		payload = string(binary.BigEndian.AppendUint16(nil, uint16(code))) + reason
	}
	a := replay.SendFrame(s.corpusFrame(frame{opcode: 8, payload: payload}))
	a.Close = true
	a.CloseCode, a.CloseHasCode = code, !noCode
	s.add(a)
}

// closeWith is sendClose(code) and sendCloseFrame(code).
func (s *script) closeWith(code int) { s.closeFrame(code, false, "") }

// beginFrame writes the header of a frame whose payload the script then
// writes piece by piece (Autobahn's beginMessage and beginMessageFrame):
// a non-final frame of a text message, payload octets long.
func (s *script) beginFrame(length int) {
	s.stream.mask = s.mask()
	s.stream.sent = 0
	var hdr []byte
	switch {
	case length <= 125:
		hdr = []byte{0x01, 0x80 | byte(length)}
	case length <= 0xffff:
		hdr = binary.BigEndian.AppendUint16([]byte{0x01, 0x80 | 126}, uint16(length))
	default:
		hdr = binary.BigEndian.AppendUint64([]byte{0x01, 0x80 | 127}, uint64(length))
	}
	s.raw(append(hdr, s.stream.mask...), "the header of a text frame")
}

// frameData writes the next payload octets of the frame beginFrame began
// (Autobahn's sendMessageFrameData), masked where they stand in it.
func (s *script) frameData(p string) {
	data := []byte(p)
	for i := range data {
		data[i] ^= s.stream.mask[(s.stream.sent+i)%4]
	}
	s.stream.sent += len(data)
	s.raw(data, "payload octets of the open frame")
}

// raw writes octets outside any frame the wire log shows.
func (s *script) raw(data []byte, what string) {
	s.add(replay.Action{Kind: replay.Send, Chunks: []replay.Chunk{{Data: data}}, What: what})
}

// endMessage ends the message the streaming calls began: an empty final
// continuation frame.
func (s *script) endMessage() { s.send(frame{opcode: 0}) }

// killAfter fails the connection after secs unless it closed by then.
func (s *script) killAfter(secs float64) {
	s.add(replay.Action{Kind: replay.KillAfter, Seconds: secs})
}

// closeAfter starts the closing handshake after secs unless the connection
// closed by then.
func (s *script) closeAfter(secs float64) {
	s.add(replay.Action{Kind: replay.CloseAfter, Seconds: secs})
}

// continueLater runs next after secs while the connection is not closed;
// with a tag, only while it is open, and the case then records the
// timeout event of that tag first (6.4.*).
func (s *script) continueLater(secs float64, tag string, next func()) {
	step := len(s.p.Steps)
	s.p.Steps = append(s.p.Steps, nil)
	s.add(replay.Action{Kind: replay.ContinueLater, Seconds: secs, Tag: tag, Next: step})
	outer := s.step
	s.step = step
	next()
	s.step = outer
}
