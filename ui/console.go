package ui

import (
	"context"

	"github.com/politiezone/zoneconsole/app"
)

// console is what the UI asks of app.Console. Declared here, by the
// consumer, so a screen's tests can stand in a fake for one method.
type console interface {
	Zone() app.Zone
	Login(ctx context.Context, name, password string) (*app.Session, error)
	Logout(ctx context.Context, s *app.Session) error
	Watching(ctx context.Context, s *app.Session) ([]app.Watch, error)
}

// liveView is one camera on one tile: an audited interval in app.
type liveView interface {
	Ready() <-chan struct{}
	Latest() *app.Frame
	Status() app.CameraStatus
	SwitchStream(st app.Stream) error
	// Reads are the newest plate reads of an ANPR camera, for the overlay;
	// empty when the session's role may not see plates.
	Reads(n int) []app.Read
	// Recording is whether the camera is being recorded, and why not.
	Recording() app.RecordState
	// Done is closed when the view ended, by Close or because the console
	// ended it (a guard's team chief left, a grant ran out); EndCode says why.
	Done() <-chan struct{}
	EndCode() string
	Close() error
}

// liveOpener opens a live view; for *app.Console it is OpenLive.
type liveOpener func(ctx context.Context, s *app.Session, cameraID string, st app.Stream, why app.Reason) (liveView, error)

// openerOf adapts app.Console.OpenLive, keeping a nil *LiveView from
// becoming a non-nil interface.
func openerOf(c *app.Console) liveOpener {
	return func(ctx context.Context, s *app.Session, id string, st app.Stream, why app.Reason) (liveView, error) {
		v, err := c.OpenLive(ctx, s, id, st, why)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}
