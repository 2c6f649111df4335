package props

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/leanovate/gopter"

	"github.com/wsfuzz/wsfuzz/server/deflate"
)

// The parameters of permessage-deflate (RFC 7692 section 7.1).
const (
	ServerNoContextTakeover = "server_no_context_takeover"
	ClientNoContextTakeover = "client_no_context_takeover"
	ServerMaxWindowBits     = "server_max_window_bits"
	ClientMaxWindowBits     = "client_max_window_bits"
)

// DeflateParam is one parameter of an offer as a client writes it.
type DeflateParam struct {
	Name     string
	Value    string // meaningful when HasValue
	HasValue bool
	Quoted   bool // the value is sent as a quoted-string
}

func (p DeflateParam) String() string {
	switch {
	case !p.HasValue:
		return p.Name
	case p.Quoted:
		return p.Name + `="` + p.Value + `"`
	}
	return p.Name + "=" + p.Value
}

// DeflateOffer is one permessage-deflate offer of a client.
type DeflateOffer struct {
	Params []DeflateParam
}

// Header returns the offer as a Sec-WebSocket-Extensions value.
func (o DeflateOffer) Header() string {
	var b strings.Builder
	b.WriteString("permessage-deflate")
	for _, p := range o.Params {
		b.WriteString("; ")
		b.WriteString(p.String())
	}
	return b.String()
}

func (o DeflateOffer) String() string { return o.Header() }

// Param returns the offer's parameter called name, if it has one.
func (o DeflateOffer) Param(name string) (DeflateParam, bool) {
	for _, p := range o.Params {
		if p.Name == name {
			return p, true
		}
	}
	return DeflateParam{}, false
}

// windowValue parses a window size as RFC 7692 sections 7.1.2.1 and
// 7.1.2.2 spell it: a decimal integer from 8 to 15 without leading zeros.
func windowValue(v string) (int, bool) {
	if len(v) == 0 || len(v) > 2 || v[0] == '0' || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, _ := strconv.Atoi(v)
	return n, n >= 8 && n <= 15
}

// Valid reports whether a server may accept the offer, by RFC 7692 section
// 7: only the four parameters it defines, none twice, the two
// no_context_takeover ones without a value, server_max_window_bits with a
// window size, client_max_window_bits with a window size or none.
func (o DeflateOffer) Valid() bool {
	seen := map[string]bool{}
	for _, p := range o.Params {
		if seen[p.Name] {
			return false
		}
		seen[p.Name] = true
		switch p.Name {
		case ServerNoContextTakeover, ClientNoContextTakeover:
			if p.HasValue {
				return false
			}
		case ServerMaxWindowBits:
			if _, ok := windowValue(p.Value); !p.HasValue || !ok {
				return false
			}
		case ClientMaxWindowBits:
			if _, ok := windowValue(p.Value); p.HasValue && !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// badWindowValues are window sizes an offer must not carry: out of range,
// with a leading zero or a sign, not a number.
var badWindowValues = []string{"7", "16", "0", "08", "010", "+9", "-9", "9.0", "1a", "100", "99999999999999999999"}

// DeflateOffers generates permessage-deflate offers. Three in five are
// valid: each parameter of RFC 7692 present or not, windows of 8..15 (the
// client's with or without a value), in any order, values sometimes
// quoted. The others break one rule of section 7: an unknown parameter, a
// repeated one, a value on a no_context_takeover parameter,
// server_max_window_bits without a value, or a bad window size (7, 16,
// 08, +9, 9.0, ...). An offer shrinks by losing parameters, then quotes.
func DeflateOffers() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randDeflateOffer(p.Rng), shrinker(deflateOfferCands))
	}
}

// ValidDeflateOffers generates the valid offers of DeflateOffers only, so
// every parameter set a server can negotiate.
func ValidDeflateOffers() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		res := gopter.NewGenResult(randValidDeflateOffer(p.Rng), shrinker(deflateOfferCands))
		res.Sieve = func(v any) bool { return v.(DeflateOffer).Valid() }
		return res
	}
}

func randWindow(r *rand.Rand) string { return strconv.Itoa(8 + r.Intn(8)) }

