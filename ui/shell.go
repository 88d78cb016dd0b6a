package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
)

// shell is the window's state: which console, who is logged in, which screen
// shows. Its fields belong to the UI thread; goroutines reach it only through
// do (fyne.Do in the app, a queue the test drains in tests).
type shell struct {
	ctx  context.Context
	c    console
	open liveOpener
	w    fyne.Window
	log  *slog.Logger
	do   func(func())

	wallCameras int
	demo        *Demo // the simulated zone's demo accounts, for the login hint

	sess   *app.Session
	reason *app.Reason // the justification the wall was opened under
	main   *mainScreen
	login  *loginScreen
	prompt *reasonPrompt // the justification prompt last shown

	wg       sync.WaitGroup // goroutines started by screens and tiles
	shutOnce sync.Once
}

func newShell(ctx context.Context, c console, open liveOpener, w fyne.Window, log *slog.Logger, do func(func())) *shell {
	return &shell{ctx: ctx, c: c, open: open, w: w, log: log.With("component", "ui"), do: do}
}

// goDo runs fn in a goroutine the shell waits for at shutdown.
func (s *shell) goDo(fn func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
}

// showLogin puts the login screen in the window.
func (s *shell) showLogin() {
	s.login = newLoginScreen(s)
	s.main = nil
	s.w.SetContent(s.login.content)
	s.w.Canvas().Focus(s.login.user)
}

// loggedIn is called on the UI thread when the console accepted a login.
func (s *shell) loggedIn(sess *app.Session) {
	s.sess = sess
	s.login = nil
	s.main = newMainScreen(s)
	s.w.SetContent(s.main.content)
	s.main.start()
}

// logout closes every view of the session and returns to the login screen.
func (s *shell) logout() {
	s.endSession()
	s.showLogin()
}

func (s *shell) endSession() {
	if s.main != nil {
		s.main.stop()
	}
	if s.sess != nil {
		// Logout also closes any view a tile goroutine has not closed yet,
		// so the audit trail never shows a camera left open.
		if err := s.c.Logout(context.WithoutCancel(s.ctx), s.sess); err != nil && !errors.Is(err, app.ErrNoSession) {
			s.log.Error("logout", "user", s.sess.User.Name, "err", err)
		}
	}
	s.sess, s.reason = nil, nil
}

// shutdown ends the session when the window closes; idempotent.
func (s *shell) shutdown() {
	s.shutOnce.Do(s.endSession)
}

// wait returns once every goroutine of the shell has ended.
func (s *shell) wait() { s.wg.Wait() }
