package playback

import (
	"context"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Screen is the playback tab: up to four cameras on one clock, a timeline
// per camera, the transport (speeds, pause, frame by frame, jump, back to
// live) and the export of the shown cameras over the selected period.
type Screen struct {
	// Marks, when set, gives a camera's ANPR passages and hits for its
	// timeline (New takes it from the console when it has PassageMarks).
	Marks Marks

	env look.Env
	c   Console
	clk *clock
	v   *view

	reason  *app.Reason
	cams    []app.Camera
	tiles   []*tile
	lines   []*timeline
	players map[string]*player
	zoom    int
	active  bool
	tlGen   int
	tlAt    time.Time
	prompt  *reasonPrompt
	exp     *exportDialog

	content   fyne.CanvasObject
	picker    *widget.CheckGroup
	labels    map[string]app.Camera
	grid      *fyne.Container
	rows      *fyne.Container
	ruler     *ruler
	why       *widget.Label
	clockText *canvas.Text
	zoomText  *widget.Label
	status    *widget.Label
	jump      *widget.Entry
	speed     *widget.Select
	play      *widget.Button
	back, fwd *widget.Button
	export    *widget.Button

	quit     chan struct{}
	stopOnce sync.Once
}

// New builds the playback tab for env's session. Content is its body;
// the shell calls SetActive when the tab is shown or left and Stop at
// logout (each closes every playback).
func New(env look.Env, c Console) *Screen {
	now := time.Now()
	s := &Screen{env: env, c: c, clk: newClock(time.Now, now.Add(-time.Minute)), v: &view{},
		players: map[string]*player{}, zoom: 2, active: true, labels: map[string]app.Camera{}, quit: make(chan struct{})}
	s.Marks = marksOf(env.Ctx, c, env.Sess)
	s.v.cursor = s.clk.Now()
	s.v.centre(s.v.cursor, zooms[s.zoom])
	s.build()
	env.Go(s.ticker)
	return s
}

// Tab is New's body, for a registry that needs no hooks.
func Tab(env look.Env, c Console) fyne.CanvasObject { return New(env, c).Content() }

func (s *Screen) Content() fyne.CanvasObject { return s.content }

func (s *Screen) build() {
	var names []string
	for _, cam := range s.c.Zone().Cameras {
		l := cam.ID + " — " + cam.Name
		s.labels[l] = cam
		names = append(names, l)
	}
	s.picker = widget.NewCheckGroup(names, s.pick)
	pickHead := widget.NewLabel(lang.L("playback.cameras", map[string]any{"Max": maxCameras}))
	pickHead.TextStyle.Bold = true
	left := container.NewBorder(pickHead, nil, nil, nil, container.NewVScroll(s.picker))

	s.why = widget.NewLabel(lang.L("playback.just.none"))
	s.why.Truncation = fyne.TextTruncateEllipsis
	change := widget.NewButton(lang.L("playback.just.change"), func() { s.askReason(s.lastDenied(), s.setReason) })
	header := container.NewBorder(nil, nil, widget.NewLabel(lang.L("playback.just.label")), change, s.why)

	s.grid = container.NewGridWithColumns(1)
	hint := widget.NewLabel(lang.L("playback.empty"))
	hint.Alignment = fyne.TextAlignCenter
	s.grid.Add(container.NewCenter(hint))

	s.clockText = canvas.NewText("", look.ColForeground)
	s.clockText.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	s.clockText.TextSize = 16
	s.back = widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { s.step(-1) })
	s.fwd = widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { s.step(1) })
	s.play = widget.NewButtonWithIcon(lang.L("playback.play"), theme.MediaPlayIcon(), s.togglePlay)
	s.play.Importance = widget.HighImportance
	labels := make([]string, len(speeds))
	for i, v := range speeds {
		labels[i] = speedLabel(v)
	}
	s.speed = widget.NewSelect(labels, func(string) { s.setSpeed(speeds[s.speed.SelectedIndex()]) })
	s.speed.SetSelectedIndex(2)
	s.jump = widget.NewEntry()
	s.jump.SetPlaceHolder(lang.L("playback.jump.hint"))
	s.jump.OnSubmitted = func(string) { s.jumpTo() }
	jumpBtn := widget.NewButton(lang.L("playback.jump"), s.jumpTo)
	live := widget.NewButtonWithIcon(lang.L("playback.live"), theme.MediaRecordIcon(), s.backToLive)
	zoomOut := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { s.zoomBy(-1, s.v.cursor) })
	zoomIn := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { s.zoomBy(1, s.v.cursor) })
	s.zoomText = widget.NewLabel("")
	markIn := widget.NewButton("[ "+lang.L("playback.mark.in"), func() { s.mark(true) })
	markOut := widget.NewButton(lang.L("playback.mark.out")+" ]", func() { s.mark(false) })
	s.export = widget.NewButtonWithIcon(lang.L("playback.export"), theme.DocumentSaveIcon(), func() { s.openExport() })
	s.export.Disable()
	transport := container.NewHBox(s.back, s.play, s.fwd, s.speed, s.clockText)
	tools := container.NewHBox(zoomOut, s.zoomText, zoomIn, markIn, markOut, s.export, live)
	jumpBox := container.New(look.FixedWidth{W: 220}, s.jump)
	controls := container.NewBorder(nil, nil, transport, tools, container.NewBorder(nil, nil, nil, jumpBtn, jumpBox))

	s.ruler = newRuler(s.v)
	s.rows = container.NewVBox()
	s.status = widget.NewLabel(lang.L("playback.help"))
	s.status.Importance = widget.LowImportance
	s.status.Truncation = fyne.TextTruncateEllipsis
	foot := container.NewBorder(nil, nil, nil, legend(), s.status)
	bottom := container.NewVBox(controls, s.row(widget.NewLabel(""), s.ruler), s.rows, foot)
	body := container.NewBorder(nil, bottom, nil, nil, s.grid)
	split := container.NewHSplit(left, body)
	split.Offset = 0.16
	s.content = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, split)
	s.refreshView()
}

