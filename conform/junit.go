package conform

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/wsfuzz/wsfuzz/corpus/replay"
)

// The JUnit XML of a run: one test suite per section of the catalogue
// ("autobahn.6"), one test case per case, named by id and description,
// with a failure for every case that did not pass; its message holds the
// two verdicts, its text the judge's explanation.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitXML renders the run as JUnit XML.
func (rep *Report) junitXML() ([]byte, error) {
	all := junitSuites{Name: "wsfuzz conform " + rep.Target, Time: seconds(rep.Elapsed)}
	index := map[string]int{}
	for _, r := range rep.Results {
		section := "autobahn." + strings.SplitN(r.Case.ID, ".", 2)[0]
		i, ok := index[section]
		if !ok {
			i = len(all.Suites)
			index[section] = i
			all.Suites = append(all.Suites, junitSuite{Name: section, Timestamp: rep.Started.UTC().Format(time.RFC3339)})
		}
		s := &all.Suites[i]
		var d time.Duration
		if r.Observed != nil {
			d = r.Observed.Duration
		}
		tc := junitCase{
			Name:      r.Case.ID + " " + r.Case.Description,
			Classname: "autobahn." + r.Case.ID[:strings.LastIndex(r.Case.ID, ".")],
			Time:      seconds(d),
		}
		v := r.Verdict
		if !r.Pass {
			text := strings.Join(v.Diff, "\n")
			if rep.Strict && len(v.Strict) > 0 {
				text += "\nstrict: " + strings.Join(v.Strict, "\nstrict: ")
			}
			tc.Failure = &junitFailure{Message: v.Behavior + " / " + v.BehaviorClose + ": " + v.Result, Type: v.Behavior, Text: text}
			s.Failures++
			all.Failures++
		} else if v.Behavior != replay.OK || v.BehaviorClose != replay.OK {
			tc.SystemOut = v.Behavior + " / " + v.BehaviorClose + ": " + v.Result
		}
		s.Tests++
		all.Tests++
		prev, _ := time.ParseDuration(s.Time + "s")
		s.Time = seconds(prev + d)
		s.Cases = append(s.Cases, tc)
	}
	out, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
