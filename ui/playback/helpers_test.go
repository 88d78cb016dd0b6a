package playback

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// openSim starts a simulated zone over dir and opens a console on it; stop
// closes both.
func openSim(ctx context.Context, cfg app.Config, cameras int) (c *app.Console, stop func() error, err error) {
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: cfg.DataDir, Cameras: cameras, Logger: cfg.Logger})
	if err != nil {
		return nil, nil, err
	}
	cfg.Zone, cfg.Injector = sz.Zone, sz
	if cfg.Console == "" {
		cfg.Console = "console-test"
	}
	if c, err = app.Open(ctx, cfg); err != nil {
		sz.Close()
		return nil, nil, err
	}
	return c, func() error { err := c.Close(); sz.Close(); return err }, nil
}

// record records the simulated zone in dir for d (every camera recording),
// then closes that console, which ends the segments: a finished recording
// of about [from, to].
func record(ctx context.Context, dir string, cameras int, d time.Duration) (from, to time.Time, err error) {
	c, stop, err := openSim(ctx, app.Config{DataDir: dir, Logger: uitest.Logger(), Record: true}, cameras)
	if err != nil {
		return from, to, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := 1; i <= cameras; i++ {
		for id := fmt.Sprintf("cam%02d", i); !c.RecordingStatus(id).Recording; {
			if time.Now().After(deadline) {
				stop()
				return from, to, fmt.Errorf("camera %s does not record", id)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	from = time.Now()
	time.Sleep(d)
	to = time.Now()
	return from, to, stop()
}

// recordedConsole records the zone for d and opens a console (not
// recording) on what was recorded, as a console the next day would.
func recordedConsole(t testing.TB, cameras int, d time.Duration) (c *app.Console, from, to time.Time) {
	t.Helper()
	dir := t.TempDir()
	from, to, err := record(context.Background(), dir, cameras, d)
	if err != nil {
		t.Fatal(err)
	}
	return openConsole(t, dir, cameras, nil), from, to
}

// openConsole opens a console over dir (the console's clock now, when set).
func openConsole(t testing.TB, dir string, cameras int, now func() time.Time) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, stop, err := openSim(ctx, app.Config{DataDir: dir, Logger: uitest.Logger(), Now: now}, cameras)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("console close: %v", err)
		}
		cancel()
	})
	return c
}

// harness is the playback tab in a test window over a real console, for a
// user logged in on it.
type harness struct {
	t    testing.TB
	c    *app.Console
	sess *app.Session
	scr  *Screen
	w    fyne.Window
	loop *uitest.Loop
}

func newHarness(t testing.TB, c *app.Console, user string) *harness {
	t.Helper()
	uitest.App(t)
	sess, err := c.Login(context.Background(), user, simzone.DemoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1400, 900))
	h := &harness{t: t, c: c, sess: sess, w: w, loop: uitest.NewLoop()}
	t.Cleanup(func() {
		_ = c.Logout(context.Background(), sess)
		w.Close()
	})
	env := uitest.Env(t, sess, w, h.loop)
	h.scr = New(env, c)
	t.Cleanup(h.scr.Stop) // before the env's cleanup, which waits for the goroutines
	w.SetContent(h.scr.Content())
	return h
}

func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	h.loop.Until(h.t, what, 30*time.Second, cond)
}

// pick checks the cameras in the picker (by id).
func (h *harness) pick(ids ...string) {
	h.t.Helper()
	var labels []string
	for _, id := range ids {
		for l, c := range h.scr.labels {
			if c.ID == id {
				labels = append(labels, l)
			}
		}
	}
	h.scr.picker.SetSelected(labels)
}

// justify answers the prompt with an administrative mission.
func (h *harness) justify() {
	h.t.Helper()
	h.until("justification prompt", func() bool { return h.scr.prompt != nil })
	p := h.scr.prompt
	for i, k := range p.Kinds {
		if k == app.JustAdmin {
			p.Kind.SetSelectedIndex(i)
		}
	}
	p.Ref.SetText("BM-2026-7")
	p.Text.SetText("vandalisme bushokje")
	test.Tap(p.confirm)
	if h.scr.reason == nil {
		h.t.Fatalf("prompt confirmed, the tab has no justification (message %q)", p.Message.Text)
	}
}

// actions returns the playback and playback.stop entries of the audit
// trail for a camera, as a team chief reads them.
func actions(t testing.TB, c *app.Console, camera string) map[string]int {
	t.Helper()
	chief, err := c.Login(context.Background(), "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatalf("team chief login: %v", err)
	}
	defer c.Logout(context.Background(), chief)
	es, err := c.Review(context.Background(), chief, app.ReviewFilter{Camera: camera})
	if err != nil {
		t.Fatalf("review: %v", err)
	}
	out := map[string]int{}
	for _, e := range es {
		out[string(e.Action)+"/"+string(e.Outcome)]++
	}
	return out
}
