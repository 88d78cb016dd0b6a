package wall

import (
	"context"
	"errors"
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/look"
	"github.com/politiezone/zoneconsole/video"
)

// fakeView is a camera whose frames and state the test sets.
type fakeView struct {
	mu     sync.Mutex
	ready  chan struct{}
	next   *image.RGBA
	state  video.State
	stream app.Stream
	closed int
	taken  int
	done   chan struct{}
	code   string
	size   image.Point // as last asked with SetSize
	sizes  int         // SetSize calls
	// readsFn, when set, answers Reads (the plate overlay).
	readsFn func(n int) []app.Read
}

func newFakeView() *fakeView {
	return &fakeView{ready: make(chan struct{}, 1), state: video.StateConnecting, done: make(chan struct{})}
}

func (v *fakeView) Done() <-chan struct{} { return v.done }

func (v *fakeView) EndCode() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.code
}

// end is the console ending the view by policy.
func (v *fakeView) end(code string) {
	v.mu.Lock()
	v.code = code
	v.mu.Unlock()
	close(v.done)
}

func (v *fakeView) push(c uint8, w, h int) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = c
	}
	v.mu.Lock()
	v.next = img
	v.state = video.StateLive
	v.mu.Unlock()
	select {
	case v.ready <- struct{}{}:
	default:
	}
}

func (v *fakeView) set(s video.State) {
	v.mu.Lock()
	v.state = s
	v.mu.Unlock()
}

func (v *fakeView) Ready() <-chan struct{} { return v.ready }

func (v *fakeView) Latest() *app.Frame {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.next == nil {
		return nil
	}
	f := &app.Frame{Image: v.next}
	v.next = nil
	v.taken++
	return f
}

func (v *fakeView) Status() app.CameraStatus {
	v.mu.Lock()
	defer v.mu.Unlock()
	return app.CameraStatus{State: v.state}
}

func (v *fakeView) Recording() app.RecordState { return app.RecordState{Reason: app.RecordOff} }

func (v *fakeView) Reads(n int) []app.Read {
	v.mu.Lock()
	fn := v.readsFn
	v.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(n)
}

func (v *fakeView) SwitchStream(st app.Stream) error {
	v.mu.Lock()
	v.stream = st
	v.mu.Unlock()
	return nil
}

func (v *fakeView) SetSize(w, h int) {
	v.mu.Lock()
	v.size = image.Pt(w, h)
	v.sizes++
	v.mu.Unlock()
}

func (v *fakeView) Close() error {
	v.mu.Lock()
	v.closed++
	v.mu.Unlock()
	return nil
}

func (v *fakeView) get(fn func(v *fakeView)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fn(v)
}

// nowhere is a console with no camera, where live view is possible.
type nowhere struct{}

func (nowhere) Zone() app.Zone                                 { return app.Zone{} }
func (nowhere) Can(*app.Session, app.Action) bool              { return true }
func (nowhere) Suffices(*app.Session, string, app.Reason) bool { return true }

// tileScreen is a wall tab for a logged-in dispatcher whose views come from
// open.
func tileScreen(t testing.TB, open Opener) (*Screen, *uitest.Loop) {
	t.Helper()
	uitest.App(t)
	l := uitest.NewLoop()
	sess := &app.Session{User: app.User{Name: "dispatcher", Role: app.RoleDispatcher}}
	s := New(uitest.Env(t, sess, test.NewWindow(nil), l), nowhere{}, open)
	s.setReason(shiftReason(sess))
	return s, l
}

