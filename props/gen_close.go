package props

import (
	"encoding/binary"
	"fmt"
	"math/rand"

	"github.com/leanovate/gopter"
)

// CodeRange is one row of the close code table: the codes From..To, whether
// an endpoint may send them (and so must accept them), and why.
type CodeRange struct {
	From, To uint16
	Sendable bool
	Class    string
}

// CloseCodeTable is the classification of close status codes by RFC 6455
// section 7.4 and the IANA "WebSocket Close Code Number Registry", written
// out as a table so that it can be read against the RFC line by line. It
// is the oracle of CloseCodeClassification and ClosePayloadVerdict.
var CloseCodeTable = []CodeRange{
	{0, 999, false, "unused (RFC 6455 7.4.2)"},
	{1000, 1003, true, "defined: normal, going away, protocol error, unsupported data (7.4.1)"},
	{1004, 1004, false, "reserved (7.4.1)"},
	{1005, 1006, false, "no status / abnormal closure: must not be sent (7.4.1)"},
	{1007, 1011, true, "defined: invalid payload, policy, too big, mandatory extension, internal error (7.4.1, IANA)"},
	{1012, 1014, true, "registered: service restart, try again later, bad gateway (IANA)"},
	{1015, 1015, false, "TLS handshake failure: must not be sent (7.4.1)"},
	{1016, 2999, false, "reserved for future revisions and extensions (7.4.2)"},
	{3000, 3999, true, "registered for libraries and frameworks (7.4.2)"},
	{4000, 4999, true, "private use (7.4.2)"},
	{5000, 65535, false, "out of range (7.4.2)"},
}

// ClassifyClose returns the row of CloseCodeTable that holds code.
func ClassifyClose(code uint16) CodeRange {
	for _, row := range CloseCodeTable {
		if code >= row.From && code <= row.To {
			return row
		}
	}
	panic("props: close code table has a gap") // every uint16 is covered
}

// closeAnchors are the edges of every row of CloseCodeTable, ascending.
var closeAnchors = func() (xs []int64) {
	for _, row := range CloseCodeTable {
		xs = append(xs, int64(row.From))
		if row.To != row.From {
			xs = append(xs, int64(row.To))
		}
	}
	return xs
}()

// CloseCode generates close status codes: 60% are the first or last code
// of a row of CloseCodeTable (999, 1000, 1003, 1004, 1005, 1006, 1007,
// 1011, 1012, 1014, 1015, 1016, 2999, 3000, ...), 30% fall anywhere inside
// a random row, 10% are uniform over 0..65535. A code shrinks towards 0
// through the row edges, so a misclassified row shrinks to its first code.
func CloseCode() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randCloseCode(p.Rng), shrinker(closeCodeCands))
	}
}

func randCloseCode(r *rand.Rand) uint16 {
	switch x := r.Intn(10); {
	case x < 6:
		return uint16(closeAnchors[r.Intn(len(closeAnchors))])
	case x < 9:
		row := CloseCodeTable[r.Intn(len(CloseCodeTable))]
		return row.From + uint16(r.Intn(int(row.To-row.From)+1))
	default:
		return uint16(r.Intn(65536))
	}
}

func closeCodeCands(c uint16) cands[uint16] {
	return mapc(int64Cands(int64(c), closeAnchors), func(x int64) uint16 { return uint16(x) })
}

// CloseForm is the shape of a close payload.
type CloseForm uint8

// The shapes RFC 6455 section 5.5.1 distinguishes.
const (
	CloseCoded   CloseForm = iota // a 2-byte code and a reason
	CloseEmpty                    // no payload: no status code
	CloseOneByte                  // one byte: never valid
)

// ClosePayload is the payload of a close frame a client sends.
type ClosePayload struct {
	Form   CloseForm
	Code   uint16   // CloseCoded: the status code
	Reason UTF8Case // CloseCoded: the reason, valid UTF-8 or not; CloseOneByte: its byte is Code's low byte
}

// Bytes returns the payload.
func (c ClosePayload) Bytes() []byte {
	switch c.Form {
	case CloseEmpty:
		return nil
	case CloseOneByte:
		return []byte{byte(c.Code)}
	}
	return append(binary.BigEndian.AppendUint16(nil, c.Code), c.Reason.Bytes()...)
}

// Verdict returns what a strict endpoint does on receiving this payload
// (RFC 6455 sections 5.5.1, 7.1.5, 7.4 and 8.1): accept it and answer with
// the same code (1000 for an empty payload), or fail the connection with
// 1002 (one byte, or a code not sendable by CloseCodeTable) or 1007 (a
// reason that is not UTF-8). fail reports the second case.
func (c ClosePayload) Verdict() (code uint16, fail bool) {
	switch {
	case c.Form == CloseEmpty:
		return 1000, false
	case c.Form == CloseOneByte:
		return 1002, true
	case !ClassifyClose(c.Code).Sendable:
		return 1002, true
	case !c.Reason.Valid():
		return 1007, true
	}
	return c.Code, false
}

func (c ClosePayload) String() string {
	switch c.Form {
	case CloseEmpty:
		return "close(empty)"
	case CloseOneByte:
		return fmt.Sprintf("close(one byte %02X)", byte(c.Code))
	}
	return fmt.Sprintf("close(%d, reason %v)", c.Code, c.Reason)
}

// reasonLengths are the reason lengths to favour: none, one byte, and the
// longest that fit a control frame (125 - 2).
var reasonLengths = []int{0, 0, 1, 2, 121, 122, 123}

// ClosePayloads generates close payloads: 80% carry a code from CloseCode
// (every class of CloseCodeTable) and a reason of 0..123 bytes (0, 1, 122
// and 123 favoured), valid UTF-8 three times in four and otherwise with a
// defect from InvalidUTF8; 10% are empty and 10% are a single byte. They
// shrink to a coded payload, then shrink the code and the reason.
func ClosePayloads() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(randClosePayload(p.Rng), shrinker(closePayloadCands))
	}
}

func randClosePayload(r *rand.Rand) ClosePayload {
	c := ClosePayload{Code: randCloseCode(r)}
	switch r.Intn(10) {
	case 0:
		c.Form = CloseEmpty
		return c
	case 1:
		c.Form = CloseOneByte
		return c
	}
	n := reasonLengths[r.Intn(len(reasonLengths))]
	if r.Intn(2) == 0 {
		n = r.Intn(124)
	}
	if r.Intn(4) == 0 {
		c.Reason = randInvalid(r, n)
		for len(c.Reason.Bytes()) > 123 {
			c.Reason = randInvalid(r, n)
		}
	} else {
		c.Reason = UTF8Case{Prefix: randValidText(r, n)}
	}
	return c
}

func closePayloadCands(c ClosePayload) cands[ClosePayload] {
	var forms []ClosePayload
	if c.Form != CloseCoded {
		forms = append(forms, ClosePayload{Form: CloseCoded, Code: c.Code})
		if c.Form == CloseOneByte {
			forms = append(forms, ClosePayload{Form: CloseEmpty})
		}
		return list(forms...)
	}
	return concat(
		mapc(closeCodeCands(c.Code), func(code uint16) ClosePayload { x := c; x.Code = code; return x }),
		mapc(utf8CaseCands(c.Reason), func(r UTF8Case) ClosePayload { x := c; x.Reason = r; return x }),
	)
}
