package ui

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// idleEvery is how often the main screen passes activity on to the console
// and asks whether the session has locked.
const idleEvery = time.Second

// Idle is what the idle lock asks of app.Console: the console keeps the
// clock and the rule (identity's idle lock), the screen only reports that
// someone is there and offers the password prompt.
type Idle interface {
	Touch(s *app.Session) bool
	Locked(s *app.Session) bool
	Unlock(ctx context.Context, s *app.Session, password string) error
}

// activity wraps the main screen to notice a person at the window. Fyne has
// no global input hook, but on every mouse move it asks each object under
// the pointer, from the window's root down, for its cursor
// (desktop.Cursorable); the root wrapper is always among them, so the
// question is the one place that sees all pointer movement. Keys reach it
// through the canvas (unfocused) and the tabs through their callback.
type activity struct {
	widget.BaseWidget
	content fyne.CanvasObject
	seen    atomic.Bool
	// focused and text are what typing saw last (UI thread only).
	focused fyne.Focusable
	text    string
}

func newActivity(content fyne.CanvasObject) *activity {
	a := &activity{content: content}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activity) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(a.content) }

// Cursor notes the movement; children under the pointer set theirs after.
func (a *activity) Cursor() desktop.Cursor {
	a.seen.Store(true)
	return desktop.DefaultCursor
}

// mark records activity from any other source (a key, a tab).
func (a *activity) mark() { a.seen.Store(true) }

// typing notes activity in a focused text field, which keeps its keys to
// itself (the canvas's key callbacks see only unfocused keys): a new focus,
// or a change of the focused field's text since the last look. It runs on
// the UI thread, once per idle tick, so typing a long justification or a
// search does not lock the screen under the dispatcher's hands.
func (a *activity) typing(c fyne.Canvas) {
	f := c.Focused()
	text, isText := fieldText(f)
	if f != a.focused || (isText && text != a.text) {
		if f != nil {
			a.mark()
		}
		a.focused, a.text = f, text
	}
}

// fieldText is the text of a focused text field.
func fieldText(f fyne.Focusable) (string, bool) {
	switch e := f.(type) {
	case *widget.Entry:
		return e.Text, true
	case *widget.SelectEntry:
		return e.Text, true
	}
	return "", false
}

// followIdle passes activity on to the console once a second (not on every
// mouse move) and shows the lock prompt when the console says the session
// has locked. While locked the console refuses every consultation; the
// wall ends its views at once and opens them again, under the same
// justification, on unlock: a locked screen shows no pictures, the audit
// counts nobody watching it, and the dispatcher finds the wall as it was.
func (m *mainScreen) followIdle() {
	idle := m.s.deps.Idle
	s, sess, ctx := m.s, m.s.sess, m.ctx
	if dc, ok := s.w.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(ev *fyne.KeyEvent) {
			m.act.mark()
			if m.wallShown() {
				m.wall.KeyDown(ev)
			}
		})
		dc.SetOnKeyUp(func(ev *fyne.KeyEvent) {
			if m.wall != nil {
				m.wall.KeyUp(ev)
			}
		})
	}
	if idle == nil {
		return
	}
	s.goDo(func() {
		t := time.NewTicker(idleEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// Seen at the next tick: the field is read on the UI thread.
			s.do(func() { m.act.typing(s.w.Canvas()) })
			if m.act.seen.Swap(false) && idle.Touch(sess) {
				continue
			}
			if idle.Locked(sess) {
				s.do(func() {
					if s.main == m && m.lock == nil {
						if m.wall != nil {
							m.wall.Lock()
						}
						m.showLock()
					}
				})
			}
		}
	})
}

// wallShown: the wall is the tab on screen, so unfocused keys steer its
// PTZ camera.
func (m *mainScreen) wallShown() bool {
	sel := m.tabs.SelectedIndex()
	return m.wall != nil && sel >= 0 && sel < len(m.shown) && m.shown[sel].id == "wall"
}

// lockPrompt is the idle lock's prompt while it shows.
type lockPrompt struct {
	pop    *widget.PopUp
	pw     *widget.Entry
	unlock *widget.Button
	msg    *widget.Label
}

func (l *lockPrompt) hide() { l.pop.Hide() }

// showLock covers the window with the password prompt. It is modal: the
// tabs under it take no input until the session is unlocked or ended.
func (m *mainScreen) showLock() {
	s := m.s
	u, z := s.sess.User, s.deps.Sessions.Zone()
	why := widget.NewLabel(lang.L("lock.why", map[string]any{"User": displayName(u),
		"Minutes": int(z.IdleLockAfter().Minutes())}))
	why.Wrapping = fyne.TextWrapWord
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder(lang.L("lock.password"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Hide()
	var unlock *widget.Button
	try := func() {
		password := pw.Text
		pw.SetText("")
		unlock.Disable()
		sess, ctx := s.sess, m.ctx
		s.goDo(func() {
			err := s.deps.Idle.Unlock(context.WithoutCancel(ctx), sess, password)
			s.do(func() {
				if s.main != m || m.lock == nil {
					return
				}
				unlock.Enable()
				if err != nil {
					msg.SetText(lang.L("lock.wrong", map[string]any{"Err": err.Error()}))
					msg.Show()
					s.w.Canvas().Focus(pw)
					return
				}
				m.lock.hide()
				m.lock = nil
				if m.wall != nil {
					m.wall.Unlock()
				}
			})
		})
	}
	pw.OnSubmitted = func(string) { try() }
	unlock = widget.NewButtonWithIcon(lang.L("lock.unlock"), theme.LoginIcon(), try)
	unlock.Importance = widget.HighImportance
	out := widget.NewButtonWithIcon(lang.L("action.logout"), theme.LogoutIcon(), func() {
		if m.lock != nil {
			m.lock.hide()
			m.lock = nil
		}
		s.logout()
	})
	title := widget.NewLabel(lang.L("lock.title"))
	title.TextStyle.Bold = true
	box := container.NewVBox(title, why, pw, msg, container.NewGridWithColumns(2, out, unlock))
	pop := widget.NewModalPopUp(container.NewGridWrap(fyne.NewSize(460, box.MinSize().Height+60), box), s.w.Canvas())
	m.lock = &lockPrompt{pop: pop, pw: pw, unlock: unlock, msg: msg}
	pop.Show()
	s.w.Canvas().Focus(pw)
}
