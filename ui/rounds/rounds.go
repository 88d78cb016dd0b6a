// Package rounds is the virtual patrol: the list of rounds and their run on
// a 1 or 2x2 wall (the run lives in app; the screen drives it and shows its
// state), the editor, and the team chief's reports and coverage.
package rounds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// extendStep is what one press of "+" adds to the current step.
const extendStep = 10 * time.Second

// Runner is what the rounds screen asks of app.Console to list and run
// rounds.
type Runner interface {
	Zone() app.Zone
	Rounds(ctx context.Context) ([]app.Round, error)
	StartRound(ctx context.Context, s *app.Session, name, text string, opts app.RoundOptions) (*app.RoundRun, error)
	Can(s *app.Session, act app.Action) bool
}

// roundsScreen lists the rounds and runs one: the camera(s) of the step on
// a 1 or 2x2 wall, the dwell's progress, and the controls with their keys
// (space pause/resume, → next, ← previous, + extend, Esc stop, O observe).
// The run lives in app; the screen only drives it and shows its state.
type roundsScreen struct {
	ctx  context.Context
	c    Runner
	ed   Editor // nil: the screen offers no editor
	sess *app.Session
	w    fyne.Window
	do   func(func())
	goDo func(func())
	log  *slog.Logger

	content *fyne.Container

	// The list.
	listView *fyne.Container
	rounds   []app.Round
	list     *widget.List
	selected int
	reason   *widget.Label
	text     *widget.Entry
	startBtn *widget.Button
	status   *widget.Label

	// The editor, for those who may edit rounds (team chief, administrator).
	editor    *editView
	editBtn   *widget.Button
	deleteBtn *widget.Button

	// The run.
	run        *app.RoundRun
	runView    *fyne.Container
	title      *widget.Label
	stepLbl    *widget.Label
	progress   *widget.ProgressBar
	grid       *fyne.Container
	tiles      []*roundTile
	pauseBtn   *widget.Button
	prevBtn    *widget.Button
	nextBtn    *widget.Button
	extendBtn  *widget.Button
	stopBtn    *widget.Button
	obsBtn     *widget.Button
	obsBar     *fyne.Container
	obsNote    *widget.Entry
	obsStatus  *widget.Label
	refreshing atomic.Bool
	prevKeys   func(*fyne.KeyEvent)
	obsResume  bool // the observation paused the run: resume after it
	patrolBtn  *widget.Button
	lastObs    app.RoundObservation
}

// New is the rounds screen for env's session. ed edits the rounds; with
// nil, or when the console does not let the session edit, there is no
// editor.
func New(env look.Env, c Runner, ed Editor) fyne.CanvasObject {
	return newRoundsView(env, c, ed).content
}

// Unavailable stands in for the rounds tabs when the console offers no rounds.
func Unavailable() fyne.CanvasObject { return widget.NewLabel(lang.L("rounds.unavailable")) }

func newRoundsView(env look.Env, c Runner, ed Editor) *roundsScreen {
	r := &roundsScreen{ctx: env.Ctx, c: c, ed: ed, sess: env.Sess, w: env.W, do: env.Do, goDo: env.Go,
		log: env.Log.With("screen", "rounds"), selected: -1}
	r.buildList()
	r.buildRun()
	r.content = container.NewStack(r.listView, r.runView)
	if r.editor != nil {
		r.content.Add(r.editor.content)
	}
	r.runView.Hide()
	r.reload()
	return r
}

