package catalogue

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
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
	data   []byte // binary sets
	text   []rune // text sets: messages are cut by characters
}

func (d *compressionDataSet) unit() string {
	if d.binary {
		return "octets"
	}
	return "characters"
}

// slicer returns the message function of a case: message i is the length
// octets (characters, for text) after the first i*length, reading the data
// as a ring, as Autobahn's cases read their file.
func (d *compressionDataSet) slicer(length int) func(i int) []byte {
	if d.binary {
		return func(i int) []byte { return ring(d.data, i*length, length) }
	}
	return func(i int) []byte { return []byte(string(ring(d.text, i*length, length))) }
}

// ring returns n elements of s starting at offset from, wrapping around.
func ring[T any](s []T, from, n int) []T {
	out := make([]T, 0, n)
	from %= len(s)
	for len(out) < n {
		take := min(n-len(out), len(s)-from)
		out = append(out, s[from:from+take]...)
		from = 0
	}
	return out
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
			{name: "a JSON document", text: []rune(jsonDocument(194 << 10))},
			{name: "a 512x512 grey-scale bitmap", binary: true, data: bitmap(512)},
			{name: "German verse", binary: true, data: []byte(verse(222 << 10))},
			{name: "an HTML page", text: []rune(htmlPage(263 << 10))},
			{name: "a PDF document", binary: true, data: pdfDocument(1 << 20)},
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
	return strings.ToUpper(s[:1]) + s[1:]
}

// jsonDocument is an array of records with the shapes of a typical API
// answer, about size octets long.
func jsonDocument(size int) string {
	r := dataRand(1)
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		name := word(r)
		fmt.Fprintf(&b, `  {"id": %d, "guid": "%08x-%04x-%04x", "active": %t, "balance": %.2f, "name": %q, "email": "%s@example.org", `+
			`"tags": [%q, %q, %q], "location": {"latitude": %.6f, "longitude": %.6f}, "about": %q, "friends": [{"id": %d, "name": %q}, {"id": %d, "name": %q}]}`,
			i, r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff, r.IntN(2) == 0, r.Float64()*10000, name, strings.ToLower(strings.Map(asciiOnly, name)),
			word(r), word(r), word(r), r.Float64()*180-90, r.Float64()*360-180, sentence(r, 8+r.IntN(12)),
			r.IntN(1000), word(r), r.IntN(1000), word(r))
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

// htmlPage is a page of headings, paragraphs, lists, links and tables,
// about size octets long.
func htmlPage(size int) string {
	r := dataRand(4)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n<title>Beispiel</title>\n" +
		"<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n<body>\n<div class=\"page\">\n")
	for s := 0; b.Len() < size; s++ {
		fmt.Fprintf(&b, "<section id=\"s%d\">\n<h2>%s</h2>\n", s, sentence(r, 3))
		for range 1 + r.IntN(3) {
			fmt.Fprintf(&b, "<p class=\"text\">%s. <a href=\"/artikel/%d.html\" title=\"%s\">%s</a> %s.</p>\n",
				sentence(r, 10+r.IntN(20)), r.IntN(100000), word(r), word(r), sentence(r, 5+r.IntN(10)))
		}
		b.WriteString("<ul class=\"list\">\n")
		for range 2 + r.IntN(4) {
			fmt.Fprintf(&b, "  <li><span class=\"item\">%s</span></li>\n", sentence(r, 2+r.IntN(4)))
		}
		b.WriteString("</ul>\n<table class=\"data\">\n")
		for range 2 + r.IntN(3) {
			fmt.Fprintf(&b, "  <tr><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%.3f</td></tr>\n", word(r), r.IntN(10000), r.Float64()*100)
		}
		b.WriteString("</table>\n</section>\n")
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

// pdfDocument is a PDF of about size octets whose page streams are random
// octets, as the compressed streams of a real PDF look to a compressor.
func pdfDocument(size int) []byte {
	r := dataRand(5)
	var b []byte
	b = append(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"...)
	for obj := 1; len(b) < size; obj++ {
		n := 2048 + r.IntN(30000)
		b = fmt.Appendf(b, "%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", obj, n)
		for range n / 8 {
			b = binary.LittleEndian.AppendUint64(b, r.Uint64())
		}
		b = append(b, "\nendstream\nendobj\n"...)
		b = fmt.Appendf(b, "%d 0 obj\n<< /Type /Page /Parent 1 0 R /Resources << /Font << /F1 %d 0 R >> >> /MediaBox [0 0 612 792] /Contents %d 0 R >>\nendobj\n", obj+1000, obj+2000, obj)
	}
	return append(b, "trailer\n<< /Root 1 0 R >>\n%%EOF\n"...)
}
