package wall

import (
	"context"
	"image"
	"log/slog"
	"time"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// statusEvery is how often a tile asks its camera's state; a lost camera
// shows so within this time, and shows live again when frames come back.
const statusEvery = 400 * time.Millisecond

// feed is one camera on one tile. Its goroutine owns the live view from
// OpenLive to Close, so the audited interval ends exactly when the feed
// does, whatever ended it (tile closed, camera replaced, logout, window
// closed).
//
// Frames reach the screen through two buffers owned by the feed. The
// goroutine copies the newest frame into back only while it holds token;
// it hands token over with the swap it posts to the UI thread, which shows
// back as the new front and returns token. So at most one swap per tile is
// ever queued, a slow screen drops frames in the view's latest-frame slot,
// and no buffer is allocated per frame.
type feed struct {
	cam    app.Camera
	why    app.Reason // the justification the view is opened under
	cancel context.CancelFunc
	// streamReq carries the latest SwitchStream request (enlarge/restore).
	streamReq chan app.Stream
	// sizeReq carries the tile's latest size in pixels, for View.SetSize.
	sizeReq chan image.Point
	token   chan struct{}
	front   *image.RGBA
	back    *image.RGBA
	frames  uint64 // frames shown; UI thread only
}

// feedHooks are the feed's calls back into its tile, run on the UI thread.
type feedHooks struct {
	opened func(err error)
	state  func(camState)
	frame  func()
	reads  func([]app.Read)
	// ended runs when the console ended the view (code says why).
	ended func(code string)
	// recording gets the camera's recording state when it changes.
	recording func(app.RecordState)
}

// readsShown is how many plate reads an ANPR tile lists.
const readsShown = 3

func newFeed(cam app.Camera, why app.Reason) *feed {
	f := &feed{cam: cam, why: why, streamReq: make(chan app.Stream, 1), sizeReq: make(chan image.Point, 1), token: make(chan struct{}, 1)}
	f.token <- struct{}{}
	return f
}

// switchStream asks the goroutine to move to st; the latest request wins.
func (f *feed) switchStream(st app.Stream) {
	for {
		select {
		case f.streamReq <- st:
			return
		default:
			select {
			case <-f.streamReq:
			default:
			}
		}
	}
}

// setSize asks the goroutine to pass the tile's new pixel size to the view
// (the camera then converts its pictures at that size); the latest wins.
func (f *feed) setSize(px image.Point) {
	for {
		select {
		case f.sizeReq <- px:
			return
		default:
			select {
			case <-f.sizeReq:
			default:
			}
		}
	}
}

// run opens the view and pumps frames and states until ctx ends. do posts
// to the UI thread; post wraps it so calls for a replaced feed are dropped.
// paint does the same for new frames, through the wall's painter.
//
// withReads: the view's plate reads are polled with the state (an ANPR
// camera), and a changed list is posted.
func (f *feed) run(ctx context.Context, open func(context.Context, app.Stream) (View, error), st app.Stream,
	withReads bool, post, paint func(func()), h feedHooks, log *slog.Logger) {
	view, err := open(ctx, st)
	post(func() { h.opened(err) })
	if err != nil {
		return
	}
	defer func() {
		if err := view.Close(); err != nil {
			log.Error("closing live view", "camera", f.cam.ID, "err", err)
		}
	}()
	tick := time.NewTicker(statusEvery)
	defer tick.Stop()
	last := camState("")
	var lastRead app.Read
	state := func() {
		if s := stateOf(view.Status()); s != last {
			last = s
			post(func() { h.state(s) })
		}
	}
	// report is the tick's poll: the state, and the plate reads (which
	// take the dispatch lock and allocate, so never once per frame).
	var lastRec app.RecordReason = -1
	report := func() {
		state()
		if rs := view.Recording(); rs.Reason != lastRec && h.recording != nil {
			lastRec = rs.Reason
			post(func() { h.recording(rs) })
		}
		if !withReads {
			return
		}
		if rs := view.Reads(readsShown); len(rs) > 0 && (rs[0].Time != lastRead.Time || rs[0].Plate != lastRead.Plate) {
			lastRead = rs[0]
			post(func() { h.reads(rs) })
		}
	}
	report()
	for {
		select {
		case <-ctx.Done():
			return
		case <-view.Done():
			// The console ended the view: the ground for watching is gone.
			code := view.EndCode()
			post(func() { h.ended(code) })
			return
		case st := <-f.streamReq:
			// The view keeps the tile's size across the switch, and the
			// tile its last picture until the new stream's first one.
			if err := view.SwitchStream(st); err != nil {
				log.Error("switching stream", "camera", f.cam.ID, "stream", st, "err", err)
			}
		case px := <-f.sizeReq:
			view.SetSize(px.X, px.Y)
		case <-tick.C:
			report()
		case <-view.Ready():
			select {
			case <-ctx.Done():
				return
			case <-f.token:
			}
			fr := view.Latest()
			if fr == nil {
				f.token <- struct{}{}
				continue
			}
			f.back = look.CopyFrame(f.back, fr.Image)
			fr.Release()
			paint(func() {
				f.front, f.back = f.back, f.front
				f.frames++
				h.frame()
				f.token <- struct{}{}
			})
			state()
		}
	}
}
