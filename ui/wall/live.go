package wall

import (
	"context"

	"github.com/politiezone/zoneconsole/app"
)

// View is one camera on one tile: an audited interval in app.
type View interface {
	Ready() <-chan struct{}
	Latest() *app.Frame
	Status() app.CameraStatus
	SwitchStream(st app.Stream) error
	// SetSize asks for pictures that fit in w×h pixels (the tile's), the
	// aspect kept; 0, 0 for the stream's own size.
	SetSize(w, h int)
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

// Opener opens a live view: OpenerOf(console) in the app, a fake in tests.
type Opener func(ctx context.Context, s *app.Session, cameraID string, st app.Stream, why app.Reason) (View, error)

// LiveConsole is the console's door to live video (app.Console.OpenLive).
type LiveConsole interface {
	OpenLive(ctx context.Context, s *app.Session, cameraID string, st app.Stream, why app.Reason) (*app.LiveView, error)
}

// OpenerOf adapts OpenLive, keeping a nil *LiveView from becoming a
// non-nil View.
func OpenerOf(c LiveConsole) Opener {
	return func(ctx context.Context, s *app.Session, id string, st app.Stream, why app.Reason) (View, error) {
		v, err := c.OpenLive(ctx, s, id, st, why)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}
