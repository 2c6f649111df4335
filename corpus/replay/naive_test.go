package replay

import (
	"context"
	"fmt"
	"testing"
)

// serveNaive is a lax echo server like the one of testdata/naive-utf8.jsonl
// (gorilla/websocket without UTF-8 validation): it echoes every message
// whole, valid UTF-8 or not, answers pings, and answers a close frame with
// 1000 and the end of TCP.
func serveNaive(c *fakeConn) {
	var msg []byte
	var op int
	for {
		fop, p, err := c.readFrame()
		if err != nil {
			return
		}
		switch {
		case fop == 8:
			c.writeFrame(8, []byte{0x03, 0xe8}, nil)
			return
		case fop == 9:
			c.writeFrame(10, p, nil)
		case fop == 10:
		default:
			if fop != 0 {
				op, msg = fop, nil
			}
			msg = append(msg, p...)
			if c.lastFin {
				c.writeFrame(op, msg, nil)
				msg = nil
			}
		}
	}
}

// Replaying the lax server's own category-6 reports against a server that
// behaves like it must reproduce what Autobahn recorded, down to who
// closed, who dropped TCP and whether it was clean. Most of these cases
// exercise the client's reactions: the echo of invalid UTF-8 makes it fail
// the connection, and, when the octet that breaks the UTF-8 and the end of
// the message arrive together, fail it twice and drop TCP.
func TestReplayNaiveServer(t *testing.T) {
	cases := readCasesJSONL(t, "testdata/naive-utf8.jsonl")
	url := startFake(t, serveNaive)
	results := ReplayAll(context.Background(), cases, url, 4, regressionOptions)
	replayed, failed := 0, 0
	for _, r := range results {
		c := r.Case
		if r.Err != nil {
			t.Errorf("%s: %v", c.ID, r.Err)
			continue
		}
		if r.Skipped != "" {
			continue
		}
		replayed++
		if c.Behavior != OK {
			failed++
		}
		o, v := r.Observed, r.Verdict
		got := fmt.Sprintf("%s/%s closedByMe=%v droppedByMe=%v wasClean=%v remote=%d",
			v.Behavior, v.BehaviorClose, o.Closing.ClosedByMe, o.Closing.DroppedByMe, o.Closing.WasClean, o.Closing.RemoteCloseCode)
		want := fmt.Sprintf("%s/%s closedByMe=%v droppedByMe=%v wasClean=%v remote=%d",
			c.Behavior, c.BehaviorClose, c.Closing.ClosedByMe, c.Closing.DroppedByMe, c.Closing.WasClean, c.Closing.RemoteCloseCode)
		if got != want {
			t.Errorf("%s:\n  replay:   %s\n  Autobahn: %s", c.ID, got, want)
		}
	}
	if replayed < 100 || failed < 50 {
		t.Errorf("%d cases replayed, %d of them failing; the test data should have more", replayed, failed)
	}
	t.Logf("%d of %d cases replayed, %d failing as Autobahn recorded", replayed, len(cases), failed)
}
