package conform

import (
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// htmlPage is the run's summary for a person: what ran against what, the
// counts of verdicts, and a table of every case (its report linked), with
// the judge's explanation under each case that did not pass.
var htmlPage = template.Must(template.New("conform").Funcs(template.FuncMap{
	"class": verdictClass,
	"ms":    func(d time.Duration) int64 { return d.Milliseconds() },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wsfuzz conform: {{.Agent}}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; font-size: 0.9em; }
th { background: #eee; }
td.ok { background: #cfc; } td.nonstrict { background: #ffc; } td.info { background: #cdf; }
td.failed { background: #fbb; } td.unimplemented { background: #ddd; }
tr.why td { background: #fafafa; font-family: monospace; white-space: pre-wrap; }
.summary span { margin-right: 1.5em; }
</style>
</head>
<body>
<h1>wsfuzz conform: {{.Agent}}</h1>
<p>Autobahn|Testsuite's server cases against <code>{{.Target}}</code>, started {{.Started}}, {{.Elapsed}} wall time, {{if .Strict}}strict rules{{else}}Autobahn's rules{{end}}.{{if .MessageLimit}} The cases that send 1000 messages sent only {{.MessageLimit}}.{{end}}</p>
<p class="summary">{{range .Counts}}<span>{{.Name}}: <b>{{.N}}</b></span>{{end}}</p>
<table>
<tr><th>Case</th><th>Description</th><th>Behavior</th><th>Close</th><th>ms</th><th>Close code</th></tr>
{{range .Rows}}<tr>
<td><a href="{{.File}}">{{.ID}}</a></td><td>{{.Description}}</td>
<td class="{{class .Behavior}}">{{.Behavior}}</td><td class="{{class .BehaviorClose}}">{{.BehaviorClose}}</td>
<td>{{ms .Duration}}</td><td>{{.Code}}</td>
</tr>
{{if .Why}}<tr class="why"><td></td><td colspan="5">{{.Why}}</td></tr>
{{end}}{{end}}</table>
</body>
</html>
`))

type htmlRow struct {
	ID, Description, File   string
	Behavior, BehaviorClose string
	Duration                time.Duration
	Code                    string
	Why                     string
}

type htmlCount struct {
	Name string
	N    int
}

// verdictClass is the style of a verdict's cell.
func verdictClass(v string) string {
	switch v {
	case replay.OK:
		return "ok"
	case replay.NonStrict:
		return "nonstrict"
	case replay.Informational:
		return "info"
	case replay.Unimplemented:
		return "unimplemented"
	}
	return "failed"
}

// writeHTML writes the run's summary page.
func (rep *Report) writeHTML(w io.Writer) error {
	s := rep.Summarize()
	data := struct {
		Agent, Target, Started, Elapsed string
		Strict                          bool
		MessageLimit                    int
		Counts                          []htmlCount
		Rows                            []htmlRow
	}{
		Agent: rep.Agent, Target: rep.Target, Strict: rep.Strict, MessageLimit: rep.MessageLimit,
		Started: rep.Started.UTC().Format(time.RFC3339), Elapsed: rep.Elapsed.Round(time.Millisecond).String(),
		Counts: []htmlCount{{"cases", s.Cases}, {"passed", s.Passed}, {"failed", s.Failed}},
	}
	for _, k := range s.verdictNames() {
		data.Counts = append(data.Counts, htmlCount{k, s.Verdicts[k]})
	}
	for _, r := range rep.Results {
		row := htmlRow{ID: r.Case.ID, Description: r.Case.Description, File: ReportFile(rep.Agent, r.Case.ID),
			Behavior: r.Verdict.Behavior, BehaviorClose: r.Verdict.BehaviorClose}
		if o := r.Observed; o != nil {
			row.Duration = o.Duration
			if code := o.Closing.RemoteCloseCode; code != 0 {
				row.Code = itoa(code)
			}
		}
		if !r.Pass {
			why := append([]string{r.Verdict.Result, r.Verdict.ResultClose}, r.Verdict.Diff...)
			if rep.Strict {
				for _, f := range r.Verdict.Strict {
					why = append(why, "strict: "+f)
				}
			}
			row.Why = strings.Join(why, "\n")
		}
		data.Rows = append(data.Rows, row)
	}
	return htmlPage.Execute(w, data)
}
