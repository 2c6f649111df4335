// Package corpus reads Autobahn|Testsuite reports into Cases: what the
// fuzzing peer sent and received on the wire, what it expected, and the
// verdict it gave. Cases feed the fuzz corpus (Seeds, Import) and replay
// (package corpus/replay).
//
// # Reading
//
// A report comes in one of four forms, told apart by content: the
// per-case JSON (ParseJSON), the per-case HTML page (ParseHTML), the
// plain-text rendering of that page (ParseText), and index.json, which
// lists every case of every agent with its verdicts and report file
// (ParseIndex). ReadFile reads any of them; Load reads files and
// directories and orders the cases failing first:
//
//	cases, errs := corpus.Load("reports/servers")
//	for _, c := range cases {
//		fmt.Println(c.ID, c.Behavior, c.Partial)
//	}
//
// Both report directions are read: reports/servers, where Autobahn is the
// client and the server's input is what Autobahn sent (TX), and
// reports/clients (Case.FuzzerIsServer), where the client's stream is what
// Autobahn received (RX).
//
// # What a report leaves out, and what is rebuilt
//
// Autobahn logs at most 64 bytes of any octet string or payload: longer
// ones are cut and marked " ...". An entry is exact only when all its
// stated length is shown. The readers then complete each case:
//
//   - The first octet entry of each direction is the opening handshake; it
//     is replaced by the report's httpRequest or httpResponse (the HTML and
//     text forms show them line by line) when they agree with the shown
//     octets.
//   - The octet entries of a direction are lined up with its frame entries:
//     Autobahn writes each frame in one write, or in writes of its chop
//     size, in the order it logged them. A cut octet entry is rebuilt from
//     its frame entry when that entry has the whole payload (shown whole,
//     or a short pattern repeated to payload_len, or a close frame whose
//     code and reason the report keeps among its closing details), and only
//     when the rebuilt octets agree with every shown octet and the stated
//     length. Entry.Rebuilt marks the result; Frame.Wire holds every
//     frame's exact octets once all of them are known.
//   - What cannot be rebuilt stays cut (Entry.Exact false). When that is
//     something the fuzzing peer sent, or wire logging was off (WLM), or
//     Autobahn's own octet statistics count writes the log does not show,
//     the case is Partial and Skipped says which entries and why.
//
// A wire log that contradicts itself (a whole entry whose hex is not its
// stated length, odd-length hex, an unknown entry kind) is a *ParseError
// naming the file and the entry.
//
// # Seeding the fuzz corpus
//
// Seeds turns a case into inputs for the fuzz targets of package fuzz
// (FuzzSession, FuzzFrame, FuzzUTF8, FuzzClose, FuzzHandshake, FuzzInflate)
// from what the report has whole, never from cut data. MarshalCorpusFile
// encodes them in Go's corpus file format, CorpusFileName names them by
// content, WriteCorpusFile writes them atomically, and Import does all of
// it for a set of reports, as "wsfuzz import" does:
//
//	sum, errs := corpus.Import(corpus.ImportOptions{Out: "fuzz/testdata/fuzz", FailingOnly: true}, nil, "reports/servers")
package corpus
