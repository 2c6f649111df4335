package props

import (
	"bytes"
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"
)

// modelState is the state gopter's commands thread through a sequence:
// the model, and the frames it predicted for the last action.
type modelState struct {
	model Model
	want  []Frame
}

func (s modelState) String() string { return s.model.String() }

// actionCommand runs one Action against the server under test.
type actionCommand struct{ a Action }

// runResult is what the server did with one action.
type runResult struct {
	out   []byte
	done  bool
	fault string
}

func (c actionCommand) Run(sut commands.SystemUnderTest) commands.Result {
	srv := sut.(Server)
	out := FeedChopped(srv, c.a.Bytes(), c.a.Chop)
	return runResult{out: bytes.Clone(out), done: srv.Done(), fault: serverFault(srv)}
}

func (c actionCommand) NextState(state commands.State) commands.State {
	m, want := state.(modelState).model.Step(c.a)
	return modelState{model: m, want: want}
}

func (c actionCommand) PreCondition(commands.State) bool { return true }

func (c actionCommand) PostCondition(state commands.State, result commands.Result) *gopter.PropResult {
	s, r := state.(modelState), result.(runResult)
	fail := func(format string, args ...any) *gopter.PropResult {
		return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{fmt.Sprintf("after %v: ", c.a) + fmt.Sprintf(format, args...)}}
	}
	if r.fault != "" {
		return fail("%s", r.fault)
	}
	got, err := ParseServerStream(r.out)
	if err != nil {
		return fail("server output %s: %v", showBytes(r.out), err)
	}
	if err := SameOutput(got, s.want); err != nil {
		return fail("%v", err)
	}
	if r.done != s.model.Done {
		return fail("server done=%v, model %v", r.done, s.model)
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

func (c actionCommand) String() string { return c.a.String() }

// genActionCommand wraps ActionFor, keeping its shrinker.
func genActionCommand(m Model, maxLen int) gopter.Gen {
	g := ActionFor(m, maxLen)
	return func(p *gopter.GenParameters) *gopter.GenResult {
		res := g(p)
		a := res.Result.(Action)
		return gopter.NewGenResult(commands.Command(actionCommand{a}), func(v any) gopter.Shrink {
			return mapc(actionCands(v.(actionCommand).a), func(a Action) commands.Command { return actionCommand{a} }).shrink()
		})
	}
}

// SessionModel states that a server behaves as Model predicts over
// sequences of actions (gopter's commands: text, binary, fragments, pings,
// pongs, close frames and garbage, each fed in the reads of its own Chop):
// after every action its output, parsed by ParseServerStream, equals the
// model's frames (close frames by code) and it is done exactly when the
// model is. maxMessage is the server's message size limit, which the model
// needs to predict 1009; data payloads are up to maxLen bytes. Sequences
// are as long as gopter's size parameter (see MaxSize).
func SessionModel(newServer NewServer, maxMessage int64, maxLen int) gopter.Prop {
	return commands.Prop(&commands.ProtoCommands{
		NewSystemUnderTestFunc:     func(commands.State) commands.SystemUnderTest { return newServer() },
		DestroySystemUnderTestFunc: func(sut commands.SystemUnderTest) { closeServer(sut.(Server)) },
		InitialStateGen:            gen.Const(modelState{model: Model{MaxMessage: maxMessage}}),
		GenCommandFunc: func(state commands.State) gopter.Gen {
			return genActionCommand(state.(modelState).model, maxLen)
		},
	})
}
