package server

import "time"

// stallWatch follows the message a connection is receiving: a message in
// progress must bring a number of payload octets (Config.stallBytes) in
// every period of Config.StallTimeout, and the period starts again each
// time it has. When a period passes without them the message has stalled,
// and the connection is failed with 1008, which releases the memory the
// message holds; so a message is failed at most StallTimeout after the
// last of its octets that counted. Only payload of data frames counts
// (Session.Progress): pings and pongs keep a connection from being idle,
// not a message from stalling.
type stallWatch struct {
	active bool      // a message is in progress
	since  time.Time // start of the current period
	base   int64     // the session's received count at since
}

// observe updates the watch after a read; it reports whether a period
// began because a message started, which moves the connection's deadline
// up.
func (w *stallWatch) observe(sess *Session, now time.Time, need int64) bool {
	received, inMessage := sess.Progress()
	switch {
	case !inMessage:
		w.active = false
	case !w.active:
		w.active, w.since, w.base = true, now, received
		return true
	case received-w.base >= need:
		w.since, w.base = now, received
	}
	return false
}

// stalled reports whether the current period is over without the octets
// it needed.
func (w *stallWatch) stalled(now time.Time, period time.Duration) bool {
	return w.active && now.Sub(w.since) >= period
}
