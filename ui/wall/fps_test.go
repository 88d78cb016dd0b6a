package wall

import (
	"context"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

func TestFPSMeter(t *testing.T) {
	var m fpsMeter
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	if m.frame(t0, 0) || m.label() != "" {
		t.Fatalf("a figure before a second has passed: %q", m.label())
	}
	for i := uint64(1); i < 15; i++ {
		if m.frame(t0.Add(time.Duration(i)*time.Second/15), i) {
			t.Fatalf("figure changed after %d frames, within the first second", i)
		}
	}
	if !m.frame(t0.Add(time.Second), 15) || m.label() != " · 15 fps" {
		t.Errorf("after 15 frames in a second: %q", m.label())
	}
	if m.frame(t0.Add(2*time.Second), 30) {
		t.Errorf("an unchanged rate reported as a change")
	}
	if !m.frame(t0.Add(4*time.Second), 40) || m.label() != " · 5 fps" {
		t.Errorf("after 10 frames in two seconds: %q", m.label())
	}
}

// TestTileShowsPaintedFPS: a live tile's caption says how many frames it
// paints per second.
func TestTileShowsPaintedFPS(t *testing.T) {
	fv := newFakeView()
	s, l := tileScreen(t, func(context.Context, *app.Session, string, app.Stream, app.Reason) (View, error) {
		return fv, nil
	})
	tl := s.wall.tiles[0]
	s.wall.show(tl, app.Camera{ID: "cam01"})
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(time.Second / 10)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fv.pushImage(img)
			}
		}
	}()
	l.Until(t, "an fps figure in the caption", 10*time.Second, func() bool {
		return strings.Contains(tl.stateTxt.Text, " fps")
	})
	if tl.fps.fps < 5 || tl.fps.fps > 12 {
		t.Errorf("caption %q: %d fps for frames sent at 10 a second", tl.stateTxt.Text, tl.fps.fps)
	}
}
