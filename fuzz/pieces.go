package fuzz

import "encoding/binary"

// maxPieces bounds the number of pieces forEachPiece cuts, so that one
// fuzz input costs a bounded number of calls however long its size list.
const maxPieces = 256

// forEachPiece cuts data into consecutive pieces and calls fn on each, in
// order. sizes lists the pieces' lengths as unsigned varints
// (binary.Uvarint); whatever data is left after the listed pieces is one
// last piece, which may be empty. A size larger than what is left of data
// is clamped to it, a malformed varint ends the list, and at most maxPieces
// sizes are read. The pieces always concatenate to data, so every input
// decodes to some valid cutting of it.
//
// This is the one decoder of split points (FuzzUTF8) and read sizes
// (FuzzSession); the corpus importer writes its chop sizes the same way
// (see appendPieceSizes).
func forEachPiece(data, sizes []byte, fn func(piece []byte)) {
	for n := 0; n < maxPieces && len(sizes) > 0; n++ {
		size, k := binary.Uvarint(sizes)
		if k <= 0 {
			break
		}
		sizes = sizes[k:]
		if size > uint64(len(data)) {
			size = uint64(len(data))
		}
		fn(data[:size])
		data = data[size:]
	}
	fn(data)
}

// appendPieceSizes appends sizes to dst in the encoding forEachPiece reads.
func appendPieceSizes(dst []byte, sizes ...int) []byte {
	for _, s := range sizes {
		dst = binary.AppendUvarint(dst, uint64(s))
	}
	return dst
}