// row is a timeline (or the ruler) with its name on the left.
func (s *Screen) row(name fyne.CanvasObject, bar fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.New(look.FixedWidth{W: 150}, name), nil, bar)
}

// pick takes the cameras checked (at most four); the first pick asks why.
func (s *Screen) pick(labels []string) {
	if len(labels) > maxCameras {
		s.status.SetText(lang.L("playback.cameras.max", map[string]any{"Max": maxCameras}))
		s.picker.SetSelected(labels[:maxCameras])
		return
	}
	var cams []app.Camera
	for _, l := range labels {
		cams = append(cams, s.labels[l])
	}
	s.setCameras(cams)
	if s.reason == nil && len(cams) > 0 && s.prompt == nil {
		s.askReason("", s.setReason)
	}
}

// setCameras rebuilds the tiles and timelines; the players of cameras
// still shown keep playing, the others are closed.
func (s *Screen) setCameras(cams []app.Camera) {
	keep := map[string]bool{}
	for _, c := range cams {
		keep[c.ID] = true
	}
	for id, p := range s.players {
		if !keep[id] {
			p.stop()
			delete(s.players, id)
		}
	}
	old := map[string]*tile{}
	for _, t := range s.tiles {
		old[t.cam.ID] = t
	}
	s.cams, s.tiles, s.lines = cams, nil, nil
	s.grid.RemoveAll()
	s.rows.RemoveAll()
	cols := 1
	if len(cams) > 1 {
		cols = 2
	}
	s.grid.Layout = layout.NewGridLayoutWithColumns(cols)
	for _, c := range cams {
		t := old[c.ID]
		if t == nil {
			t = newTile(c)
		}
		s.tiles = append(s.tiles, t)
		s.grid.Add(t)
		tl := newTimeline(s.v)
		tl.onScrub, tl.onSelect, tl.onZoom = s.scrub, s.selectPeriod, s.zoomWheel
		s.lines = append(s.lines, tl)
		name := widget.NewLabel(c.Name)
		name.Truncation = fyne.TextTruncateEllipsis
		s.rows.Add(s.row(name, tl))
	}
	if len(cams) == 0 {
		hint := widget.NewLabel(lang.L("playback.empty"))
		s.grid.Add(container.NewCenter(hint))
	}
	s.grid.Refresh()
	s.rows.Refresh()
	s.openPlayers()
	s.fetchTimelines()
	s.refreshButtons()
}

// setReason takes a confirmed justification: playbacks opened under
// another one are closed and opened again under this one.
func (s *Screen) setReason(r app.Reason) {
	s.reason = &r
	s.why.SetText(look.ReasonLabel(r))
	s.closePlayers("")
	s.openPlayers()
	s.fetchTimelines()
	s.refreshButtons()
}

func (s *Screen) lastDenied() string {
	for _, t := range s.tiles {
		if t.denied != "" {
			return t.denied
		}
	}
	return ""
}

