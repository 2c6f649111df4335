// Package deflate implements the permessage-deflate WebSocket extension
// (RFC 7692) for a server: negotiation of its parameters during the opening
// handshake, and the per-connection codec that compresses outgoing messages
// and inflates incoming ones.
//
// The package is pure: no sockets, no goroutines. A session owns one
// Compressor and one Decompressor and calls them with whole messages.
//
// # Negotiation
//
// A client offers the extension in Sec-WebSocket-Extensions, possibly several
// times with different parameters, in order of preference:
//
//	Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10,
//	                          permessage-deflate
//
// Negotiate accepts the first offer it can honour and returns the parameters
// that now bind both sides together with the response header value. An offer
// that breaks the rules of RFC 7692 section 7 (unknown or repeated
// parameters, bad values) is declined and the next one is considered; if
// none is acceptable the handshake goes on without compression.
//
// # Messages
//
// RFC 7692 section 7.2 compresses each message as a raw DEFLATE stream
// (RFC 1951) that ends with a sync flush, and then removes the flush's last
// four octets, 00 00 ff ff, because the receiver can always put them back.
// Compressor.Compress produces exactly that; Decompressor.Inflate appends the
// four octets and inflates, refusing output beyond a caller-chosen limit.
//
// "Context takeover" means the LZ77 window (the last 2^bits octets a
// back-reference may point into) survives from one message to the next in
// that direction. It compresses chat-like traffic much better but costs memory
// for every connection, even an idle one; the no_context_takeover parameters
// turn it off per direction. See Compressor.Release and the package
// benchmarks for the trade-off in numbers.
//
// # Inflating
//
// Incoming data is decoded by this package's own RFC 1951 decoder instead of
// a general purpose one, because a strict server needs three things a
// streaming library does not give: the exact RFC 7692 end-of-message rule (the
// message ends on a block boundary, or with a final block), enforcement of the
// window the client promised, and a hard bound on the memory one message can
// make the server allocate. Compression uses
// github.com/klauspost/compress/flate, which supports every window size.
package deflate