func randValidDeflateOffer(r *rand.Rand) DeflateOffer {
	var o DeflateOffer
	if r.Intn(5) < 2 {
		o.Params = append(o.Params, DeflateParam{Name: ServerNoContextTakeover})
	}
	if r.Intn(5) < 2 {
		o.Params = append(o.Params, DeflateParam{Name: ClientNoContextTakeover})
	}
	if r.Intn(5) < 2 {
		o.Params = append(o.Params, DeflateParam{Name: ServerMaxWindowBits, Value: randWindow(r), HasValue: true, Quoted: r.Intn(6) == 0})
	}
	if r.Intn(5) < 3 {
		p := DeflateParam{Name: ClientMaxWindowBits}
		if r.Intn(2) == 0 {
			p.Value, p.HasValue, p.Quoted = randWindow(r), true, r.Intn(6) == 0
		}
		o.Params = append(o.Params, p)
	}
	r.Shuffle(len(o.Params), func(i, j int) { o.Params[i], o.Params[j] = o.Params[j], o.Params[i] })
	return o
}

func randDeflateOffer(r *rand.Rand) DeflateOffer {
	o := randValidDeflateOffer(r)
	if r.Intn(5) < 3 {
		return o
	}
	insert := func(p DeflateParam) {
		i := r.Intn(len(o.Params) + 1)
		o.Params = append(o.Params[:i], append([]DeflateParam{p}, o.Params[i:]...)...)
	}
	switch r.Intn(5) {
	case 0:
		names := []string{"x", "max_window_bits", "client_max_window", "server_no_context_takeover_", "mux"}
		insert(DeflateParam{Name: names[r.Intn(len(names))]})
	case 1:
		if len(o.Params) == 0 {
			o.Params = append(o.Params, DeflateParam{Name: ClientNoContextTakeover})
		}
		insert(o.Params[r.Intn(len(o.Params))])
	case 2:
		name := []string{ServerNoContextTakeover, ClientNoContextTakeover}[r.Intn(2)]
		o = withoutParam(o, name)
		insert(DeflateParam{Name: name, Value: []string{"1", "true", "15"}[r.Intn(3)], HasValue: true})
	case 3:
		o = withoutParam(o, ServerMaxWindowBits)
		insert(DeflateParam{Name: ServerMaxWindowBits})
	default:
		name := []string{ServerMaxWindowBits, ClientMaxWindowBits}[r.Intn(2)]
		o = withoutParam(o, name)
		insert(DeflateParam{Name: name, Value: badWindowValues[r.Intn(len(badWindowValues))], HasValue: true, Quoted: r.Intn(6) == 0})
	}
	return o
}

func withoutParam(o DeflateOffer, name string) DeflateOffer {
	var ps []DeflateParam
	for _, p := range o.Params {
		if p.Name != name {
			ps = append(ps, p)
		}
	}
	return DeflateOffer{Params: ps}
}

func deflateOfferCands(o DeflateOffer) cands[DeflateOffer] {
	return mapc(sliceCands(o.Params, func(p DeflateParam) cands[DeflateParam] {
		if !p.Quoted {
			return none[DeflateParam]()
		}
		p.Quoted = false
		return list(p)
	}), func(ps []DeflateParam) DeflateOffer { return DeflateOffer{Params: ps} })
}

// deflateLevels are the compression levels worth telling apart: stored
// blocks, Huffman only (no back-references), fastest, middle, smallest.
var deflateLevels = []int{deflate.NoCompression, deflate.HuffmanOnly, deflate.BestSpeed, 5, deflate.BestCompression}

// DeflatePreferences generates what a server is willing to negotiate: each
// no_context_takeover forced or not, a server window of 8..15 or the
// default, a client window limit of 9..15 or none, and a level among
// stored, Huffman only, 1, 5 and 9. It shrinks towards the zero value.
func DeflatePreferences() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		prefs := deflate.Preferences{
			ServerNoContextTakeover: r.Intn(4) == 0,
			ClientNoContextTakeover: r.Intn(4) == 0,
			Level:                   deflateLevels[r.Intn(len(deflateLevels))],
		}
		if r.Intn(2) == 0 {
			prefs.ServerMaxWindowBits = 8 + r.Intn(8)
		}
		if r.Intn(2) == 0 {
			prefs.ClientMaxWindowBits = 9 + r.Intn(7)
		}
		return gopter.NewGenResult(prefs, shrinker(prefsCands))
	}
}

