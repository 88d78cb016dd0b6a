package playback

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// exportDialog exports the cameras shown over a period to a new folder:
// From and To (the timeline's selection), the case, the folder, and
// "unmasked" where the session may; a progress bar and Cancel, which
// cancels the export's context (the console then leaves no folder that
// looks complete).
type exportDialog struct {
	s        *Screen
	cams     []string
	d        *dialog.CustomDialog
	from, to *widget.Entry
	caseRef  *widget.Entry
	dir      *widget.Entry
	choose   *widget.Button
	unmasked *widget.Check
	bar      *widget.ProgressBar
	message  *widget.Label
	start    *widget.Button
	cancel   *widget.Button

	stopExport context.CancelFunc // while it runs
	progress   atomic.Pointer[[2]int64]
	result     *app.ExportResult // when done, for tests
	err        error             // when failed, for tests
	finished   bool
	cancelled  bool // the user cancelled the running export
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// defaultExportDir is a new folder under the user's home for a case and
// a period.
func defaultExportDir(caseRef string, from time.Time) string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	name := strings.Trim(unsafeName.ReplaceAllString(caseRef, "_"), "_.")
	if name == "" {
		name = "export"
	}
	return filepath.Join(home, "zoneconsole-exports", name+"-"+from.Local().Format("20060102-150405"))
}

func (s *Screen) openExport() *exportDialog {
	from, to := s.v.selFrom, s.v.selTo
	if from.IsZero() || !to.After(from) {
		to = s.v.cursor
		from = to.Add(-time.Minute)
	}
	e := &exportDialog{s: s}
	for _, c := range s.cams {
		e.cams = append(e.cams, c.ID)
	}
	e.from, e.to = widget.NewEntry(), widget.NewEntry()
	e.from.SetText(from.Local().Format(entryLayout))
	e.to.SetText(to.Local().Format(entryLayout))
	e.caseRef = widget.NewEntry()
	e.caseRef.SetPlaceHolder(lang.L("playback.export.case.hint"))
	if s.reason != nil {
		e.caseRef.SetText(s.reason.Ref)
	}
	e.dir = widget.NewEntry()
	e.dir.SetText(defaultExportDir(e.caseRef.Text, from))
	e.choose = widget.NewButton(lang.L("playback.export.choose"), e.chooseDir)
	e.unmasked = widget.NewCheck(lang.L("playback.export.unmasked"), nil)
	if !s.c.Can(s.env.Sess, actExportUnmasked) {
		e.unmasked.Disable()
	}
	e.bar = widget.NewProgressBar()
	e.bar.Hide()
	e.message = widget.NewLabel("")
	e.message.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("playback.export.from"), e.from),
		widget.NewFormItem(lang.L("playback.export.to"), e.to),
		widget.NewFormItem(lang.L("playback.export.case"), e.caseRef),
		widget.NewFormItem(lang.L("playback.export.dir"), container.NewBorder(nil, nil, nil, e.choose, e.dir)),
		widget.NewFormItem("", e.unmasked),
	)
	names := make([]string, len(s.cams))
	for i, c := range s.cams {
		names[i] = c.Name
	}
	what := widget.NewLabel(lang.L("playback.export.cameras", map[string]any{"Cameras": strings.Join(names, ", ")}))
	what.Wrapping = fyne.TextWrapWord
	e.start = widget.NewButton(lang.L("playback.export.start"), e.run)
	e.start.Importance = widget.HighImportance
	e.cancel = widget.NewButton(lang.L("action.cancel"), e.cancelOrClose)
	body := container.NewVBox(what, form, e.bar, e.message)
	e.d = dialog.NewCustomWithoutButtons(lang.L("playback.export.title"), container.New(look.FixedWidth{W: 600}, body), s.env.W)
	e.d.SetButtons([]fyne.CanvasObject{e.cancel, e.start})
	e.d.SetOnClosed(func() {
		if s.exp == e {
			s.exp = nil
		}
	})
	e.d.Show()
	s.exp = e
	return e
}

