package conform

import (
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus"
)

// ReportFile is the name of a case's report, as Autobahn names it: the
// agent in lower case with everything but letters and digits made "_",
// then "_case_" and the id with "_" for ".".
func ReportFile(agent, id string) string {
	clean := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, strings.ToLower(agent))
	return clean + "_case_" + strings.ReplaceAll(id, ".", "_") + ".json"
}

// caseReport returns one result's per-case report in Autobahn's format
// (corpus.MarshalReportWith): the case's expectations, the verdicts, what
// the client received and how the connection ended, and the wire log,
// whole when the run kept it.
func caseReport(agent string, r *Result) ([]byte, error) {
	c := *r.Plan.Case
	v := r.Verdict
	c.Agent = agent
	c.Behavior, c.BehaviorClose, c.Result, c.ResultClose = v.Behavior, v.BehaviorClose, v.Result, v.ResultClose
	x := corpus.ReportExtras{
		Number:                 r.Ordinal,
		Started:                time.Now(),
		ReportTime:             r.Case.SelfJudged(),
		ReportCompressionRatio: r.Case.Offer != "",
	}
	if o := r.Observed; o != nil {
		c.DurationMS = int(o.Duration.Round(time.Millisecond).Milliseconds())
		c.Received, c.Closing, c.Wire = o.Events, o.Closing, o.Wire
		c.HTTPRequest, c.HTTPResponse = o.Request, o.Response
		if !o.CloseCodeSent {
			c.Closing.LocalCloseCode = 0
		}
		x.Started = o.Started
		x.TxOctets, x.RxOctets, x.TxFrames, x.RxFrames = o.Stats.TxOctets, o.Stats.RxOctets, o.Stats.TxFrames, o.Stats.RxFrames
	} else {
		c.Closing.WasNotCleanReason = v.Result
	}
	return corpus.MarshalReportWith(&c, x)
}