func TestTileFeed(t *testing.T) {
	fv := newFakeView()
	var opened []app.Stream
	s, l := tileScreen(t, func(_ context.Context, _ *app.Session, id string, st app.Stream, why app.Reason) (View, error) {
		opened = append(opened, st)
		if why.Kind != app.JustShift {
			t.Errorf("view opened under %+v, want the wall's justification", why)
		}
		return fv, nil
	})
	w := s.wall
	tl := w.tiles[0]
	cam := app.Camera{ID: "cam01", Name: "Markt"}
	w.show(tl, cam)
	wait := func(what string, cond func() bool) { l.Until(t, what, 5*time.Second, cond) }

	wait("connecting", func() bool { return tl.state == stConnecting })
	if tl.name.Text != "Markt" || tl.stateTxt.Text != lang.L("state.connecting") || tl.stateTxt.Color != look.ColConnecting {
		t.Errorf("caption %q / %q", tl.name.Text, tl.stateTxt.Text)
	}

	// Frames: the tile shows the newest and swaps between two buffers of
	// its own, whatever the number of frames.
	bufs := map[*image.RGBA]bool{}
	for i := 1; i <= 20; i++ {
		fv.push(uint8(i), 64, 36)
		wait("frame shown", func() bool { return tl.frames() == uint64(i) })
		bufs[tl.feed.front] = true
		if got := tl.img.Image.(*image.RGBA); got != tl.feed.front || got.Pix[0] != uint8(i) {
			t.Fatalf("frame %d: tile shows %v", i, got.At(0, 0))
		}
	}
	if len(bufs) != 2 {
		t.Errorf("tile used %d buffers for 20 frames, want 2", len(bufs))
	}
	wait("live", func() bool { return tl.state == stLive })
	if tl.hint.Visible() {
		t.Errorf("hint %q shown over live video", tl.hint.Text)
	}

	t.Run("a slow screen queues at most one frame", func(t *testing.T) {
		before := tl.frames()
		for i := 0; i < 50; i++ {
			fv.push(200, 64, 36)
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		if n := len(l.C); n > 3 {
			t.Errorf("%d updates queued for the UI thread after 50 frames, want at most a swap and a state", n)
		}
		wait("the newest frame", func() bool { return tl.frames() > before && tl.feed.front.Pix[0] == 200 })
	})

	t.Run("lost and back", func(t *testing.T) {
		fv.set(video.StateLost)
		wait("lost", func() bool { return tl.state == stLost })
		if !tl.hint.Visible() || tl.hint.Text != lang.L("wall.tile.lost") || tl.stateTxt.Color != look.ColLost {
			t.Errorf("lost tile: hint %q visible=%v", tl.hint.Text, tl.hint.Visible())
		}
		if st := w.cameraState("cam01"); st != stLost {
			t.Errorf("tree state %s, want lost", st)
		}
		fv.push(9, 64, 36)
		wait("live again", func() bool { return tl.state == stLive })
		if tl.hint.Visible() {
			t.Errorf("hint still shown after the camera came back")
		}
	})

	t.Run("enlarge uses the main stream", func(t *testing.T) {
		test.DoubleTap(tl)
		wait("main stream", func() bool {
			var st app.Stream
			fv.get(func(v *fakeView) { st = v.stream })
			return st == app.StreamMain
		})
		fv.push(1, 128, 72)
		wait("a main frame", func() bool { return tl.feed.front.Bounds().Dx() == 128 })
		test.DoubleTap(tl)
		wait("sub stream", func() bool {
			var st app.Stream
			fv.get(func(v *fakeView) { st = v.stream })
			return st == app.StreamSub
		})
	})

	t.Run("clearing closes the view once", func(t *testing.T) {
		tl.clear()
		wait("closed", func() bool {
			n := 0
			fv.get(func(v *fakeView) { n = v.closed })
			return n == 1
		})
		if tl.img.Image != nil || !tl.hint.Visible() || tl.hint.Text != lang.L("wall.tile.empty") {
			t.Errorf("cleared tile still shows something")
		}
	})
	if len(opened) != 1 || opened[0] != app.StreamSub {
		t.Errorf("views opened: %v, want one sub stream", opened)
	}
}

func TestTileShowsPlateReads(t *testing.T) {
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	var mu sync.Mutex
	var reads []app.Read
	fv.mu.Lock()
	fv.readsFn = func(n int) []app.Read {
		mu.Lock()
		defer mu.Unlock()
		return append([]app.Read(nil), reads...)
	}
	fv.mu.Unlock()
	w := s.wall
	anprTile, plainTile := w.tiles[0], w.tiles[1]
	w.show(anprTile, app.Camera{ID: "cam03", Name: "N79", Kind: app.KindANPRFixed})
	w.show(plainTile, app.Camera{ID: "cam01", Name: "Markt", Kind: app.KindFixed})
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	mu.Lock()
	reads = []app.Read{{Camera: "cam03", Time: at, Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.97}}
	mu.Unlock()
	l.Until(t, "a read on the ANPR tile", 5*time.Second, func() bool { return anprTile.readsBox.Visible() })
	line := anprTile.reads.Objects[0].(*canvas.Text).Text
	if !strings.Contains(line, "1-ABC-123") || !strings.Contains(line, "BE") || !strings.Contains(line, "97%") {
		t.Errorf("read line %q", line)
	}
	mu.Lock()
	reads = append([]app.Read{{Camera: "cam03", Time: at.Add(time.Second), Plate: "2XYZ987", Display: "2-XYZ-987", Country: "BE", Confidence: 0.9}}, reads...)
	mu.Unlock()
	l.Until(t, "the newer read first", 5*time.Second, func() bool {
		return len(anprTile.reads.Objects) == 2 && strings.Contains(anprTile.reads.Objects[0].(*canvas.Text).Text, "2-XYZ-987")
	})
	if plainTile.readsBox.Visible() {
		t.Error("a camera without ANPR shows reads")
	}
	anprTile.clear()
	if anprTile.readsBox.Visible() {
		t.Error("reads stay after the camera left the tile")
	}
}

func TestTileEndedByConsole(t *testing.T) {
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	w := s.wall
	tl := w.tiles[0]
	w.show(tl, app.Camera{ID: "cam01", Name: "Markt"})
	fv.push(50, 64, 36)
	l.Until(t, "a frame", 5*time.Second, func() bool { return tl.frames() == 1 })
	fv.end(app.CodeGuardWithoutSupervisor)
	l.Until(t, "the end", 5*time.Second, func() bool { return tl.state == stDenied })
	want := lang.L("wall.tile.ended_because", map[string]any{"Reason": look.DecisionText(app.CodeGuardWithoutSupervisor)})
	if tl.hint.Text != want || !tl.hint.Visible() {
		t.Errorf("hint %q, want %q", tl.hint.Text, want)
	}
	if tl.img.Image != nil {
		t.Error("the last picture stays on screen after the console ended the view")
	}
	l.Until(t, "the view closed", 5*time.Second, func() bool {
		n := 0
		fv.get(func(v *fakeView) { n = v.closed })
		return n == 1
	})
}

func TestTileRefused(t *testing.T) {
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return nil, &app.DeniedError{Decision: app.Decision{Code: app.CodeGrantRequired, Message: "no grant"}}
	})
	w := s.wall
	tl := w.tiles[0]
	w.show(tl, app.Camera{ID: "cam01", Name: "Markt"})
	l.Until(t, "refusal", 5*time.Second, func() bool { return tl.state == stDenied })
	if want := look.DecisionText(app.CodeGrantRequired); tl.hint.Text != want {
		t.Errorf("hint %q, want %q", tl.hint.Text, want)
	}
	if got := look.DeniedText(errors.New("disk full")); got != lang.L("error.generic", map[string]any{"Error": "disk full"}) {
		t.Errorf("look.DeniedText(other error) = %q", got)
	}
}

func (v *fakeView) pushImage(img *image.RGBA) {
	v.mu.Lock()
	v.next = img
	v.state = video.StateLive
	v.mu.Unlock()
	select {
	case v.ready <- struct{}{}:
	default:
	}
}

// BenchmarkTileFrame measures what the wall costs per frame of a sub stream
// (640x360) on one tile, from the view's slot to the swapped buffer: the
// copy, the hand-over to the UI thread and the swap. Painting is the GPU's.
func BenchmarkTileFrame(b *testing.B) {
	fv := newFakeView()
	s, l := tileScreen(b, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	w := s.wall
	tl := w.tiles[0]
	w.show(tl, app.Camera{ID: "cam01"})
	src := [2]*image.RGBA{image.NewRGBA(image.Rect(0, 0, 640, 360)), image.NewRGBA(image.Rect(0, 0, 640, 360))}
	fv.pushImage(src[1])
	l.Until(b, "first frame", 5*time.Second, func() bool { return tl.frames() == 1 })
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fv.pushImage(src[i%2])
		want := uint64(i + 2)
		l.Until(b, "frame", 5*time.Second, func() bool { return tl.frames() == want })
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
