package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gobwas/ws"
	"github.com/klauspost/compress/flate"
)

// variants is how many distinct messages each run cycles through. Each
// connection starts at a different one, so an echo of the wrong message (a
// server mixing up buffers or connections) shows up as a mismatch.
const variants = 8

// message is one prepared message: the bytes the echo must equal and the
// complete masked client frame that carries them. Frames are built once and
// shared read-only by every connection, so the client spends no CPU on
// masking or compression while it measures.
type message struct {
	op      ws.OpCode
	payload []byte
	frame   []byte
}

// words are English-ish words, a few with Latin-1 and other non-ASCII
// letters, so text messages look like text to both UTF-8 validators and
// deflate.
var words = strings.Fields(`the of and to in is was that for on with as by at
from this have not are but had his they which one you were her all she there
would their we him been has when who will more no if out so said what up its
about into than them can only other new some could time these two may then do
first any my now such like our over man me even most made after also did many
before must through back years where much your way well down should because
each just those people how too little state good very make world still own see
men work long get here between both life being under never day same another
know while last might us great old year off come since against go came right
used take three message server client frame socket buffer echo latency window
café naïve façade über smörgåsbord jalapeño coöperate résumé déjà vu`)

// makeText returns size bytes of valid UTF-8 text made of words chosen by rng.
func makeText(size int, rng *mrand.Rand) []byte {
	var b bytes.Buffer
	b.Grow(size + 32)
	for b.Len() < size {
		b.WriteString(words[rng.IntN(len(words))])
		switch rng.IntN(12) {
		case 0:
			b.WriteString(". ")
		case 1:
			b.WriteString(", ")
		case 2:
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
	}
	p := b.Bytes()[:size]
	// If the cut split the last rune, blank its leading bytes.
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				for j := i; j < len(p); j++ {
					p[j] = ' '
				}
			}
			break
		}
	}
	if !utf8.Valid(p) {
		panic("makeText produced invalid UTF-8")
	}
	return p
}

// makeMessages prepares the variants for messages of the given size.
// Binary payloads are pseudo-random bytes; text payloads are words. With
// deflate the frames carry the payload compressed without context
// takeover (a fresh compressor per message) and RSV1 set.
func makeMessages(size int, text, deflate bool) ([]message, error) {
	op := ws.OpBinary
	if text {
		op = ws.OpText
	}
	msgs := make([]message, variants)
	for i := range msgs {
		rng := mrand.New(mrand.NewPCG(uint64(size), uint64(i)+1))
		var payload []byte
		if text {
			payload = makeText(size, rng)
		} else {
			payload = make([]byte, size)
			for j := range payload {
				payload[j] = byte(rng.Uint32())
			}
		}
		body := payload
		if deflate {
			var err error
			if body, err = compress(payload); err != nil {
				return nil, err
			}
		}
		var key [4]byte
		if _, err := rand.Read(key[:]); err != nil {
			return nil, err
		}
		h := ws.Header{
			Fin:    true,
			Rsv:    ws.Rsv(deflate, false, false),
			OpCode: op,
			Masked: true,
			Mask:   key,
			Length: int64(len(body)),
		}
		var f bytes.Buffer
		f.Grow(ws.HeaderSize(h) + len(body))
		if err := ws.WriteHeader(&f, h); err != nil {
			return nil, err
		}
		start := f.Len()
		f.Write(body)
		frame := f.Bytes()
		ws.Cipher(frame[start:], key, 0)
		msgs[i] = message{op: op, payload: payload, frame: frame}
	}
	return msgs, nil
}

// compress deflates p as one permessage-deflate message: a raw deflate
// stream ended by a sync flush whose 00 00 ff ff tail is removed (RFC 7692
// section 7.2.1).
func compress(p []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(p); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	out := b.Bytes()
	if !bytes.HasSuffix(out, []byte{0, 0, 0xff, 0xff}) {
		return nil, fmt.Errorf("deflate flush did not end with 00 00 ff ff")
	}
	return out[:len(out)-4], nil
}

// parseSize reads sizes such as 16, 1024, 1KiB, 64k, 1MiB or 1m.
func parseSize(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "ib")
	t = strings.TrimSuffix(t, "b")
	mult := 1
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1<<10, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "m"):
		mult, t = 1<<20, strings.TrimSuffix(t, "m")
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > (64<<20)/mult {
		return 0, fmt.Errorf("bad size %q (want e.g. 16, 1KiB, 64KiB, 1MiB; at most 64 MiB)", s)
	}
	return n * mult, nil
}