// openPlayers opens a playback for every camera shown that has none, at
// the clock's position (the console decides and audits each).
func (s *Screen) openPlayers() {
	if s.reason == nil || !s.active {
		return
	}
	for i, cam := range s.cams {
		if s.players[cam.ID] != nil {
			continue
		}
		t := s.tiles[i]
		var p *player
		p = newPlayer(cam, *s.reason, s.clk, s.env.Do, func(sh *shot) { s.shown(p, t, sh) })
		ctx, cancel := context.WithCancel(s.env.Ctx)
		p.cancel = cancel
		s.players[cam.ID] = p
		t.opening()
		sess, log := s.env.Sess, s.env.Log
		s.env.Go(func() {
			p.run(ctx, s.c, sess, func(err error) { log.Error("playback close", "camera", cam.ID, "err", err) })
		})
	}
}

// closePlayers closes every playback (each goroutine closes its own,
// which audits playback.stop); note, when set, says why on the tiles.
func (s *Screen) closePlayers(note string) {
	for id, p := range s.players {
		p.stop()
		delete(s.players, id)
	}
	if note != "" {
		for _, t := range s.tiles {
			t.closed(note)
		}
	}
}

// shown is a player's shot reaching the UI thread.
func (s *Screen) shown(p *player, t *tile, sh *shot) {
	p.recycle(t.shown(sh))
	if sh.img != nil && len(s.tiles) > 0 && s.tiles[0] == t && !s.clk.read().Playing {
		// Paused: the clock is where the first camera's frame is.
		s.clk.Set(sh.at)
		s.refreshView()
	}
}

func (s *Screen) send(o order) {
	for _, p := range s.players {
		p.send(o)
	}
}

func (s *Screen) togglePlay() {
	if len(s.cams) == 0 {
		return
	}
	if s.reason == nil {
		s.askReason("", s.setReason)
		return
	}
	on := !s.clk.read().Playing
	if on && !s.clk.Now().Before(time.Now()) {
		s.clk.Set(time.Now().Add(-time.Minute))
	}
	s.openPlayers()
	s.clk.SetPlaying(on)
	s.send(order{sync: true})
	s.refreshButtons()
}

func (s *Screen) pause() {
	if s.clk.read().Playing {
		s.clk.SetPlaying(false)
		s.send(order{sync: true})
		s.refreshButtons()
	}
}

// step shows the next (n > 0) or previous frame of every camera, paused.
func (s *Screen) step(n int) {
	s.pause()
	s.openPlayers()
	s.send(order{step: n})
}

func (s *Screen) setSpeed(v float64) {
	s.clk.SetSpeed(v)
	s.send(order{sync: true})
}

// seek puts the clock at t and every camera on its frame at t.
func (s *Screen) seek(t time.Time) {
	s.clk.Set(t)
	s.openPlayers()
	s.send(order{seek: true, at: t})
	s.refreshView()
}

// scrub follows a drag on a timeline; the newest position wins.
func (s *Screen) scrub(t time.Time, done bool) {
	s.seek(t)
	if done {
		s.fetchTimelines()
	}
}

func (s *Screen) jumpTo() {
	t, err := parseMoment(s.jump.Text, time.Local)
	if err != nil {
		s.status.SetText(lang.L("playback.jump.bad"))
		return
	}
	s.v.centre(t, zooms[s.zoom])
	s.seek(t)
	s.status.SetText(lang.L("playback.jump.done", map[string]any{"Time": t.Local().Format(entryLayout)}))
	s.fetchTimelines()
}

// backToLive closes every playback; live video is the wall's tab.
func (s *Screen) backToLive() {
	s.clk.SetPlaying(false)
	s.closePlayers(lang.L("playback.live.note"))
	s.status.SetText(lang.L("playback.live.note"))
	s.refreshButtons()
}

// legend names the timelines' colours.
func legend() fyne.CanvasObject {
	item := func(c color.Color, text string) fyne.CanvasObject {
		sw := canvas.NewRectangle(c)
		sw.SetMinSize(fyne.NewSize(14, 10))
		l := canvas.NewText(text, look.ColMuted)
		l.TextSize = 12
		return container.NewHBox(container.NewCenter(sw), l)
	}
	return container.NewHBox(item(colRecorded, lang.L("playback.legend.recorded")), item(colGap, lang.L("playback.legend.gap")),
		item(colHeld, lang.L("playback.legend.held")), item(colMark, lang.L("playback.legend.marks")),
		item(colSel, lang.L("playback.legend.selection")))
}
