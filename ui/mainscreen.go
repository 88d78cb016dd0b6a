package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// mainScreen is the window after login: a header with the user and the
// logout, and the tabs the session's role may open.
type mainScreen struct {
	s       *shell
	content fyne.CanvasObject
	tabs    *container.AppTabs
	shown   []screen

	wall      *wall
	tree      *cameraTree
	layoutBtn map[int]*widget.Button
	reasonBtn *widget.Button
	watch     *watchPanel
	review    *reviewScreen
	logoutBtn *widget.Button
	shortcuts []fyne.Shortcut
	liveNote  *widget.Label // why live view is greyed out now, if it is
	// closers stop the goroutines of the tabs that have their own (hits,
	// map, patrols); stop runs them and waits.
	closers []func()
}

// capabilities is the console's answer to "may this session do this at all
// right now", for greying out (app.Console.Can).
type capabilities interface {
	Can(s *app.Session, act app.Action) bool
}

func newMainScreen(s *shell) *mainScreen {
	m := &mainScreen{s: s, layoutBtn: map[int]*widget.Button{}}
	m.tabs = container.NewAppTabs()
	for _, sc := range screens() {
		// The tab shows when the role has the key (app's role table); whether
		// the door opens now (a guard's supervisor, a grant) is the console's
		// answer to each consultation, shown where it happens.
		if !app.RoleMay(s.sess.User.Role, sc.needs) {
			continue
		}
		m.shown = append(m.shown, sc)
		m.tabs.Append(container.NewTabItem(sc.title(), sc.build(m)))
	}
	m.tabs.OnSelected = func(*container.TabItem) { m.tabChanged() }

	u := s.sess.User
	who := widget.NewLabel(fmt.Sprintf("%s — %s", displayName(u), roleLabel(u.Role)))
	zone := widget.NewLabel(s.c.Zone().Name)
	zone.TextStyle.Italic = true
	m.logoutBtn = widget.NewButtonWithIcon(lang.L("action.logout"), theme.LogoutIcon(), s.logout)
	header := container.NewHBox(zone, layout.NewSpacer(), who, m.logoutBtn)

	var body fyne.CanvasObject = m.tabs
	if len(m.shown) == 0 {
		none := widget.NewLabel(lang.L("main.nothing"))
		none.Alignment = fyne.TextAlignCenter
		body = container.NewCenter(none)
	}
	m.content = container.NewBorder(header, nil, nil, nil, body)
	return m
}

func displayName(u app.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Name
}

// start runs once the screen is in the window: the wall asks for its
// justification, and the simulated zone fills it so there is video at once.
func (m *mainScreen) start() {
	m.tabChanged()
	if m.wall == nil {
		return
	}
	if c, ok := m.s.c.(capabilities); ok && !c.Can(m.s.sess, app.ActLive) {
		// The role may watch live, but not now (a guard with no team chief
		// in the room, a municipal operator without a grant): say so
		// instead of asking a justification for a refusal.
		m.liveNote.SetText(lang.L("wall.live.notnow"))
		m.liveNote.Show()
		return
	}
	m.s.askReason(app.ActLive, shiftReason(m.s.sess), "", func(r app.Reason) {
		m.s.setReason(r)
		if z := m.s.c.Zone(); z.Simulated {
			n := m.s.wallCameras
			if n <= 0 {
				n = 4
			}
			side := 1
			for side*side < n && side < 4 {
				side++
			}
			m.wall.setLayout(side)
			cams := z.Cameras
			if len(cams) > n {
				cams = cams[:n]
			}
			m.wall.fill(cams)
		}
	})
}

// stop closes every view and stops the screen's goroutines.
func (m *mainScreen) stop() {
	for _, sc := range m.shortcuts {
		m.s.w.Canvas().RemoveShortcut(sc)
	}
	m.shortcuts = nil
	if m.wall != nil {
		m.wall.closeAll()
	}
	if m.watch != nil {
		m.watch.setActive(false)
	}
	for _, c := range m.closers {
		c()
	}
	m.closers = nil
}

func (m *mainScreen) tabChanged() {
	sel := m.tabs.SelectedIndex()
	for i, sc := range m.shown {
		if sc.active != nil {
			sc.active(m, i == sel)
		}
	}
}

// setReason makes r the justification of the wall; tiles opened from now on
// are audited under it.
func (s *shell) setReason(r app.Reason) {
	s.reason = &r
	if s.main != nil && s.main.reasonBtn != nil {
		s.main.reasonBtn.SetText(lang.L("wall.reason", map[string]any{"Reason": reasonLabel(r)}))
	}
}

func buildWallTab(m *mainScreen) fyne.CanvasObject {
	s := m.s
	m.wall = newWall(s)
	m.tree = newCameraTree(s.c.Zone(), m.wall)
	m.wall.onState = m.tree.refresh
	m.wall.onLayout = m.layoutChanged
	m.wall.onOpened = func() { m.liveNote.Hide() }

	bar := container.NewHBox(widget.NewLabel(lang.L("wall.layout")))
	for _, n := range wallLayouts {
		label := fmt.Sprintf("%dx%d", n, n)
		if n == 1 {
			label = "1"
		}
		n := n
		b := widget.NewButton(label, func() { m.wall.setLayout(n) })
		m.layoutBtn[n] = b
		bar.Add(b)
		// Ctrl+1..4 pick the layout without leaving the keyboard.
		sc := &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(n)), Modifier: fyne.KeyModifierShortcutDefault}
		s.w.Canvas().AddShortcut(sc, func(fyne.Shortcut) { m.wall.setLayout(n) })
		m.shortcuts = append(m.shortcuts, sc)
	}
	m.reasonBtn = widget.NewButtonWithIcon(lang.L("wall.reason.none"), theme.DocumentCreateIcon(), func() {
		cur := shiftReason(s.sess)
		if s.reason != nil {
			cur = *s.reason
		}
		s.askReason(app.ActLive, cur, "", s.setReason)
	})
	clear := widget.NewButtonWithIcon(lang.L("wall.clear"), theme.ContentClearIcon(), func() { m.wall.closeAll() })
	bar.Add(widget.NewSeparator())
	bar.Add(m.reasonBtn)
	m.liveNote = widget.NewLabel("")
	m.liveNote.Importance = widget.WarningImportance
	m.liveNote.Truncation = fyne.TextTruncateEllipsis
	m.liveNote.Hide()
	bar.Add(layout.NewSpacer())
	bar.Add(clear)
	m.layoutChanged(m.wall.n)

	head := widget.NewLabel(lang.L("tree.title"))
	head.TextStyle.Bold = true
	left := container.NewBorder(head, nil, nil, nil, m.tree.tree)
	split := container.NewHSplit(left, m.wall.grid)
	split.Offset = 0.2
	return container.NewBorder(container.NewVBox(bar, m.liveNote), nil, nil, nil, split)
}

func (m *mainScreen) layoutChanged(n int) {
	for k, b := range m.layoutBtn {
		if k == n {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}
