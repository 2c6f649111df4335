package catalogue

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"
)

// The payloads of the compression cases. Autobahn takes them from five
// files it ships; here they are generated, deterministically, of the same
// kinds and about the same sizes, so that they compress about as well: a
// JSON document and an HTML page (sent as text, sliced by characters), a
// 512x512 grey-scale bitmap, German verse and a PDF whose streams are
// already compressed (sent as binary).

// compressionDataSet is one kind of payload.
type compressionDataSet struct {
	name   string
	binary bool
	// data is the payload data; a text set's messages are cut by
	// characters, whose octet offsets in data are starts (with len(data)
	// last).
	data   []byte
	starts []int
	// ring is data twice over, and ringStarts its character offsets
	// (text), so that a message that wraps around the end of the data is a
	// slice of ring: messages are made without copying.
	ring       []byte
	ringStarts []int
}

func binaryData(name string, data []byte) *compressionDataSet {
	return &compressionDataSet{name: name, binary: true, data: data, ring: append(data[:len(data):len(data)], data...)}
}

func textData(name, text string) *compressionDataSet {
	d := &compressionDataSet{name: name, data: []byte(text)}
	for i := range text {
		d.starts = append(d.starts, i)
	}
	d.starts = append(d.starts, len(text))
	d.ring = append(d.data[:len(d.data):len(d.data)], d.data...)
	d.ringStarts = append(d.starts[:len(d.starts)-1:len(d.starts)-1], d.starts...)
	for i := len(d.starts) - 1; i < len(d.ringStarts); i++ {
		d.ringStarts[i] += len(text)
	}
	return d
}

func (d *compressionDataSet) unit() string {
	if d.binary {
		return "octets"
	}
	return "characters"
}

// units is the length of the data in the units messages are cut in.
func (d *compressionDataSet) units() int {
	if d.binary {
		return len(d.data)
	}
	return len(d.starts) - 1
}

// slicer returns the message function of a case: message i is the length
// octets (characters, for text) after the first i*length, reading the data
// as a ring, as Autobahn's cases read their file. A message no longer than
// the data is a slice of the data set, shared: it must not be modified.
func (d *compressionDataSet) slicer(length int) func(i int) []byte {
	return func(i int) []byte {
		from, left := (i*length)%d.units(), length
		if length <= d.units() {
			return d.ring[d.ringOffset(from):d.ringOffset(from+length):d.ringOffset(from+length)]
		}
		out := make([]byte, 0, length)
		for left > 0 {
			n := min(left, d.units()-from)
			out = append(out, d.data[d.offset(from):d.offset(from+n)]...)
			left -= n
			from = 0
		}
		return out
	}
}

// offset is the octet offset of unit u.
func (d *compressionDataSet) offset(u int) int {
	if d.binary {
		return u
	}
	return d.starts[u]
}

// ringOffset is the octet offset in ring of unit u (up to twice the
// units).
func (d *compressionDataSet) ringOffset(u int) int {
	if d.binary {
		return u
	}
	return d.ringStarts[u]
}

var (
	dataOnce sync.Once
	dataSets []*compressionDataSet
)

// compressionData returns the five data sets in Autobahn's order (12.1 to
// 12.5).
func compressionData() []*compressionDataSet {
	dataOnce.Do(func() {
		dataSets = []*compressionDataSet{
			textData("a JSON document", jsonDocument(194<<10)),
			binaryData("a 512x512 grey-scale bitmap", bitmap(512)),
			binaryData("German verse", []byte(verse(222<<10))),
			textData("an HTML page", htmlPage(263<<10)),
			binaryData("a PDF document", pdfDocument(1<<20)),
		}
	})
	return dataSets
}

// dataRand is the generators' source of randomness, seeded per data set.
func dataRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x64617461)) }

// syllables make up words for the text generators; some carry non-ASCII
// letters, so that text messages hold multi-octet code points.
var syllables = []string{
	"an", "be", "che", "der", "ei", "fau", "ge", "hei", "ich", "ja", "kla", "lie", "mel", "nacht",
	"o", "pro", "que", "rei", "sch", "te", "und", "ver", "wo", "zei", "ü", "ö", "ä", "ß", "stu", "ren",
	"gö", "mä", "hö", "lü", "ße", "ung", "keit", "lich", "en", "er",
}

