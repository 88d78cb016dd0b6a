package playback

import (
	"context"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
)

// Console is what the playback tab asks of app.Console: the zone's cameras,
// what the session may do, and the recordings (each call decided, and
// audited where it shows footage, by the console).
type Console interface {
	Zone() app.Zone
	Can(s *app.Session, act app.Action) bool
	OpenPlayback(ctx context.Context, s *app.Session, cameraID string, at time.Time, why app.Reason) (*app.Playback, error)
	Timeline(ctx context.Context, s *app.Session, cameraID string, from, to time.Time, why app.Reason) (app.Timeline, error)
	Export(ctx context.Context, s *app.Session, req app.ExportRequest, why app.Reason) (app.ExportResult, error)
}

// MarkConsole is what a console that knows the ANPR passages may offer as
// well: the moments a camera read a plate (or had a hit) in a period, for
// the timeline's marks. It is optional: without it the timeline has none.
type MarkConsole interface {
	PassageMarks(ctx context.Context, s *app.Session, cameraID string, from, to time.Time) ([]time.Time, error)
}

// Marks gives the moments to mark on a camera's timeline between from and
// to (ANPR passages and hits). It runs off the UI thread.
type Marks func(camera string, from, to time.Time) []time.Time

// The actions the tab names.
const (
	actPlayback       = app.ActPlayback
	actExport         = app.ActExport
	actExportUnmasked = app.ActExportUnmasked
)

// maxCameras is how many cameras play together on the one clock.
const maxCameras = 4

// marksOf is the console's marks, when it has them.
func marksOf(ctx context.Context, c Console, s *app.Session) Marks {
	mc, ok := c.(MarkConsole)
	if !ok {
		return nil
	}
	return func(camera string, from, to time.Time) []time.Time {
		ts, err := mc.PassageMarks(ctx, s, camera, from, to)
		if err != nil {
			return nil
		}
		return ts
	}
}

// Title is the tab's name.
func Title() string { return lang.L("playback.tab") }
