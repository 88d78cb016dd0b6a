package review

import (
	"context"
	"fmt"
	"io"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Auditor is what the review asks of app.Console: the zone's cameras for
// the filter, the verified review and its export.
type Auditor interface {
	Zone() app.Zone
	ReviewVerified(ctx context.Context, s *app.Session, f app.ReviewFilter) (app.ReviewResult, error)
	ExportReview(ctx context.Context, s *app.Session, f app.ReviewFilter, format app.ExportFormat, w io.Writer) error
}

// consoleReviewer is the review screen's reviewer over the console.
type consoleReviewer struct{ c Auditor }

func (q reviewQuery) filter() app.ReviewFilter {
	return app.ReviewFilter{From: q.From, To: q.To, User: q.User, Camera: q.Camera, JustKind: q.JustKind, Limit: reviewLimit}
}

// reviewLimit keeps one search to what a table can show; narrow the filter
// (or export) for more.
const reviewLimit = 5000

func (r consoleReviewer) Review(ctx context.Context, s *app.Session, q reviewQuery) (reviewResult, error) {
	got, err := r.c.ReviewVerified(ctx, s, q.filter())
	if err != nil {
		return reviewResult{}, err
	}
	res := reviewResult{Rows: make([]reviewRow, 0, len(got.Entries))}
	for _, e := range got.Entries {
		why := app.Reason{Kind: app.JustKind(e.JustKind), Text: e.JustText, Ref: e.JustRef, AuthRef: e.AuthRef}
		reason := ""
		if e.JustKind != "" {
			reason = look.ReasonLabel(why)
		}
		res.Rows = append(res.Rows, reviewRow{Time: e.Time, User: e.User, Role: e.Role, Console: e.Console,
			Action: string(e.Action), Subject: e.Subject, Reason: reason, Outcome: string(e.Outcome), Code: e.Reason})
	}
	switch rep := got.Report; {
	case got.VerifyErr == nil && rep.Intact():
		res.Verified = true
		res.Verdict = fmt.Sprintf("%d", rep.Entries)
	case rep.Err != nil:
		res.Verdict = rep.Err.Error()
	default:
		res.Verdict = got.VerifyErr.Error()
	}
	return res, nil
}

func (r consoleReviewer) Export(ctx context.Context, s *app.Session, q reviewQuery, format string, w io.Writer) error {
	return r.c.ExportReview(ctx, s, q.filter(), app.ExportFormat(format), w)
}
