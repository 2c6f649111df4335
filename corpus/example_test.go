package corpus_test

import (
	"fmt"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// A case page's wire log becomes one input per fuzz target it fits.
func ExampleSeeds() {
	cases, err := corpus.ReadFile("testdata/seeds/000_949b1f8a3a10a426.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := cases[0]
	fmt.Println(c.ID, c.Agent, c.Behavior, c.BehaviorClose)
	seeds, _ := corpus.Seeds(c, corpus.SeedOptions{})
	for _, s := range seeds {
		content, _ := corpus.MarshalCorpusFile(s.Args...)
		fmt.Printf("%s/%s  %s\n", s.Target, corpus.CorpusFileName(content), s.From)
	}
	// Output:
	// 2.9 WebSocket++ 0.2.0dev OK OK
	// FuzzSession/f427f48abbc1dbeb  entries 3-10
	// FuzzFrame/33044073e732406b  frame at entry 3
	// FuzzFrame/66b0f87ce5f8cd5a  frame at entry 5
	// FuzzFrame/3bfbc4d8373009a7  frame at entry 10
	// FuzzClose/8e5068a718e2c06e  close frame at entry 10
	// FuzzHandshake/1060c466791c74c0  opening handshake
}
