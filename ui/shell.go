package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/politiezone/zoneconsole/app"
)

// alarmEvery is how often the main screen asks the recordings' alarm.
const alarmEvery = 5 * time.Second

// shell is the window's state: which console, who is logged in, which screen
// shows. Its fields belong to the UI thread; goroutines reach it only through
// do (fyne.Do in the app, a queue the test drains in tests).
type shell struct {
	ctx  context.Context
	deps Deps
	w    fyne.Window
	log  *slog.Logger
	do   func(func())

	wallCameras int
	demo        *Demo         // the simulated zone's demo accounts, for the login hint
	alarmEvery  time.Duration // how often the status line asks the alarm

	sess  *app.Session
	main  *mainScreen
	login *loginScreen

	wg       sync.WaitGroup // goroutines started by screens and tiles
	shutOnce sync.Once
}

func newShell(ctx context.Context, deps Deps, w fyne.Window, log *slog.Logger, do func(func())) *shell {
	return &shell{ctx: ctx, deps: deps, w: w, log: log.With("component", "ui"), do: do, alarmEvery: alarmEvery}
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
		if err := s.deps.Sessions.Logout(context.WithoutCancel(s.ctx), s.sess); err != nil && !errors.Is(err, app.ErrNoSession) {
			s.log.Error("logout", "user", s.sess.User.Name, "err", err)
		}
	}
	s.sess = nil
}

// shutdown ends the session when the window closes; idempotent.
func (s *shell) shutdown() {
	s.shutOnce.Do(s.endSession)
}

// wait returns once every goroutine of the shell has ended.
func (s *shell) wait() { s.wg.Wait() }
