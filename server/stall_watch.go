package server

import "time"

// stallWatch follows the message a connection is receiving, in windows of
// Config.StallTimeout: a message in progress must bring a number of
// payload octets in every window (Config.stallBytes), or it has stalled
// and the connection is failed with 1008, which releases the memory the
// message holds. Only payload of data frames counts (Session.Progress):
// pings and pongs keep a connection from being idle, not a message from
// stalling.
type stallWatch struct {
	active bool      // a message is in progress
	since  time.Time // start of the current window
	base   int64     // the session's received count at since
}

// observe updates the watch after a read; it reports whether a window
// began (a message started), which moves the connection's deadline up.
func (w *stallWatch) observe(sess *Session, now time.Time) bool {
	received, inMessage := sess.Progress()
	switch {
	case !inMessage:
		w.active = false
	case !w.active:
		w.active, w.since, w.base = true, now, received
		return true
	}
	return false
}

// due reports whether the current window is over.
func (w *stallWatch) due(now time.Time, window time.Duration) bool {
	return w.active && now.Sub(w.since) >= window
}

// stalled ends the window that is due: it reports whether the message
// received fewer than need octets in it, and otherwise starts the next
// window.
func (w *stallWatch) stalled(sess *Session, now time.Time, need int64) bool {
	received, _ := sess.Progress()
	if received-w.base < need {
		return true
	}
	w.since, w.base = now, received
	return false
}
