// Package wire holds the pure building blocks of RFC 6455 framing: the frame
// header codec, masking, a streaming UTF-8 validator and close payloads.
//
// Nothing here does I/O, allocates on the hot path or keeps hidden state:
// every function takes bytes and returns values, so the session core, the
// fuzz targets and the properties can all call the same code. Every rule
// violation is reported as an *Error that carries the close code with which
// a strict endpoint fails the connection.
package wire