func word(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(3) {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

func sentence(r *rand.Rand, words int) string {
	ws := make([]string, words)
	for i := range ws {
		ws[i] = word(r)
	}
	s := strings.Join(ws, " ")
	_, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(s[:n]) + s[n:]
}

// jsonDocument is an array of records with the shapes of a typical API
// answer, about size octets long. Like real API data it repeats itself a
// lot: the records vary in few fields, drawn from small sets, so that it
// compresses about as well as Autobahn's JSON file (to about a twentieth).
func jsonDocument(size int) string {
	r := dataRand(1)
	names := make([]string, 6)
	for i := range names {
		names[i] = word(r)
	}
	about := make([]string, 4)
	for i := range about {
		about[i] = sentence(r, 12)
	}
	tags := []string{"alpha", "beta", "gamma", "delta", "überblick"}
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		name := names[i%len(names)]
		fmt.Fprintf(&b, `  {"id": %d, "active": %t, "balance": "%d.00", "name": %q, "email": "%s@example.org", `+
			`"picture": "https://example.org/pictures/32x32.png", "registered": "2014-0%d-11T04:09:28 -01:00", "greeting": "Hallo, %s! Sie haben 5 ungelesene Nachrichten.", `+
			`"tags": [%q, %q], "location": {"city": %q, "zip": "%d"}, "about": %q, "friends": [{"id": %d, "name": %q}]}`,
			i, i%3 == 0, 100*r.IntN(4), name, strings.ToLower(strings.Map(asciiOnly, name)), 1+i%9, name,
			tags[i%len(tags)], tags[(i+2)%len(tags)], names[i%3], 10000+1000*(i%4),
			about[r.IntN(len(about))], i%10, names[(i+1)%len(names)])
	}
	b.WriteString("\n]\n")
	return b.String()
}

func asciiOnly(c rune) rune {
	if c < 0x80 {
		return c
	}
	return 'x'
}

// htmlPage is a page of sections of headings, paragraphs, lists, links
// and tables, about size octets long. As generated pages do, it repeats a
// few section layouts with few words changed, so that it compresses about
// as well as Autobahn's HTML file (to about a sixteenth).
func htmlPage(size int) string {
	r := dataRand(4)
	var layouts []string
	for range 5 {
		var b strings.Builder
		fmt.Fprintf(&b, "<section class=\"entry\">\n<h2>%s</h2>\n", sentence(r, 3))
		for range 2 {
			fmt.Fprintf(&b, "<p class=\"text\">%s. <a href=\"/artikel/%%d.html\" title=\"%s\">%s</a>.</p>\n",
				sentence(r, 14), word(r), word(r))
		}
		b.WriteString("<ul class=\"list\">\n")
		for range 3 {
			fmt.Fprintf(&b, "  <li><span class=\"item\">%s</span></li>\n", sentence(r, 3))
		}
		b.WriteString("</ul>\n<table class=\"data\">\n")
		for range 3 {
			fmt.Fprintf(&b, "  <tr><td>%s</td><td class=\"num\">%%d</td></tr>\n", word(r))
		}
		b.WriteString("</table>\n</section>\n")
		layouts = append(layouts, b.String())
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n<title>Beispiel</title>\n" +
		"<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n<body>\n<div class=\"page\">\n")
	for s := 0; b.Len() < size; s++ {
		fmt.Fprintf(&b, layouts[r.IntN(len(layouts))], s, s, 10*r.IntN(10), 10*r.IntN(10), 10*r.IntN(10))
	}
	b.WriteString("</div>\n</body>\n</html>\n")
	return b.String()
}

// verse is rhymed lines of German-looking words in scenes, about size
// octets long.
func verse(size int) string {
	r := dataRand(3)
	speakers := []string{"FAUST", "MEPHISTOPHELES", "WAGNER", "MARGARETE", "MARTHE", "CHOR"}
	var b strings.Builder
	for scene := 1; b.Len() < size; scene++ {
		fmt.Fprintf(&b, "\n\nSzene %d. %s.\n\n", scene, sentence(r, 2))
		for range 4 + r.IntN(8) {
			fmt.Fprintf(&b, "%s:\n", speakers[r.IntN(len(speakers))])
			for range 2 + r.IntN(6) {
				fmt.Fprintf(&b, "%s,\n", sentence(r, 4+r.IntN(4)))
			}
		}
	}
	return b.String()
}

// bitmap is a width x width grey-scale BMP (8 bits per pixel with a
// palette of greys): smooth shapes with some noise, as a photograph has.
func bitmap(width int) []byte {
	r := dataRand(2)
	const headers = 14 + 40 + 256*4
	out := make([]byte, 0, headers+width*width)
	out = append(out, 'B', 'M')
	out = binary.LittleEndian.AppendUint32(out, uint32(headers+width*width))
	out = binary.LittleEndian.AppendUint32(out, 0)
	out = binary.LittleEndian.AppendUint32(out, headers)
	for _, v := range []uint32{40, uint32(width), uint32(width)} {
		out = binary.LittleEndian.AppendUint32(out, v)
	}
	out = binary.LittleEndian.AppendUint16(out, 1)
	out = binary.LittleEndian.AppendUint16(out, 8)
	for _, v := range []uint32{0, uint32(width * width), 2835, 2835, 256, 0} {
		out = binary.LittleEndian.AppendUint32(out, v)
	}
	for g := range 256 {
		out = append(out, byte(g), byte(g), byte(g), 0)
	}
	for y := range width {
		for x := range width {
			fx, fy := float64(x)/float64(width), float64(y)/float64(width)
			v := 128 + 60*math.Sin(7*fx+3*fy) + 40*math.Cos(11*fy*fx) + 20*math.Sin(23*fx) + float64(r.IntN(24)) - 12
			out = append(out, byte(max(0, min(255, v))))
		}
	}
	return out
}

// pdfDocument is a PDF of about size octets: page descriptions in plain
// text, and streams of random octets, as the compressed streams of a real
// PDF look to a compressor; it compresses by about a fifth, as Autobahn's
// PDF does.
func pdfDocument(size int) []byte {
	r := dataRand(5)
	var b []byte
	b = append(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"...)
	for obj := 1; len(b) < size; obj++ {
		n := 2048 + r.IntN(12000)
		b = fmt.Appendf(b, "%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", obj, n)
		for range n / 8 {
			b = binary.LittleEndian.AppendUint64(b, r.Uint64())
		}
		b = append(b, "\nendstream\nendobj\n"...)
		b = fmt.Appendf(b, "%d 0 obj\n<< /Type /Page /Parent 1 0 R /Resources << /Font << /F1 %d 0 R >> >> /MediaBox [0 0 612 792] /Contents %d 0 R >>\nendobj\n", obj+1000, obj+2000, obj)
		for line := range 40 + r.IntN(60) {
			b = fmt.Appendf(b, "BT /F1 %d Tf 72 %d Td (%s) Tj ET\n", 9+r.IntN(4), 720-12*line, sentence(r, 6))
		}
	}
	return append(b, "trailer\n<< /Root 1 0 R >>\n%%EOF\n"...)
}
