package wall

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// openConsole opens a real console over a temporary data directory and a
// small simulated zone.
func openConsole(t testing.TB, cameras int) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: cameras, Logger: uitest.Logger()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { sz.Close() })
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "console-test", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
	if err != nil {
		cancel()
		t.Fatalf("app.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("console close: %v", err)
		}
		cancel()
	})
	return c
}

// harness is the wall tab in a test window over a real console, for a
// user logged in on it.
type harness struct {
	t    testing.TB
	c    *app.Console
	sess *app.Session
	scr  *Screen
	w    fyne.Window
	loop *uitest.Loop
}

// newHarness logs user in and shows the wall tab, started as the shell
// starts it on the simulated zone (fill cameras on the wall).
func newHarness(t testing.TB, c *app.Console, user string, fill int) *harness {
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
		// After the env's cleanup (registered below, run first): the
		// screen's goroutines have ended.
		_ = c.Logout(context.Background(), sess)
		w.Close()
	})
	env := uitest.Env(t, sess, w, h.loop)
	t.Cleanup(func() { h.scr.Stop() })
	h.scr = New(env, c, OpenerOf(c))
	w.SetContent(h.scr.Content())
	h.scr.Start(fill)
	return h
}

func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	h.loop.Until(h.t, what, 30*time.Second, cond)
}

// confirmPrompt confirms the justification prompt with one click.
func (h *harness) confirmPrompt() {
	h.t.Helper()
	h.until("justification prompt", func() bool { return h.scr.prompt != nil })
	test.Tap(h.scr.prompt.confirm)
	if h.scr.reason == nil {
		h.t.Fatalf("prompt confirmed, wall has no justification (message %q)", h.scr.prompt.Message.Text)
	}
}

// liveTiles counts the visible tiles that show live frames.
func (h *harness) liveTiles() int { return h.scr.Live(1) }

// chief logs a team chief in directly, for reading the audit trail.
func chief(t testing.TB, c *app.Console) *app.Session {
	t.Helper()
	s, err := c.Login(context.Background(), "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatalf("team chief login: %v", err)
	}
	t.Cleanup(func() { _ = c.Logout(context.Background(), s) })
	return s
}

// liveEntries returns the live.start and live.stop actions the audit trail
// holds for a camera, in order.
func liveEntries(t testing.TB, c *app.Console, by *app.Session, camera string) []string {
	t.Helper()
	es, err := c.Review(context.Background(), by, app.ReviewFilter{Camera: camera})
	if err != nil {
		t.Fatalf("review: %v", err)
	}
	var out []string
	for _, e := range es {
		if a := string(e.Action); a == "live.start" || a == "live.stop" {
			out = append(out, a+"/"+string(e.Outcome))
		}
	}
	return out
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
