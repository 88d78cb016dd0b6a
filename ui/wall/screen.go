// Package wall is the video wall: the camera tree, the tiles with their
// audited live views, the justification prompt, and the wall tab that
// holds them.
package wall

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
	"github.com/politiezone/zoneconsole/ui/look"
)

// Console is what the wall asks of app.Console besides the live views: the
// zone's cameras for the tree, and whether live view is possible now.
type Console interface {
	Zone() app.Zone
	Can(s *app.Session, act app.Action) bool
	// Suffices: the wall's justification lets the session watch the
	// camera now (no entry; opening is still decided and audited).
	Suffices(s *app.Session, cameraID string, why app.Reason) bool
}

// Screen is the wall tab: the layout bar with the justification, the camera
// tree and the wall. It owns the justification the wall is opened under.
type Screen struct {
	env  look.Env
	c    Console
	open Opener

	painter   *painter // paints the tiles' new frames together
	steer     Steerer  // nil: no PTZ from this wall
	steering  string   // the camera a held PTZ key moves
	locked    bool     // the session is locked: the views are parked
	wall      *wall
	tree      *cameraTree
	reason    *app.Reason   // the justification the wall was opened under
	prompt    *reasonPrompt // the justification prompt last shown, while it shows
	layoutBtn map[int]*widget.Button
	reasonBtn *widget.Button
	liveNote  *widget.Label // why live view is greyed out now, if it is
	shortcuts []fyne.Shortcut
	content   fyne.CanvasObject
	stopped   bool
}

// New builds the wall tab for env's session; views are opened with open.
func New(env look.Env, c Console, open Opener) *Screen {
	s := &Screen{env: env, c: c, open: open, layoutBtn: map[int]*widget.Button{}}
	s.painter = newPainter(paintEvery, env.Do)
	env.Go(func() { s.painter.run(env.Ctx) })
	s.wall = newWall(s)
	s.tree = newCameraTree(c.Zone(), s.wall)
	s.wall.onState = s.tree.refresh
	s.wall.onLayout = s.layoutChanged
	s.wall.onOpened = func() { s.liveNote.Hide() }

	bar := container.NewHBox(widget.NewLabel(lang.L("wall.layout")))
	for _, n := range wallLayouts {
		label := fmt.Sprintf("%dx%d", n, n)
		if n == 1 {
			label = "1"
		}
		n := n
		b := widget.NewButton(label, func() { s.wall.setLayout(n) })
		s.layoutBtn[n] = b
		bar.Add(b)
		// Ctrl+1..4 pick the layout without leaving the keyboard.
		sc := &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(n)), Modifier: fyne.KeyModifierShortcutDefault}
		env.W.Canvas().AddShortcut(sc, func(fyne.Shortcut) { s.wall.setLayout(n) })
		s.shortcuts = append(s.shortcuts, sc)
	}
	s.reasonBtn = widget.NewButtonWithIcon(lang.L("wall.reason.none"), theme.DocumentCreateIcon(), func() {
		s.askReason(app.ActLive, s.current(), "", s.setReason)
	})
	clear := widget.NewButtonWithIcon(lang.L("wall.clear"), theme.ContentClearIcon(), func() { s.wall.closeAll() })
	bar.Add(widget.NewSeparator())
	bar.Add(s.reasonBtn)
	s.liveNote = widget.NewLabel("")
	s.liveNote.Importance = widget.WarningImportance
	s.liveNote.Truncation = fyne.TextTruncateEllipsis
	s.liveNote.Hide()
	bar.Add(layout.NewSpacer())
	bar.Add(clear)
	s.layoutChanged(s.wall.n)

	head := widget.NewLabel(lang.L("tree.title"))
	head.TextStyle.Bold = true
	left := container.NewBorder(head, nil, nil, nil, s.tree.tree)
	split := container.NewHSplit(left, s.wall.grid)
	split.Offset = 0.2
	s.content = container.NewBorder(container.NewVBox(bar, s.liveNote), nil, nil, nil, split)
	return s
}

// Content is the tab's body.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// Start runs once the screen is in the window: the wall asks for its
// justification, and then puts the first fill cameras of the zone on the
// wall (the simulated zone, so there is video at once; 0 for a real zone).
func (s *Screen) Start(fill int) {
	if !s.c.Can(s.env.Sess, app.ActLive) {
		// The role may watch live, but not now (a guard with no team chief
		// in the room, a municipal operator without a grant): say so
		// instead of asking a justification for a refusal.
		s.liveNote.SetText(lang.L("wall.live.notnow"))
		s.liveNote.Show()
		return
	}
	s.askReason(app.ActLive, shiftReason(s.env.Sess), "", func(r app.Reason) {
		s.setReason(r)
		if fill <= 0 {
			return
		}
		side := 1
		for side*side < fill && side < 4 {
			side++
		}
		s.wall.setLayout(side)
		cams := s.c.Zone().Cameras
		if len(cams) > fill {
			cams = cams[:fill]
		}
		s.wall.fill(cams)
	})
}

// Stop closes every view and removes the wall's shortcuts; the screen
// opens nothing after it.
func (s *Screen) Stop() {
	for _, sc := range s.shortcuts {
		s.env.W.Canvas().RemoveShortcut(sc)
	}
	s.shortcuts = nil
	s.wall.closeAll()
	s.stopped = true
}

// Prompt is the justification prompt on screen, or nil.
func (s *Screen) Prompt() *Prompt {
	if s.prompt == nil {
		return nil
	}
	return &Prompt{p: s.prompt}
}

// Live counts the tiles of the layout that show a live picture of at least
// frames frames.
func (s *Screen) Live(frames uint64) int {
	n := 0
	for _, t := range s.wall.visible() {
		if t.state == stLive && t.frames() >= frames {
			n++
		}
	}
	return n
}

// Layout is the wall's side: n for an n x n wall.
func (s *Screen) Layout() int { return s.wall.n }

// Tiles are the tiles of the layout, as objects on the canvas, with the
// camera each shows ("" for none).
func (s *Screen) Tiles() ([]fyne.CanvasObject, []string) {
	var objs []fyne.CanvasObject
	var cams []string
	for _, t := range s.wall.visible() {
		cam, _ := t.camera()
		objs, cams = append(objs, t), append(cams, cam.ID)
	}
	return objs, cams
}

// Prompt is the justification prompt as a test or a script drives it.
type Prompt struct{ p *reasonPrompt }

// Reason is what the prompt would confirm now.
func (p *Prompt) Reason() app.Reason { return p.p.Reason() }

// Confirm presses the prompt's confirm button.
func (p *Prompt) Confirm() { p.p.confirm.OnTapped() }

// current is the justification the prompt offers: the wall's, else the
// shift's.
func (s *Screen) current() app.Reason {
	if s.reason != nil {
		return *s.reason
	}
	return shiftReason(s.env.Sess)
}

// setReason makes r the justification of the wall; tiles opened from now on
// are audited under it.
func (s *Screen) setReason(r app.Reason) {
	s.reason = &r
	s.reasonBtn.SetText(lang.L("wall.reason", map[string]any{"Reason": look.ReasonLabel(r)}))
}

func (s *Screen) layoutChanged(n int) {
	for k, b := range s.layoutBtn {
		if k == n {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}
