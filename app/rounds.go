package app

import (
	"context"
	"io"
	"time"

	"github.com/politiezone/zoneconsole/rounds"
)

// Virtual patrols (package rounds): the console's methods keep the names
// the screens know.

// Rounds lists the zone's rounds as they stand now.
func (c *Console) Rounds(ctx context.Context) ([]Round, error) { return c.rounds.Rounds(ctx) }

// Round returns one round by name.
func (c *Console) Round(ctx context.Context, name string) (Round, error) {
	return c.rounds.Round(ctx, name)
}

// SaveRound creates or replaces a round (checked and audited as round.edit).
func (c *Console) SaveRound(ctx context.Context, s *Session, old string, r Round) error {
	return c.rounds.Save(ctx, s, old, r)
}

// DeleteRound removes a round (checked and audited as round.edit).
func (c *Console) DeleteRound(ctx context.Context, s *Session, name string) error {
	return c.rounds.Delete(ctx, s, name)
}

// StartRound runs a round for the session (round.start audited; every
// camera shown is its own audited live view).
func (c *Console) StartRound(ctx context.Context, s *Session, name, text string, opts RoundOptions) (*RoundRun, error) {
	return c.rounds.Start(ctx, s, name, text, opts)
}

// RoundReports returns the visit reports of [from, to) (checked and audited).
func (c *Console) RoundReports(ctx context.Context, s *Session, from, to time.Time) ([]RoundReport, error) {
	return c.rounds.Reports(ctx, s, from, to)
}

// RoundReport returns the report of one run (checked and audited).
func (c *Console) RoundReport(ctx context.Context, s *Session, runID string) (RoundReport, error) {
	return c.rounds.ReportOf(ctx, s, runID)
}

// RoundCoverage computes the coverage of [from, to) (checked and audited).
func (c *Console) RoundCoverage(ctx context.Context, s *Session, from, to time.Time) (Coverage, error) {
	return c.rounds.CoverageOf(ctx, s, from, to)
}

// ExportRoundReports writes the reports of [from, to) as CSV or printable
// HTML (checked and audited).
func (c *Console) ExportRoundReports(ctx context.Context, s *Session, from, to time.Time, format ExportFormat, w io.Writer) error {
	return c.rounds.Export(ctx, s, from, to, rounds.Format(format), w)
}

// ListRounds reads the rounds without a running console (the CLI).
func ListRounds(ctx context.Context, dataDir, zonePath string) ([]Round, bool, error) {
	return rounds.ListRounds(ctx, dataDir, zonePath)
}

// Round types (package rounds), under their console names.
type (
	RoundRun         = rounds.Run
	RoundOptions     = rounds.Options
	RoundState       = rounds.State
	RoundEvent       = rounds.Event
	RoundEventKind   = rounds.EventKind
	RoundSlot        = rounds.Slot
	RoundReport      = rounds.Report
	RoundVisit       = rounds.Visit
	RoundObservation = rounds.Observation
	RoundHTMLOptions = rounds.HTMLOptions
	VisitStatus      = rounds.VisitStatus
	Coverage         = rounds.Coverage
	CameraCoverage   = rounds.CameraCoverage
	AreaCoverage     = rounds.AreaCoverage
)

// Round constants.
const (
	RoundCompleted   = rounds.Completed
	RoundStopped     = rounds.Stopped
	RoundAborted     = rounds.Aborted
	RoundStepStarted = rounds.StepStarted
	RoundTick        = rounds.Tick
	RoundSkipped     = rounds.Skipped
	RoundPaused      = rounds.Paused
	RoundResumed     = rounds.Resumed
	RoundObserved    = rounds.Observed
	RoundEnded       = rounds.Ended
	RoundsDBName     = rounds.DBName
	VisitOpening     = rounds.VisitOpening
	VisitSeen        = rounds.VisitSeen
	VisitLost        = rounds.VisitLost
	VisitRefused     = rounds.VisitRefused
)

// ErrNoCameraOnScreen: an observation needs a camera of the step on screen.
var ErrNoCameraOnScreen = rounds.ErrNoCameraOnScreen

// RoundReason is the justification of a run: "virtual patrol: <round>".
func RoundReason(round string) Reason { return rounds.ReasonFor(round) }

// CameraNames maps camera ids to names for the reports.
func CameraNames(cams []Camera) map[string]string { return rounds.CameraNames(cams) }

// WriteRoundReportsCSV writes reports as CSV.
func WriteRoundReportsCSV(w io.Writer, reps []RoundReport) error { return rounds.WriteCSV(w, reps) }

// WriteRoundReportsHTML writes reports as a printable page.
func WriteRoundReportsHTML(w io.Writer, reps []RoundReport, opt RoundHTMLOptions) error {
	return rounds.WriteHTML(w, reps, opt)
}
