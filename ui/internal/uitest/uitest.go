// Package uitest is what the tests of the ui packages share: a loop that
// plays the UI thread, a look.Env over it, and the window child that grabs
// a real window under X. Only tests import it.
package uitest

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Loop stands in for the UI thread in headless tests: screens post work
// here instead of fyne.Do, and the test goroutine runs it, so widgets are
// only ever touched from one goroutine (the test driver's fyne.Do would run
// it on the caller's goroutine, racing the test).
type Loop struct{ C chan func() }

// NewLoop is a loop with room for a few thousand posts.
func NewLoop() *Loop { return &Loop{C: make(chan func(), 4096)} }

// Do posts fn.
func (l *Loop) Do(fn func()) { l.C <- fn }

// Until runs posted work until cond holds, failing the test after timeout.
func (l *Loop) Until(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case fn := <-l.C:
			fn()
		case <-tick.C:
		}
	}
}

// Drain runs wait (which waits for goroutines that post to the loop) while
// running what they post, so none is stuck.
func (l *Loop) Drain(wait func()) {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	for {
		select {
		case f := <-l.C:
			f()
		case <-done:
			return
		}
	}
}

// Logger is silent unless ZONECONSOLE_TEST_LOG is set.
func Logger() *slog.Logger {
	if os.Getenv("ZONECONSOLE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// App starts a test app with the console's theme, speaking Dutch.
func App(t testing.TB) fyne.App {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(look.NewTheme())
	if err := look.SetLanguage("nl"); err != nil {
		t.Fatal(err)
	}
	return a
}

// Env is a look.Env for sess in w over l. At the end of the test its
// context ends and the goroutines started with Go are waited for, running
// what they post meanwhile.
func Env(t testing.TB, sess *app.Session, w fyne.Window, l *Loop) look.Env {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		l.Drain(wg.Wait)
	})
	goDo := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	return look.Env{Ctx: ctx, Sess: sess, W: w, Do: l.Do, Go: goDo, Log: Logger()}
}
