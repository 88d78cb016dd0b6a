package ui

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
)

// loop stands in for the UI thread in headless tests: the shell posts work
// here instead of fyne.Do, and the test goroutine runs it, so widgets are
// only ever touched from one goroutine (the test driver's fyne.Do would run
// it on the caller's goroutine, racing the test).
type loop struct{ ch chan func() }

func newLoop() *loop { return &loop{ch: make(chan func(), 4096)} }

func (l *loop) do(fn func()) { l.ch <- fn }

// until runs posted work until cond holds, failing the test after timeout.
func (l *loop) until(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case fn := <-l.ch:
			fn()
		case <-tick.C:
		}
	}
}

// openConsole opens a real console over a temporary data directory and a
// small simulated zone.
func openConsole(t testing.TB, cameras int) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := openSim(ctx, t, app.Config{DataDir: t.TempDir(), Console: "console-test", Logger: testLogger()}, cameras)
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

func testLogger() *slog.Logger {
	if os.Getenv("ZONECONSOLE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// harness is a shell in a test window over a real console.
type harness struct {
	t    testing.TB
	c    *app.Console
	s    *shell
	w    fyne.Window
	loop *loop
}

func newHarness(t testing.TB, c *app.Console) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newTheme())
	if err := setLanguage("nl"); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1400, 900))
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, c: c, w: w, loop: newLoop()}
	h.s = newShell(ctx, c, openerOf(c), w, testLogger(), h.loop.do)
	h.s.demo = &Demo{Users: simzone.DemoUsers(), Password: simzone.DemoPassword}
	h.s.showLogin()
	t.Cleanup(func() {
		h.s.shutdown()
		cancel()
		// Drain posted work while the shell's goroutines end, so none is
		// stuck posting to a loop nobody reads.
		done := make(chan struct{})
		go func() { h.s.wait(); close(done) }()
		for {
			select {
			case fn := <-h.loop.ch:
				fn()
			case <-done:
				w.Close()
				return
			}
		}
	})
	return h
}

func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	h.loop.until(h.t, what, 30*time.Second, cond)
}

// login types the credentials and presses the button, then waits for the
// console's answer.
func (h *harness) login(user, password string) {
	h.t.Helper()
	l := h.s.login
	if l == nil {
		h.t.Fatal("login screen not shown")
	}
	test.Type(l.user, user)
	test.Type(l.password, password)
	test.Tap(l.button)
	h.until("login answer", func() bool { return h.s.login != l || !l.busy })
}

// confirmPrompt confirms the justification prompt with one click.
func (h *harness) confirmPrompt() {
	h.t.Helper()
	h.until("justification prompt", func() bool { return h.s.prompt != nil })
	test.Tap(h.s.prompt.confirm)
	if h.s.reason == nil {
		h.t.Fatalf("prompt confirmed, wall has no justification (message %q)", h.s.prompt.message.Text)
	}
}

// liveTiles counts the visible tiles that show live frames.
func (h *harness) liveTiles() int {
	n := 0
	for _, t := range h.s.main.wall.visible() {
		if t.state == stLive && t.frames() > 0 {
			n++
		}
	}
	return n
}

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
