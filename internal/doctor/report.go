package doctor

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Status is a check's outcome.
type Status string

// Outcomes: ok (the real answer confirms it), FAIL (it does not, or the call failed), skip (not checked, and
// the detail says why). FAIL is in capitals so it stands out in a long list.
const (
	OK   Status = "ok"
	Fail Status = "FAIL"
	Skip Status = "skip"
)

// Result is one check's outcome.
type Result struct {
	Status Status
	Check  string // a stable name, e.g. payway.app_token or payway.create_session:item.expires_at
	Detail string // what was seen, or why not; never a secret
}

// checkWidth aligns the details of most checks in a column; a longer name just pushes its detail right.
const checkWidth = 52

// String is the result's line: `ok|FAIL|skip  <check>  <detail>`, the status padded to four characters and
// the check to checkWidth, so the list reads as a table and a script can still split it on runs of spaces.
func (r Result) String() string {
	line := fmt.Sprintf("%-4s  %-*s  %s", r.Status, checkWidth, r.Check, r.Detail)
	return strings.TrimRight(line, " ")
}

// Summary counts the outcomes of a run.
type Summary struct {
	OK, Fail, Skip int
}

// Summarize counts results.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case OK:
			s.OK++
		case Fail:
			s.Fail++
		default:
			s.Skip++
		}
	}
	return s
}

// String is the last line of a run.
func (s Summary) String() string {
	verdict := "every check passed"
	if s.Fail > 0 {
		verdict = "fix every FAIL above before going live"
	}
	return fmt.Sprintf("summary: %d ok, %d FAIL, %d skip: %s", s.OK, s.Fail, s.Skip, verdict)
}

// Err is nil when no check failed; otherwise an error that makes `paywall doctor` exit non-zero.
func (s Summary) Err() error {
	switch s.Fail {
	case 0:
		return nil
	case 1:
		return errors.New("doctor: 1 check failed")
	}
	return fmt.Errorf("doctor: %d checks failed", s.Fail)
}

// report prints each result as it comes (a live call may take seconds) and keeps them for the summary.
type report struct {
	w       io.Writer
	results []Result
}

func (r *report) add(status Status, check, detail string) {
	res := Result{Status: status, Check: check, Detail: detail}
	r.results = append(r.results, res)
	fmt.Fprintln(r.w, res)
}

func (r *report) ok(check, format string, a ...any)   { r.add(OK, check, fmt.Sprintf(format, a...)) }
func (r *report) fail(check, format string, a ...any) { r.add(Fail, check, fmt.Sprintf(format, a...)) }
func (r *report) skip(check, format string, a ...any) { r.add(Skip, check, fmt.Sprintf(format, a...)) }

// problems reports ok with okDetail when there are no problems, else FAIL listing them.
func (r *report) problems(check string, problems []string, okDetail string) {
	if len(problems) == 0 {
		r.ok(check, "%s", okDetail)
		return
	}
	r.fail(check, "%s", strings.Join(problems, "; "))
}