func prefsCands(p deflate.Preferences) cands[deflate.Preferences] {
	var xs []deflate.Preferences
	if p != (deflate.Preferences{}) {
		xs = append(xs, deflate.Preferences{})
	}
	with := func(f func(*deflate.Preferences)) {
		c := p
		f(&c)
		if c != p {
			xs = append(xs, c)
		}
	}
	with(func(c *deflate.Preferences) { c.ServerNoContextTakeover = false })
	with(func(c *deflate.Preferences) { c.ClientNoContextTakeover = false })
	with(func(c *deflate.Preferences) { c.ServerMaxWindowBits = 0 })
	with(func(c *deflate.Preferences) { c.ClientMaxWindowBits = 0 })
	with(func(c *deflate.Preferences) { c.Level = 0 })
	return list(xs...)
}

// DeflateMessages generates the messages one side of a connection sends in
// turn, one to six of them: empty ones, short text from a small vocabulary
// (so back-references abound), repeats of an earlier message or of part
// of it (back-references into earlier messages, which only context
// takeover allows), random bytes, and long messages that repeat a block
// or are random. Long messages grow with gopter's size parameter, up to
// 70000 bytes (past every window) at size 100, so that a bug found early
// is found on messages that are cheap to shrink. The list shrinks by
// losing messages, then by coarse cuts (halves, then an eighth at a
// time) and zeroing: compressing is costly, and a compression bug rarely
// needs an exact length.
func DeflateMessages() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		r := p.Rng
		n := 1 + r.Intn(6)
		msgs := make([][]byte, 0, n)
		long := 1 + 700*p.MaxSize
		for range n {
			msgs = append(msgs, randDeflateMessage(r, msgs, long))
		}
		return gopter.NewGenResult(msgs, shrinker(func(ms [][]byte) cands[[][]byte] { return sliceCands(ms, coarseBytesCands) }))
	}
}

var deflateWords = []string{"hello ", "world ", "permessage-deflate ", "window ", "κόσμε ", "\x00\x01", "echo "}

func randDeflateMessage(r *rand.Rand, before [][]byte, long int) []byte {
	switch x := r.Intn(20); {
	case x < 3:
		return []byte{}
	case x < 9:
		var b bytes.Buffer
		for range 1 + r.Intn(40) {
			b.WriteString(deflateWords[r.Intn(len(deflateWords))])
		}
		return b.Bytes()
	case x < 13 && len(before) > 0:
		prev := before[r.Intn(len(before))]
		i := r.Intn(len(prev) + 1)
		j := i + r.Intn(len(prev)-i+1)
		return append(bytes.Clone(prev[i:j]), deflateWords[r.Intn(len(deflateWords))]...)
	case x < 16:
		b := make([]byte, r.Intn(300))
		r.Read(b)
		return b
	case x < 19:
		block := make([]byte, 1+r.Intn(2000))
		r.Read(block)
		n := r.Intn(long)
		b := make([]byte, 0, n)
		for len(b) < n {
			b = append(b, block[:min(len(block), n-len(b))]...)
			if len(b) < n {
				b = append(b, byte(r.Intn(256)))
			}
		}
		return b
	default:
		b := make([]byte, r.Intn(long))
		r.Read(b)
		return b
	}
}

// showMessages summarizes a list of messages.
func showMessages(ms [][]byte) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = showBytes(m)
	}
	return fmt.Sprintf("%d messages %v", len(ms), parts)
}

// coarseBytesCands shrinks a message in a few bold steps: empty, either
// half, all but the last quarter or eighth, all zeros.
func coarseBytesCands(b []byte) cands[[]byte] {
	n := len(b)
	if n == 0 {
		return none[[]byte]()
	}
	xs := [][]byte{{}}
	for _, c := range [][]byte{b[:n/2], b[n/2:], b[:n-n/4], b[:n-n/8]} {
		if len(c) > 0 && len(c) < n {
			xs = append(xs, c)
		}
	}
	if bytes.Count(b, []byte{0}) != n {
		xs = append(xs, make([]byte, n))
	}
	return list(xs...)
}
