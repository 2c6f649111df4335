// Command gobwas is an echo server built on github.com/gobwas/ws and its
// wsutil and wsflate packages, written the way that library's own examples
// are: a zero-copy ws.Upgrader on a net.Listener, one goroutine per
// connection, a wsutil.Reader with the control frame handler, and a
// wsutil.Writer, with wsflate wrapped around both for compressed messages.
// gobwas/ws leaves read buffering to its user; the reader here gets a 4 KiB
// bufio.Reader, as the other libraries have by default, instead of one
// read system call per frame header.
package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"flag"
	"io"
	"log"
	"net"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsflate"
	"github.com/gobwas/ws/wsutil"

	"github.com/wsfuzz/wsfuzz/scripts/bench/internal/loopback"
)

const maxMessage = 16 << 20

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "listen address (loopback only)")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	flag.Parse()

	ln, err := loopback.Listen(*addr)
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn, *compress)
	}
}

func serve(conn net.Conn, compress bool) {
	defer conn.Close()

	var u ws.Upgrader
	var ext wsflate.Extension
	if compress {
		// Both sides without context takeover: the library's default
		// parameters, and what compress/flate can do statelessly.
		ext.Parameters = wsflate.DefaultParameters
		u.Negotiate = ext.Negotiate
	}
	if _, err := u.Upgrade(conn); err != nil {
		return
	}
	_, deflated := ext.Accepted()

	state := ws.StateServerSide
	if deflated {
		state |= ws.StateExtended
	}
	var msg wsflate.MessageState
	control := wsutil.ControlFrameHandler(conn, ws.StateServerSide)
	rd := &wsutil.Reader{
		Source:         bufio.NewReader(conn),
		State:          state,
		OnIntermediate: control,
		MaxMessageSize: maxMessage,
	}
	wr := wsutil.NewWriter(conn, state, 0)
	var fr *wsflate.Reader
	var fw *wsflate.Writer
	if deflated {
		rd.Extensions = []wsutil.RecvExtension{&msg}
		wr.SetExtensions(&msg)
		fr = wsflate.NewReader(nil, func(r io.Reader) wsflate.Decompressor {
			return flate.NewReader(r)
		})
		fw = wsflate.NewWriter(nil, func(w io.Writer) wsflate.Compressor {
			f, _ := flate.NewWriter(w, flate.BestSpeed)
			return f
		})
	}

	var buf bytes.Buffer
	for {
		h, err := rd.NextFrame()
		if err != nil {
			return
		}
		if h.OpCode.IsControl() {
			if err := control(h, rd); err != nil {
				return
			}
			continue
		}

		// Read the whole message, inflating it if it came compressed.
		buf.Reset()
		var src io.Reader = rd
		if msg.IsCompressed() {
			fr.Reset(rd)
			src = io.LimitReader(fr, maxMessage+1)
		}
		if _, err := buf.ReadFrom(src); err != nil || buf.Len() > maxMessage {
			return
		}

		// Echo it with the same opcode, compressed the same way.
		wr.ResetOp(h.OpCode)
		var dst io.Writer = wr
		if msg.IsCompressed() {
			fw.Reset(wr)
			dst = fw
		}
		if _, err := dst.Write(buf.Bytes()); err != nil {
			return
		}
		if msg.IsCompressed() {
			if err := fw.Close(); err != nil {
				return
			}
		}
		if err := wr.Flush(); err != nil {
			return
		}
	}
}
