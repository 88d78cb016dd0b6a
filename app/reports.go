package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/footage"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/reports"
	"github.com/politiezone/zoneconsole/rounds"
	"github.com/politiezone/zoneconsole/trail"
)

// Report types (package reports).
type (
	AccessRequest = reports.AccessRequest
	ReportLang    = reports.Lang
)

// brussels is where a Belgian council's year begins; UTC when the machine
// has no zone database.
func brussels() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.UTC
}

// AccessReport is the DPO's answer to a data-subject access request: the
// passages and recorded footage that concern a plate and/or a place and a
// period, how long each is kept, and who consulted it, as a printable page.
// The DPO's right and the request's reference are checked, and the report
// is audited (dsar) before anything is read.
func (h *Shell) AccessReport(ctx context.Context, z Zone, req AccessRequest, lang ReportLang, w io.Writer) error {
	if h.sess == nil {
		return ErrNoSession
	}
	why := Reason{Kind: JustAdmin, Ref: req.Reference, Text: "data-subject access request"}
	res := Resource{Plate: anpr.NormalizePattern(req.Plate), Target: "dsar:" + req.Reference}
	if err := h.access.Allow(ctx, h.sess, ActDSAR, res, why, trail.Review{What: "dsar", Filter: req.Plate,
		From: req.From, To: req.To}); err != nil {
		return err
	}
	store, err := anpr.OpenPassages(h.dataDir, anpr.PassagesOptions{Logger: h.log, Retention: z.ANPR.RetentionPeriod()})
	if err != nil {
		return err
	}
	defer store.Close()
	in := reports.AccessInput{Request: req, Zone: z.Name, Cameras: z.Cameras, ImageFile: store.ImagePath,
		PassageRetention: z.ANPR.RetentionPeriod(), FootageRetention: z.Recording.RetentionPeriod(),
		Now: time.Now().UTC(), Location: brussels()}
	if req.Plate != "" {
		if in.Passages, err = store.Search(ctx, anpr.Query{Pattern: req.Plate, From: req.From, To: req.To,
			Cameras: req.Cameras, Limit: 100000}); err != nil {
			return fmt.Errorf("dsar: passages: %w", err)
		}
	}
	if in.Footage, in.Holds, err = h.footageFor(ctx, z, req, in.Passages); err != nil {
		return err
	}
	if in.Audit, err = h.audit.Query(ctx, audit.Filter{From: req.From, To: req.To}); err != nil {
		return fmt.Errorf("dsar: audit: %w", err)
	}
	rep, err := reports.Access(in)
	if err != nil {
		return err
	}
	return rep.WriteHTML(w, lang, z.Cameras)
}

// footageFor lists the recorded segments that concern a request: those of
// the cameras asked about in the period, and of the cameras the plate
// passed, around each passage.
func (h *Shell) footageFor(ctx context.Context, z Zone, req AccessRequest, ps []Passage) ([]recording.Segment, []recording.Hold, error) {
	a, err := footage.OpenIndexOnly(footage.Config{Access: h.access, Zone: z, DataDir: h.dataDir, Console: "shell", Logger: h.log})
	if err != nil {
		return nil, nil, err
	}
	defer a.Close()
	return a.SegmentsFor(ctx, req.Cameras, req.From, req.To, ps)
}

// CouncilReport writes the city council's yearly report of camera use
// (hours viewed live, playbacks, exports, searches, justifications, rounds)
// as CSV or a printable page with charts; a review right, audited.
func (h *Shell) CouncilReport(ctx context.Context, z Zone, year int, format ExportFormat, lang ReportLang, w io.Writer) error {
	if h.sess == nil {
		return ErrNoSession
	}
	loc := brussels()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(1, 0, 0)
	if err := h.access.Allow(ctx, h.sess, ActReview, Resource{Target: fmt.Sprintf("council:%d", year)}, h.sess.Shift,
		trail.Review{What: "council_report", From: from.UTC(), To: to.UTC(), Format: string(format)}); err != nil {
		return err
	}
	// A view started before the year counts for its part inside it.
	es, err := h.audit.Query(ctx, audit.Filter{From: from.Add(-24 * time.Hour).UTC(), To: to.UTC()})
	if err != nil {
		return fmt.Errorf("council report: %w", err)
	}
	rs, err := rounds.Load(ctx, h.dataDir, "", z)
	if err != nil {
		rs = z.Rounds
	}
	rep, err := reports.Council(reports.CouncilInput{Year: year, Zone: z.Name, Cameras: z.Cameras, Rounds: rs,
		Entries: es, Location: loc, Now: time.Now()})
	if err != nil {
		return err
	}
	if format == ExportCSV {
		return rep.WriteCSV(w)
	}
	return rep.WriteHTML(w, lang, time.Now(), loc)
}
