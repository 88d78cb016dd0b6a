package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/footage"
	"github.com/politiezone/zoneconsole/recording"
)

// Recordings (package footage).

// RecordingStatus tells whether a camera records and why not (the wall's
// tile shows it); it says nothing of what was recorded.
func (c *Console) RecordingStatus(cameraID string) RecordState {
	if c.footage == nil {
		return RecordState{Reason: RecordError, Err: c.footageErr}
	}
	return c.footage.Status(cameraID)
}

// RecordingAlarm is the recordings' disk alarm for a team chief or an
// administrator (empty for everyone else, and when all is well).
func (c *Console) RecordingAlarm(s *Session) RecordAlarm {
	if c.footage == nil {
		if c.access.May(s, ActLiveReview) || c.access.May(s, ActSettings) {
			return RecordAlarm{Kind: AlarmUnavailable, Text: fmt.Sprintf("recordings unavailable: %v", c.footageErr)}
		}
		return RecordAlarm{}
	}
	return c.footage.Alarm(s)
}

// errNoRecordings is returned by what needs the recordings when they could
// not be opened.
var errNoRecordings = errors.New("the recordings could not be opened (see the log)")

// PlaceHold puts footage under an evidence hold (checked and audited).
func (c *Console) PlaceHold(ctx context.Context, s *Session, req HoldRequest, why Reason) (Hold, error) {
	if c.footage == nil {
		return Hold{}, errNoRecordings
	}
	return c.footage.PlaceHold(ctx, s, req, why)
}

// ReleaseHold ends an evidence hold (checked and audited).
func (c *Console) ReleaseHold(ctx context.Context, s *Session, id int64, why Reason) (Hold, error) {
	if c.footage == nil {
		return Hold{}, errNoRecordings
	}
	return c.footage.ReleaseHold(ctx, s, id, why)
}

// Holds lists the evidence holds (checked and audited).
func (c *Console) Holds(ctx context.Context, s *Session, why Reason) ([]Hold, error) {
	if c.footage == nil {
		return nil, errNoRecordings
	}
	return c.footage.Holds(ctx, s, why)
}

// CleanRecordings runs the retention and disk cleaner now (audited as the
// scheduled runs are).
func (c *Console) CleanRecordings(ctx context.Context) (recording.CleanReport, error) {
	if c.footage == nil {
		return recording.CleanReport{}, errNoRecordings
	}
	return c.footage.Clean(ctx)
}

// Recording types, under their console names.
type (
	RecordState  = recording.Status
	RecordReason = recording.Reason
	RecordAlarm  = footage.Alarm
	AlarmKind    = footage.AlarmKind
	Hold         = footage.Hold
	HoldRequest  = footage.HoldRequest
)

// Recording constants.
const (
	RecordRecording    = recording.ReasonRecording
	RecordOff          = recording.ReasonOff
	RecordCodecRefused = recording.ReasonCodecRefused
	RecordDiskFull     = recording.ReasonDiskFull
	RecordOnlyHeldLeft = recording.ReasonOnlyHeldLeft
	RecordNoStream     = recording.ReasonNoStream
	RecordError        = recording.ReasonError

	AlarmNone         = footage.AlarmNone
	AlarmNearlyFull   = footage.AlarmNearlyFull
	AlarmOnlyHeldLeft = footage.AlarmOnlyHeldLeft
	AlarmDiskFull     = footage.AlarmDiskFull
	AlarmUnavailable  = footage.AlarmUnavailable
)

// OpenPlayback opens a camera's recordings at a moment for a session: the
// policy decides on the footage's age and the camera before any frame is
// decoded, and the interval is audited like a live view.
func (c *Console) OpenPlayback(ctx context.Context, s *Session, cameraID string, at time.Time, why Reason) (*Playback, error) {
	if c.footage == nil {
		return nil, errNoRecordings
	}
	return c.footage.OpenPlayback(ctx, s, cameraID, at, why)
}

// Timeline is a camera's recorded, missing and held periods.
func (c *Console) Timeline(ctx context.Context, s *Session, cameraID string, from, to time.Time, why Reason) (Timeline, error) {
	if c.footage == nil {
		return Timeline{}, errNoRecordings
	}
	return c.footage.TimelineOf(ctx, s, cameraID, from, to, why)
}

// Playback types (package footage).
type (
	Playback      = footage.Playback
	PlaybackFrame = footage.Frame
	Timeline      = footage.Timeline
)

// Export writes footage to a folder a court can verify (checked per camera
// and as a whole, audited with its outcome); an export without masks is its
// own right.
func (c *Console) Export(ctx context.Context, s *Session, req ExportRequest, why Reason) (ExportResult, error) {
	if c.footage == nil {
		return ExportResult{}, errNoRecordings
	}
	return c.footage.Export(ctx, s, req, why)
}

// Export types (package footage).
type (
	ExportRequest = footage.ExportRequest
	ExportResult  = footage.ExportResult
)
