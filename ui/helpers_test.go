package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
	"github.com/politiezone/zoneconsole/ui/wall"
)

// openConsole opens a real console over a temporary data directory and a
// small simulated zone.
func openConsole(t testing.TB, cameras int) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := openSim(ctx, t, app.Config{DataDir: t.TempDir(), Console: "console-test", Logger: uitest.Logger()}, cameras)
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

// harness is a shell in a test window over a real console.
type harness struct {
	t    testing.TB
	s    *shell
	w    fyne.Window
	loop *uitest.Loop
}

func newHarness(t testing.TB, c *app.Console) *harness {
	t.Helper()
	return newHarnessWith(t, DepsOf(c))
}

// newHarnessWith is a harness over deps (a fake in one field, say).
func newHarnessWith(t testing.TB, deps Deps) *harness {
	t.Helper()
	uitest.App(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1400, 900))
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, w: w, loop: uitest.NewLoop()}
	h.s = newShell(ctx, deps, w, uitest.Logger(), h.loop.Do)
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
			case fn := <-h.loop.C:
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
	h.loop.Until(h.t, what, 30*time.Second, cond)
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

// prompt waits for the wall's justification prompt.
func (h *harness) prompt() *wall.Prompt {
	h.t.Helper()
	h.until("justification prompt", func() bool { return h.s.main != nil && h.s.main.wall != nil && h.s.main.wall.Prompt() != nil })
	return h.s.main.wall.Prompt()
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
