package conform_test

import (
	"context"
	"fmt"

	"github.com/wsfuzz/wsfuzz/conform"
	"github.com/wsfuzz/wsfuzz/server"
	"github.com/wsfuzz/wsfuzz/target"
)

// Run a few cases of the catalogue against a server and print Autobahn's
// verdicts. target.URL("ws://127.0.0.1:9001/") reaches a server of any
// language; here it is the reference server, in-process.
func ExampleRun() {
	rep, err := conform.Run(context.Background(), target.Reference(server.SessionConfig{}), conform.Options{
		Cases: []string{"1.1.1", "5.19", "7.13.1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Println(r.Case.ID, r.Verdict.Behavior, r.Verdict.BehaviorClose, r.Pass)
	}
	// Output:
	// 1.1.1 OK OK true
	// 5.19 OK OK true
	// 7.13.1 INFORMATIONAL INFORMATIONAL true
}