func (e *exportDialog) chooseDir() {
	fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		e.dir.SetText(filepath.Join(u.Path(), filepath.Base(e.dir.Text)))
	}, e.s.env.W)
	fd.Show()
}

// run starts the export off the UI thread.
func (e *exportDialog) run() {
	loc := time.Local
	from, ferr := parseMoment(e.from.Text, loc)
	to, terr := parseMoment(e.to.Text, loc)
	switch {
	case ferr != nil || terr != nil:
		e.message.SetText(lang.L("playback.jump.bad"))
		return
	case !to.After(from):
		e.message.SetText(lang.L("playback.export.empty"))
		return
	case strings.TrimSpace(e.dir.Text) == "":
		e.message.SetText(lang.L("playback.export.nodir"))
		return
	}
	s := e.s
	why := *s.reason
	req := app.ExportRequest{Cameras: e.cams, From: from, To: to, Case: strings.TrimSpace(e.caseRef.Text),
		Dir: filepath.Clean(e.dir.Text), Unmasked: e.unmasked.Checked}
	var queued atomic.Bool
	req.Progress = func(done, total int64) {
		e.progress.Store(&[2]int64{done, total})
		if queued.CompareAndSwap(false, true) {
			s.env.Do(func() {
				queued.Store(false)
				if p := e.progress.Load(); p != nil && p[1] > 0 && !e.finished {
					e.bar.SetValue(float64(p[0]) / float64(p[1]))
				}
			})
		}
	}
	ctx, cancel := context.WithCancel(s.env.Ctx)
	e.stopExport = cancel
	e.finished, e.cancelled, e.result, e.err = false, false, nil, nil
	for _, w := range []fyne.Disableable{e.from, e.to, e.caseRef, e.dir, e.choose, e.unmasked, e.start} {
		w.Disable()
	}
	e.bar.SetValue(0)
	e.bar.Show()
	e.message.SetText(lang.L("playback.export.running"))
	sess := s.env.Sess
	s.env.Go(func() {
		res, err := s.c.Export(ctx, sess, req, why)
		cancel()
		s.env.Do(func() { e.done(res, err) })
	})
}

func (e *exportDialog) done(res app.ExportResult, err error) {
	e.finished, e.stopExport = true, nil
	for _, w := range []fyne.Disableable{e.from, e.to, e.caseRef, e.dir, e.choose, e.start} {
		w.Enable()
	}
	if e.s.c.Can(e.s.env.Sess, actExportUnmasked) {
		e.unmasked.Enable()
	}
	e.cancel.SetText(lang.L("playback.export.close"))
	var d *app.DeniedError
	switch {
	case err == nil:
		e.result = &res
		e.bar.SetValue(1)
		e.message.SetText(lang.L("playback.export.done", map[string]any{"Dir": res.Dir, "Files": len(res.Manifest.Files)}))
	case errors.Is(err, context.Canceled) || e.cancelled && !errors.As(err, &d):
		e.err = err
		e.bar.Hide()
		e.message.SetText(lang.L("playback.export.cancelled"))
	case errors.As(err, &d):
		e.err = err
		e.bar.Hide()
		e.message.SetText(lang.L("playback.tile.refused.note", map[string]any{"Reason": look.DecisionText(d.Decision.Code), "Code": d.Decision.Code}))
	default:
		e.err = err
		e.bar.Hide()
		e.message.SetText(lang.L("error.generic", map[string]any{"Error": err.Error()}))
	}
}

// cancelOrClose cancels a running export, or closes the dialog.
func (e *exportDialog) cancelOrClose() {
	if e.stopExport != nil {
		e.stopExport()
		e.cancelled = true
		e.message.SetText(lang.L("playback.export.cancelling"))
		return
	}
	e.d.Hide()
}
