package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
	"github.com/politiezone/zoneconsole/ui/playback"
	"github.com/politiezone/zoneconsole/ui/wall"
)

// mainScreen is the window after login: a header with the zone, the user
// and the logout, the recordings' alarm when there is one, and the tabs
// the session's role may open.
type mainScreen struct {
	s       *shell
	ctx     context.Context // ends at logout: the screens' goroutines end with it
	cancel  context.CancelFunc
	content fyne.CanvasObject
	tabs    *container.AppTabs
	shown   []screen
	built   []tab

	wall      *wall.Screen     // the wall tab, if the role has one
	playback  *playback.Screen // the playback tab, if the role has one
	logoutBtn *widget.Button
	alarm     *widget.Label // the recordings' alarm; hidden when there is none
	roomLine  *widget.Label // the room's server is out of reach; hidden otherwise
	act       *activity     // notices a person at the window (idle lock)
	lock      *lockPrompt   // the idle lock's prompt while it shows
}

func newMainScreen(s *shell) *mainScreen {
	m := &mainScreen{s: s}
	m.ctx, m.cancel = context.WithCancel(s.ctx)
	m.tabs = container.NewAppTabs()
	for _, sc := range screens() {
		// The tab shows when the role has the key (app's role table); whether
		// the door opens now (a guard's supervisor, a grant) is the console's
		// answer to each consultation, shown where it happens.
		if !app.RoleMay(s.sess.User.Role, sc.needs) {
			continue
		}
		t := sc.build(m)
		m.shown = append(m.shown, sc)
		m.built = append(m.built, t)
		m.tabs.Append(container.NewTabItem(sc.title(), t.content))
	}
	m.tabs.OnSelected = func(*container.TabItem) {
		m.act.mark()
		m.tabChanged()
	}

	u := s.sess.User
	who := widget.NewLabel(fmt.Sprintf("%s — %s", displayName(u), look.RoleLabel(u.Role)))
	zone := widget.NewLabel(s.deps.Sessions.Zone().Name)
	zone.TextStyle.Italic = true
	m.logoutBtn = widget.NewButtonWithIcon(lang.L("action.logout"), theme.LogoutIcon(), s.logout)
	header := container.NewHBox(zone, layout.NewSpacer(), who, m.logoutBtn)
	m.alarm = widget.NewLabel("")
	m.alarm.TextStyle.Bold = true
	m.alarm.Truncation = fyne.TextTruncateEllipsis
	m.alarm.Hide()
	m.roomLine = newRoomLine()

	var body fyne.CanvasObject = m.tabs
	if len(m.shown) == 0 {
		none := widget.NewLabel(lang.L("main.nothing"))
		none.Alignment = fyne.TextAlignCenter
		body = container.NewCenter(none)
	}
	m.act = newActivity(container.NewBorder(container.NewVBox(header, m.alarm, m.roomLine), nil, nil, nil, body))
	m.content = m.act
	return m
}

// env is what the screens get of the shell: this session, the window, the
// ways back to the UI thread and off it.
func (m *mainScreen) env() look.Env {
	s := m.s
	return look.Env{Ctx: m.ctx, Sess: s.sess, W: s.w, Do: s.do, Go: s.goDo, Log: s.log}
}

func displayName(u app.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Name
}

// start runs once the screen is in the window: the tabs start (the wall
// asks for its justification) and the alarm line follows the recordings.
func (m *mainScreen) start() {
	m.tabChanged()
	for _, t := range m.built {
		if t.start != nil {
			t.start()
		}
	}
	m.followAlarm()
	m.followRoom()
	m.followIdle()
}

// followAlarm asks the console for the recordings' alarm now and every few
// seconds while the session lasts, and shows it when it changes. The
// console answers a team chief and an administrator; others get none.
func (m *mainScreen) followAlarm() {
	s, sess, ctx, every := m.s, m.s.sess, m.ctx, m.s.alarmEvery
	c := s.deps.Sessions
	s.goDo(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		first, last := true, app.RecordAlarm{}
		for {
			if a := c.RecordingAlarm(sess); first || a.Kind != last.Kind {
				first, last = false, a
				s.do(func() {
					if s.main == m {
						m.showAlarm(a)
					}
				})
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

func (m *mainScreen) showAlarm(a app.RecordAlarm) {
	text := look.AlarmLabel(a)
	if text == "" {
		m.alarm.SetText("")
		m.alarm.Hide()
		return
	}
	if !a.Since.IsZero() {
		text += " · " + look.Clock(a.Since)
	}
	m.alarm.Importance = widget.DangerImportance
	if a.Kind == app.AlarmNearlyFull {
		m.alarm.Importance = widget.WarningImportance
	}
	m.alarm.SetText(text)
	m.alarm.Show()
}

// stop closes every view and stops the screens' goroutines.
func (m *mainScreen) stop() {
	for _, t := range m.built {
		if t.stop != nil {
			t.stop()
		}
	}
	m.built = nil
	if m.lock != nil {
		m.lock.hide()
		m.lock = nil
	}
	if dc, ok := m.s.w.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(nil)
		dc.SetOnKeyUp(nil)
	}
	m.cancel()
}

func (m *mainScreen) tabChanged() {
	sel := m.tabs.SelectedIndex()
	for i, t := range m.built {
		if t.active != nil {
			t.active(i == sel)
		}
	}
}

// openFootage brings the playback tab forward at a camera and a moment (a
// passage found by a search, a hit); nothing when the role has no playback
// tab.
func (m *mainScreen) openFootage(cameraID string, at time.Time) {
	if m.playback == nil {
		return
	}
	for i, sc := range m.shown {
		if sc.id == "playback" {
			m.tabs.SelectIndex(i)
		}
	}
	m.playback.OpenAt(cameraID, at)
}
