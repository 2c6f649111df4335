package catalogue

import (
	"fmt"
	"strings"
	"sync"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// limitCases are section 9: large messages in one frame (9.1, 9.2), in
// frames of increasing size (9.3, 9.4), in one frame written in pieces of
// increasing size (9.5, 9.6), and 1000 round trips of messages of
// increasing size (9.7, 9.8). These cases judge themselves: the echo must
// come back, of the right type and length, before the case's time runs
// out; how long that took is the case's duration, which is what they
// measure.
func limitCases() []*Case {
	const (
		textUnit   = "BAsd7&jh23"
		binaryUnit = "\x00\xfe\x23\xfa\xf0"
	)
	var out []*Case
	sizes := []int{64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20}
	textWait := []float64{10, 10, 100, 100, 100, 100}
	binaryWait := []float64{10, 10, 10, 10, 100, 100}
	for i, n := range sizes {
		out = append(out,
			echoCase(fmt.Sprintf("9.1.%d", i+1), fmt.Sprintf("A text message of %s in one frame.", size(n)),
				echoScript{unit: textUnit, length: n, timeout: textWait[i]}),
			echoCase(fmt.Sprintf("9.2.%d", i+1), fmt.Sprintf("A binary message of %s in one frame.", size(n)),
				echoScript{unit: binaryUnit, length: n, binary: true, timeout: binaryWait[i]}))
	}
	for i, f := range []int{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20} {
		binaryFill := "*"
		if i == 0 {
			binaryFill = "\xfe"
		}
		out = append(out,
			echoCase(fmt.Sprintf("9.3.%d", i+1), fmt.Sprintf("A text message of 4 MiB in frames of %s.", size(f)),
				echoScript{unit: "*", length: 4 << 20, fragment: f, timeout: 100}),
			echoCase(fmt.Sprintf("9.4.%d", i+1), fmt.Sprintf("A binary message of 4 MiB in frames of %s.", size(f)),
				echoScript{unit: binaryFill, length: 4 << 20, binary: true, fragment: f, timeout: 100}))
	}
	for i, c := range []int{64, 128, 256, 512, 1024, 2048} {
		out = append(out,
			echoCase(fmt.Sprintf("9.5.%d", i+1), fmt.Sprintf("A text message of 1 MiB in one frame, written in pieces of %d octets.", c),
				echoScript{unit: textUnit, length: 1 << 20, chop: c, timeout: 1000}),
			echoCase(fmt.Sprintf("9.6.%d", i+1), fmt.Sprintf("A binary message of 1 MiB in one frame, written in pieces of %d octets.", c),
				echoScript{unit: binaryUnit, length: 1 << 20, binary: true, chop: c, timeout: 1000}))
	}
	roundTripWait := []float64{60, 60, 60, 120, 240, 480}
	for i, n := range []int{0, 16, 64, 256, 1024, 4096} {
		out = append(out,
			echoCase(fmt.Sprintf("9.7.%d", i+1), fmt.Sprintf("1000 text messages of %d octets, each sent once the one before came back, to measure the round trip time.", n),
				echoScript{unit: "*", length: n, count: 1000, timeout: roundTripWait[i]}),
			echoCase(fmt.Sprintf("9.8.%d", i+1), fmt.Sprintf("1000 binary messages of %d octets, each sent once the one before came back, to measure the round trip time.", n),
				echoScript{unit: "\xfe", length: n, binary: true, count: 1000, timeout: roundTripWait[i]}))
	}
	return out
}

// echoScript is a section 9 case: count messages (1 when 0) of a unit
// repeated to length octets, in frames of fragment octets or written in
// pieces of chop octets.
type echoScript struct {
	unit           string
	length, count  int
	binary         bool
	fragment, chop int
	timeout        float64
}

// echoCase makes a self-judging case of a section 9 script.
func echoCase(id, desc string, e echoScript) *Case {
	kind := "text"
	if e.binary {
		kind = "binary"
	}
	return &Case{
		ID:            id,
		Description:   desc,
		Expectation:   fmt.Sprintf("Every %s message comes back with the length it was sent with, within %g s; then a clean close with 1000.", kind, e.timeout),
		ExpectedClose: closeNormally(),
		weight:        max(e.count, 1) * e.length,
		echo: func() *replay.Echo {
			// Made when first sent, not with the plan: a runner may make
			// plans only to read them.
			msg := sync.OnceValue(func() []byte {
				return []byte(strings.Repeat(e.unit, e.length/max(len(e.unit), 1)+1)[:e.length])
			})
			return &replay.Echo{
				Count:        max(e.count, 1),
				Message:      func(int) []byte { return msg() },
				Binary:       e.binary,
				FragmentSize: e.fragment,
				ChopSize:     e.chop,
				Timeout:      e.timeout,
			}
		},
	}
}

// size renders a power-of-two size as Autobahn's descriptions do.
func size(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}
