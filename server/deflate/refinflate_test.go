package deflate

import (
	"errors"
	"fmt"
)

// refInflate is a deliberately plain DEFLATE decoder, independent of the
// package's table-driven one, that also reports the longest back-reference
// distance it met. The tests use it as a second opinion on what the
// Compressor produces: its output must equal the message and its maxDist
// must stay within the negotiated window.
//
// It decodes in after history (earlier messages, under context takeover)
// until a final block, or until the input ends exactly at a block boundary.
// Huffman codes are decoded one bit at a time by walking the canonical code
// length by length.
func refInflate(in, history []byte) (out []byte, maxDist int, err error) {
	r := refReader{in: in}
	buf := append([]byte(nil), history...)
	start := len(buf)
	for {
		if r.pos == len(in)*8 {
			return buf[start:], maxDist, nil
		}
		final, err := r.bits(1)
		if err != nil {
			return nil, 0, err
		}
		typ, err := r.bits(2)
		if err != nil {
			return nil, 0, err
		}
		switch typ {
		case 0:
			r.pos = (r.pos + 7) &^ 7
			n, err1 := r.bits(16)
			nn, err2 := r.bits(16)
			if err := errors.Join(err1, err2); err != nil {
				return nil, 0, err
			}
			if n != ^nn&0xffff {
				return nil, 0, errors.New("ref: bad stored length")
			}
			for range n {
				c, err := r.bits(8)
				if err != nil {
					return nil, 0, err
				}
				buf = append(buf, byte(c))
			}
		case 1, 2:
			var lit, dist refCode
			if typ == 1 {
				lit, dist = refFixed()
			} else if lit, dist, err = r.dynamic(); err != nil {
				return nil, 0, err
			}
			for {
				sym, err := r.decode(&lit)
				if err != nil {
					return nil, 0, err
				}
				if sym < 256 {
					buf = append(buf, byte(sym))
					continue
				}
				if sym == 256 {
					break
				}
				if sym > 285 {
					return nil, 0, errors.New("ref: bad length symbol")
				}
				eb, err := r.bits(int(lengthExtra[sym-257]))
				if err != nil {
					return nil, 0, err
				}
				length := int(lengthBase[sym-257]) + eb
				dsym, err := r.decode(&dist)
				if err != nil {
					return nil, 0, err
				}
				if dsym > 29 {
					return nil, 0, errors.New("ref: bad distance symbol")
				}
				eb, err = r.bits(int(distExtra[dsym]))
				if err != nil {
					return nil, 0, err
				}
				d := int(distBase[dsym]) + eb
				if d > len(buf) {
					return nil, 0, fmt.Errorf("ref: distance %d beyond %d octets of history", d, len(buf))
				}
				maxDist = max(maxDist, d)
				for range length {
					buf = append(buf, buf[len(buf)-d])
				}
			}
		default:
			return nil, 0, errors.New("ref: reserved block type")
		}
		if final == 1 {
			return buf[start:], maxDist, nil
		}
	}
}

type refReader struct {
	in  []byte
	pos int // in bits
}

func (r *refReader) bits(n int) (int, error) {
	v := 0
	for i := range n {
		if r.pos >= len(r.in)*8 {
			return 0, errors.New("ref: unexpected end of input")
		}
		bit := int(r.in[r.pos/8]>>(r.pos%8)) & 1
		v |= bit << i
		r.pos++
	}
	return v, nil
}

// refCode is a canonical Huffman code: how many codes of each length, and
// the symbols in code order.
type refCode struct {
	count   [16]int
	symbols []int
}

func newRefCode(lens []int) refCode {
	var c refCode
	for _, l := range lens {
		c.count[l]++
	}
	c.count[0] = 0
	for l := 1; l < 16; l++ {
		for s, sl := range lens {
			if sl == l {
				c.symbols = append(c.symbols, s)
			}
		}
	}
	return c
}

// decode reads bits, most significant first, until they form a code: codes
// of length l are the count[l] values starting at first.
func (r *refReader) decode(c *refCode) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code |= b
		if code-first < c.count[l] {
			return c.symbols[index+code-first], nil
		}
		index += c.count[l]
		first = (first + c.count[l]) << 1
		code <<= 1
	}
	return 0, errors.New("ref: invalid code")
}

func refFixed() (lit, dist refCode) {
	lens := make([]int, 288)
	for s := range lens {
		switch {
		case s < 144:
			lens[s] = 8
		case s < 256:
			lens[s] = 9
		case s < 280:
			lens[s] = 7
		default:
			lens[s] = 8
		}
	}
	d := make([]int, 30)
	for s := range d {
		d[s] = 5
	}
	return newRefCode(lens), newRefCode(d)
}

func (r *refReader) dynamic() (lit, dist refCode, err error) {
	hlit, err1 := r.bits(5)
	hdist, err2 := r.bits(5)
	hclen, err3 := r.bits(4)
	if err = errors.Join(err1, err2, err3); err != nil {
		return
	}
	order := []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	cl := make([]int, 19)
	for i := range hclen + 4 {
		if cl[order[i]], err = r.bits(3); err != nil {
			return
		}
	}
	clCode := newRefCode(cl)
	n := hlit + 257 + hdist + 1
	lens := make([]int, 0, n)
	for len(lens) < n {
		var sym, rep, eb int
		if sym, err = r.decode(&clCode); err != nil {
			return
		}
		val := 0
		switch {
		case sym < 16:
			lens = append(lens, sym)
			continue
		case sym == 16:
			if len(lens) == 0 {
				return lit, dist, errors.New("ref: repeat without a length")
			}
			val = lens[len(lens)-1]
			eb, err = r.bits(2)
			rep = 3 + eb
		case sym == 17:
			eb, err = r.bits(3)
			rep = 3 + eb
		default:
			eb, err = r.bits(7)
			rep = 11 + eb
		}
		if err != nil {
			return
		}
		if len(lens)+rep > n {
			return lit, dist, errors.New("ref: repeat past the end")
		}
		for range rep {
			lens = append(lens, val)
		}
	}
	return newRefCode(lens[:hlit+257]), newRefCode(lens[hlit+257:]), nil
}
