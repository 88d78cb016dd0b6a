package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/trail"
)

// AuditEntry is one line of the audit trail as the review screen shows it.
type AuditEntry = audit.Entry

// AuditReport is the result of verifying the audit chain.
type AuditReport = audit.Report

// ReviewFilter selects audit entries for the team chief's or the DPO's review.
// Zero fields match anything; To is exclusive.
type ReviewFilter struct {
	From, To time.Time
	User     string
	Camera   string
	JustKind JustKind
	Limit    int
}

func (f ReviewFilter) audit() audit.Filter {
	af := audit.Filter{From: f.From, To: f.To, User: f.User, JustKind: string(f.JustKind), Limit: f.Limit}
	if f.Camera != "" {
		af.Subject = "camera:" + f.Camera
	}
	return af
}

// String describes the filter in the export and in the audit detail.
func (f ReviewFilter) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	add("user", f.User)
	add("camera", f.Camera)
	add("justification", string(f.JustKind))
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, " ")
}

// Review returns the audit entries the filter selects. Looking at who watched
// what is itself a consultation of personal data: checked and audited.
func (c *Console) Review(ctx context.Context, s *Session, f ReviewFilter) ([]audit.Entry, error) {
	if err := c.allow(ctx, s, ActReview, Resource{}, s.Shift, trail.Review{What: "review", Filter: f.String()}); err != nil {
		return nil, err
	}
	es, err := c.reviewSource().Query(ctx, f.audit())
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	return es, nil
}

// reviewSource is what a review reads: in a dispatch room whose server
// answers, the room's one chain (every console's entries); otherwise this
// console's own store (RoomStatus says the room is offline).
func (c *Console) reviewSource() auditSource {
	if c.room != nil {
		if on, _ := c.room.presence.Online(); on {
			return c.room.db.Audit()
		}
	}
	return c.audit
}

// ReviewResult is a review's entries with the verification of the whole
// chain they come from, so the reviewer knows whether to trust them.
type ReviewResult struct {
	Entries []AuditEntry
	Report  AuditReport
	// VerifyErr is set when the chain could not be verified at all (the
	// store unreadable); a broken chain is Report.Err.
	VerifyErr error
}

// ReviewVerified is Review and VerifyAudit as one consultation: one policy
// decision and one audit entry per search on the review screen.
func (c *Console) ReviewVerified(ctx context.Context, s *Session, f ReviewFilter) (ReviewResult, error) {
	if err := c.allow(ctx, s, ActReview, Resource{}, s.Shift, trail.Review{What: "review", Filter: f.String(), Verify: true}); err != nil {
		return ReviewResult{}, err
	}
	src := c.reviewSource()
	es, err := src.Query(ctx, f.audit())
	if err != nil {
		return ReviewResult{}, fmt.Errorf("review: %w", err)
	}
	verify := src.Verify
	if c.room != nil && src != auditSource(c.audit) {
		verify = c.room.verified // the room's chain is long: walked at most every few minutes
	}
	rep, verr := verify(ctx)
	if rep.Err != nil {
		verr = nil
	}
	return ReviewResult{Entries: es, Report: rep, VerifyErr: verr}, nil
}

// ExportFormat is the file format of a review export.
type ExportFormat string

const (
	ExportCSV  ExportFormat = "csv"
	ExportHTML ExportFormat = "html"
)

// ExportReview writes the selected entries as CSV or as a printable HTML
// report that states the result of verifying the whole chain. A chain that
// does not verify is not exported as if it did: CSV writes nothing, HTML
// writes the report that says where it broke, and both return the break.
func (c *Console) ExportReview(ctx context.Context, s *Session, f ReviewFilter, format ExportFormat, w io.Writer) error {
	return exportReview(ctx, c.access, s, c.reviewSource(), f, format, w)
}

// auditSource is an audit store to read for a review: the console's own
// log, or a copy the shell was pointed at.
type auditSource interface {
	Query(context.Context, audit.Filter) ([]audit.Entry, error)
	Verify(context.Context) (audit.Report, error)
}

func exportReview(ctx context.Context, acc *access.Gate, s *Session, src auditSource, f ReviewFilter, format ExportFormat, w io.Writer) error {
	if format != ExportCSV && format != ExportHTML {
		return fmt.Errorf("export: unknown format %q", format)
	}
	if _, err := acc.Check(ctx, s, ActReview, Resource{}, s.Shift, trail.Review{What: "export", Filter: f.String(), Format: string(format)}); err != nil {
		return err
	}
	es, err := src.Query(ctx, f.audit())
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	rep, verr := src.Verify(ctx)
	if verr != nil && rep.Err == nil {
		return fmt.Errorf("export: the chain could not be verified, nothing exported: %w", verr)
	}
	if format == ExportCSV {
		if rep.Err != nil {
			return fmt.Errorf("export: the audit chain is broken, nothing exported: %w", rep.Err)
		}
		return audit.WriteCSV(w, es)
	}
	if err := audit.WriteHTMLReport(w, es, f.String(), rep); err != nil {
		return err
	}
	if rep.Err != nil {
		return fmt.Errorf("export: the audit chain is broken (the report says so): %w", rep.Err)
	}
	return nil
}

// allow is Check folded into one error: nil only when allowed and audited.
func (c *Console) allow(ctx context.Context, s *Session, act Action, res Resource, why Reason, d trail.Detail) error {
	_, err := c.access.Check(ctx, s, act, res, why, d)
	return err
}
