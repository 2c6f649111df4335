package fuzz

import "github.com/wsfuzz/wsfuzz/server"

// echoSession is the part of *server.Session that the checks drive; the
// can-fail tests put broken sessions behind it.
type echoSession interface {
	Feed(p []byte) (out []byte, events []server.Event, err error)
	Done() bool
	Err() error
	Release()
}

// feedPieces feeds stream to s in the pieces that sizes lists (see
// forEachPiece) and returns everything s wrote, in one new buffer. After
// each piece it releases the session's compression state, as the network
// shell does when a connection goes quiet; that must change nothing in
// the output.
func feedPieces(s echoSession, stream, sizes []byte) []byte {
	var out []byte
	forEachPiece(stream, sizes, func(p []byte) {
		o, _, _ := s.Feed(p)
		out = append(out, o...)
		s.Release()
	})
	return out
}