func (r *roundsScreen) buildList() {
	r.list = widget.NewList(func() int { return len(r.rounds) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.TextStyle.Bold = true
			return container.NewBorder(nil, nil, name, widget.NewLabel(""), widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(r.rounds) {
				return
			}
			rd := r.rounds[id]
			b := o.(*fyne.Container)
			b.Objects[1].(*widget.Label).SetText(rd.Name)
			b.Objects[2].(*widget.Label).SetText(lang.L("rounds.list.summary",
				map[string]any{"Steps": len(rd.Steps), "Dwell": rd.TotalDwell().String()}))
			b.Objects[0].(*widget.Label).SetText(rd.Area)
		})
	r.list.OnSelected = func(id widget.ListItemID) { r.selectRound(id) }
	r.reason = widget.NewLabel(lang.L("rounds.pick"))
	r.text = widget.NewEntry()
	r.text.SetPlaceHolder(lang.L("rounds.text.hint"))
	r.startBtn = widget.NewButtonWithIcon(lang.L("rounds.start"), theme.MediaPlayIcon(), r.start)
	r.startBtn.Importance = widget.HighImportance
	r.startBtn.Disable()
	r.status = widget.NewLabel("")
	r.status.Wrapping = fyne.TextWrapWord
	var head fyne.CanvasObject = widget.NewLabel(lang.L("rounds.title"))
	head.(*widget.Label).TextStyle.Bold = true
	if r.ed != nil && r.c.Can(r.sess, app.ActRoundEdit) {
		head = container.NewVBox(head, r.editButtons(r.ed))
	}
	refresh := widget.NewButtonWithIcon(lang.L("rounds.refresh"), theme.ViewRefreshIcon(), r.reload)
	bottom := container.NewVBox(widget.NewSeparator(), r.reason, r.text,
		container.NewHBox(r.startBtn, layout.NewSpacer(), refresh), r.status)
	r.listView = container.NewBorder(head, bottom, nil, nil, r.list)
}

// reload asks the console for the rounds off the UI thread.
func (r *roundsScreen) reload() {
	r.goDo(func() {
		rs, err := r.c.Rounds(r.ctx)
		r.do(func() {
			if err != nil {
				r.status.SetText(lang.L("error.generic", map[string]any{"Error": err.Error()}))
				return
			}
			r.rounds = rs
			r.selected = -1
			r.list.UnselectAll()
			r.list.Refresh()
			r.startBtn.Disable()
			if r.editBtn != nil {
				r.editBtn.Disable()
				r.deleteBtn.Disable()
			}
			r.reason.SetText(lang.L("rounds.pick"))
		})
	})
}

func (r *roundsScreen) selectRound(id int) {
	if id < 0 || id >= len(r.rounds) {
		return
	}
	r.selected = id
	if r.editBtn != nil {
		r.editBtn.Enable()
		r.deleteBtn.Enable()
	}
	r.reason.SetText(lang.L("rounds.reason", map[string]any{"Round": r.rounds[id].Name}))
	// The console says whether a run may start now (a guard needs a team
	// chief in the room); the start itself is still decided and audited.
	if r.c.Can(r.sess, app.ActRoundRun) {
		r.startBtn.Enable()
		r.status.SetText("")
	} else {
		r.startBtn.Disable()
		r.status.SetText(lang.L("rounds.cannot"))
	}
}

// start runs the selected round: one click, the justification prefilled
// "virtuele patrouille: <round>".
func (r *roundsScreen) start() {
	if r.selected < 0 || r.run != nil {
		return
	}
	name, text := r.rounds[r.selected].Name, r.text.Text
	r.startBtn.Disable()
	r.status.SetText(lang.L("rounds.starting"))
	r.goDo(func() {
		run, err := r.c.StartRound(r.ctx, r.sess, name, text, app.RoundOptions{})
		r.do(func() {
			if err != nil {
				r.startBtn.Enable()
				r.status.SetText(roundError(err))
				return
			}
			r.status.SetText("")
			r.showRun(run)
		})
	})
}

func roundError(err error) string {
	var d *app.DeniedError
	if errors.As(err, &d) {
		return look.DeniedText(err)
	}
	return lang.L("error.generic", map[string]any{"Error": err.Error()})
}

func (r *roundsScreen) buildRun() {
	r.title = widget.NewLabel("")
	r.title.TextStyle.Bold = true
	r.stepLbl = widget.NewLabel("")
	r.progress = widget.NewProgressBar()
	r.progress.TextFormatter = func() string {
		if r.run == nil {
			return ""
		}
		st := r.run.State()
		return fmt.Sprintf("%d / %d s", int(st.Elapsed.Seconds()), int(st.Dwell.Seconds()))
	}
	r.grid = container.New(layout.NewGridLayout(1))
	for i := 0; i < 4; i++ {
		r.tiles = append(r.tiles, newRoundTile(r))
	}
	r.prevBtn = widget.NewButtonWithIcon(lang.L("rounds.previous"), theme.MediaSkipPreviousIcon(), func() { r.cmd(r.run.Previous) })
	r.pauseBtn = widget.NewButtonWithIcon(lang.L("rounds.pause"), theme.MediaPauseIcon(), func() { r.cmd(r.run.TogglePause) })
	r.nextBtn = widget.NewButtonWithIcon(lang.L("rounds.next"), theme.MediaSkipNextIcon(), func() { r.cmd(r.run.Next) })
	r.extendBtn = widget.NewButtonWithIcon(lang.L("rounds.extend"), theme.ContentAddIcon(), func() {
		r.cmd(func() { r.run.Extend(extendStep) })
	})
	r.obsBtn = widget.NewButtonWithIcon(lang.L("rounds.observe"), theme.DocumentCreateIcon(), r.openObservation)
	r.stopBtn = widget.NewButtonWithIcon(lang.L("rounds.stop"), theme.MediaStopIcon(), r.stop)
	r.stopBtn.Importance = widget.DangerImportance
	r.obsNote = widget.NewEntry()
	r.obsNote.SetPlaceHolder(lang.L("rounds.observe.hint"))
	r.obsNote.OnSubmitted = func(string) { r.submitObservation() }
	r.obsStatus = widget.NewLabel("")
	r.patrolBtn = widget.NewButtonWithIcon(lang.L("rounds.patrol"), theme.MailSendIcon(), r.sendPatrol)
	r.patrolBtn.Hide()
	save := widget.NewButtonWithIcon(lang.L("rounds.observe.save"), theme.ConfirmIcon(), r.submitObservation)
	cancel := widget.NewButtonWithIcon(lang.L("rounds.observe.cancel"), theme.CancelIcon(), r.closeObservation)
	r.obsBar = container.NewBorder(nil, nil, nil, container.NewHBox(save, cancel), r.obsNote)
	r.obsBar.Hide()
	controls := container.NewHBox(r.prevBtn, r.pauseBtn, r.nextBtn, r.extendBtn, r.obsBtn, layout.NewSpacer(),
		widget.NewLabel(lang.L("rounds.keys")), r.stopBtn)
	top := container.NewVBox(container.NewHBox(r.title, layout.NewSpacer(), r.stepLbl), r.progress)
	bottom := container.NewVBox(r.obsBar, container.NewHBox(r.obsStatus, r.patrolBtn), controls)
	r.runView = container.NewBorder(top, bottom, nil, nil, r.grid)
}

// cmd sends a command to the run; the run never blocks the UI thread.
func (r *roundsScreen) cmd(fn func()) {
	if r.run != nil {
		fn()
	}
}

// showRun switches to the run and follows its events until it ends.
func (r *roundsScreen) showRun(run *app.RoundRun) {
	r.run = run
	r.title.SetText(lang.L("rounds.running", map[string]any{"Round": run.State().Round.Name}))
	r.obsStatus.SetText("")
	r.patrolBtn.Hide()
	r.listView.Hide()
	r.runView.Show()
	r.prevKeys = r.w.Canvas().OnTypedKey()
	r.w.Canvas().SetOnTypedKey(r.typedKey)
	r.refresh()
	r.goDo(func() { r.follow(run) })
}

// follow turns the run's events into refreshes on the UI thread. At most
// one refresh is queued: the screen reads the whole state each time, so a
// slow screen skips ticks and never slows the run.
func (r *roundsScreen) follow(run *app.RoundRun) {
	for {
		select {
		case <-r.ctx.Done():
			run.Stop()
			return
		case _, ok := <-run.Events():
			if !ok {
				r.do(func() { r.ended(run) })
				return
			}
			if r.refreshing.CompareAndSwap(false, true) {
				r.do(func() {
					r.refreshing.Store(false)
					if r.run == run {
						r.refresh()
					}
				})
			}
		}
	}
}

// refresh shows the run's state: the step's cameras, the progress, the
// pause button's words.
func (r *roundsScreen) refresh() {
	st := r.run.State()
	n := len(st.Slots)
	side := 1
	if n > 1 {
		side = 2
	}
	want := side * side
	if n == 0 {
		want = 1
	}
	if len(r.grid.Objects) != want {
		objs := make([]fyne.CanvasObject, want)
		for i := range objs {
			objs[i] = r.tiles[i]
		}
		r.grid.Layout = layout.NewGridLayout(side)
		r.grid.Objects = objs
		r.grid.Refresh()
	}
	for i, t := range r.tiles {
		if i < n {
			t.set(st.Slots[i])
		} else if t.view != nil || t.name.Text != "" {
			t.set(app.RoundSlot{})
		}
	}
	cams := ""
	for i, sl := range st.Slots {
		if i > 0 {
			cams += ", "
		}
		cams += sl.Camera.Name
	}
	r.stepLbl.SetText(lang.L("rounds.step", map[string]any{"Step": st.Step + 1, "Steps": st.Steps, "Cameras": cams}))
	if st.Dwell > 0 {
		r.progress.SetValue(min(1, float64(st.Elapsed)/float64(st.Dwell)))
	}
	if st.Paused {
		r.pauseBtn.SetText(lang.L("rounds.resume"))
		r.pauseBtn.SetIcon(theme.MediaPlayIcon())
	} else {
		r.pauseBtn.SetText(lang.L("rounds.pause"))
		r.pauseBtn.SetIcon(theme.MediaPauseIcon())
	}
}

// ended goes back to the list and says how the run ended.
func (r *roundsScreen) ended(run *app.RoundRun) {
	if r.run != run {
		return
	}
	st := run.State()
	for _, t := range r.tiles {
		t.stop()
		t.img.Image = nil
	}
	r.run = nil
	r.w.Canvas().SetOnTypedKey(r.prevKeys)
	r.prevKeys = nil
	r.closeObservation()
	r.runView.Hide()
	r.listView.Show()
	if r.selected >= 0 {
		r.startBtn.Enable()
	}
	r.status.SetText(lang.L("rounds.ended", map[string]any{"Round": st.Round.Name, "Reason": endLabel(st.EndReason),
		"Visits": st.Visits}))
}

func endLabel(reason string) string {
	switch reason {
	case app.RoundCompleted:
		return lang.L("rounds.end.completed")
	case app.RoundStopped:
		return lang.L("rounds.end.stopped")
	case app.RoundAborted:
		return lang.L("rounds.end.aborted")
	}
	return look.DecisionText(reason)
}

// stop ends the run off the UI thread (closing the views writes the audit).
func (r *roundsScreen) stop() {
	if run := r.run; run != nil {
		r.goDo(run.Stop)
	}
}

func (r *roundsScreen) typedKey(ev *fyne.KeyEvent) {
	if r.run == nil || !r.content.Visible() {
		// Another tab is in front: its keys are not the round's.
		if r.prevKeys != nil {
			r.prevKeys(ev)
		}
		return
	}
	switch ev.Name {
	case fyne.KeySpace:
		r.run.TogglePause()
	case fyne.KeyRight:
		r.run.Next()
	case fyne.KeyLeft:
		r.run.Previous()
	case fyne.KeyPlus, fyne.KeyEqual:
		r.run.Extend(extendStep)
	case fyne.KeyEscape:
		r.stop()
	case fyne.KeyO:
		r.openObservation()
	case fyne.KeyP:
		if r.patrolBtn.Visible() && !r.patrolBtn.Disabled() {
			r.sendPatrol()
		}
	}
}
