package catalogue

import (
	"hash/fnv"
	"slices"
	"sync"

	"github.com/wsfuzz/wsfuzz/corpus"
	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// Case is one case of the catalogue.
type Case struct {
	// ID is the case's id in Autobahn|Testsuite ("6.4.1").
	ID string
	// Description says what the client does, Expectation what a correct
	// server does.
	Description, Expectation string
	// Expected maps a verdict (replay.OK, replay.NonStrict) to the events
	// that earn it. Self-judging cases have none.
	Expected map[string][]corpus.Event
	// ExpectedClose is how the connection must end.
	ExpectedClose corpus.ExpectedClose
	// SuppressClose keeps the client from starting the closing handshake
	// once the expected events arrived (the cases that send their own
	// close frames).
	SuppressClose bool
	// Offer is the Sec-WebSocket-Extensions the opening handshake offers,
	// "" for none.
	Offer string

	// steps builds the client's script, echo the script of a case that
	// judges itself; a case has one of them.
	steps func(s *script)
	echo  func() *replay.Echo
	// weight estimates the work of a self-judging case (see Weight).
	weight int
}

// Weight estimates the work a case takes, in payload octets the client
// sends, a compressed octet counting four times (it is compressed and
// inflated on both sides). A runner starts the heavy cases first, so
// that they overlap the many light ones; the cases with a fixed script
// weigh 0.
func (c *Case) Weight() int { return c.weight }

// SelfJudged reports whether the case judges itself (9.*, 12.*, 13.*):
// its verdict comes from its echo script, not from expected events.
func (c *Case) SelfJudged() bool { return c.echo != nil }

// Plan returns the case as a fresh replay.Plan: the opening handshake, the
// client's script and, in Plan.Case, the expectations replay.Judge applies.
// Every frame of the script is masked with keys drawn from the case's id,
// so a case sends the same octets every time.
func (c *Case) Plan() *replay.Plan {
	req := request(c.Offer)
	expected := make(map[string][][]corpus.Event, len(c.Expected))
	for k, events := range c.Expected {
		expected[k] = [][]corpus.Event{slices.Clone(events)}
	}
	cc := &corpus.Case{
		ID:            c.ID,
		Description:   c.Description,
		Expectation:   c.Expectation,
		Expected:      expected,
		ExpectedClose: c.ExpectedClose,
		HTTPRequest:   req,
	}
	cc.ExpectedClose.CloseCode = slices.Clone(c.ExpectedClose.CloseCode)
	p := &replay.Plan{Case: cc, Request: req, SuppressClose: c.SuppressClose}
	if c.echo != nil {
		p.Echo = c.echo()
		return p
	}
	h := fnv.New64a()
	h.Write([]byte(c.ID))
	s := newScript(p, h.Sum64())
	c.steps(s)
	return p
}

var (
	allOnce  sync.Once
	allCases []*Case
	byID     map[string]*Case
)

// All returns every case, in the order of their ids. The cases are shared:
// do not modify them.
func All() []*Case {
	allOnce.Do(func() {
		for _, section := range [][]*Case{
			framingCases(), pingCases(), reservedBitCases(), opcodeCases(),
			fragmentationCases(), utf8Cases(), closingCases(), limitCases(),
			autoFragmentCases(), compressionCases(),
		} {
			allCases = append(allCases, section...)
		}
		slices.SortStableFunc(allCases, func(a, b *Case) int { return corpus.CompareIDs(a.ID, b.ID) })
		byID = make(map[string]*Case, len(allCases))
		for _, c := range allCases {
			if byID[c.ID] == nil {
				byID[c.ID] = c
			}
		}
	})
	return allCases
}

// Lookup returns the case with the given id.
func Lookup(id string) (*Case, bool) {
	All()
	c, ok := byID[id]
	return c, ok
}

// Select returns the cases whose ids match one of the patterns, each an
// exact id or a pattern with "*" ("6.4.*", "12.*"), as Autobahn's "cases"
// option takes them; no patterns select every case.
func Select(patterns []string) []*Case {
	var out []*Case
	for _, c := range All() {
		if corpus.MatchID(c.ID, patterns) {
			out = append(out, c)
		}
	}
	return out
}
