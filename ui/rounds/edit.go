package rounds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// Editor is what the editor asks of app.Console; the console checks the
// right (team chief, administrator) and audits every change.
type Editor interface {
	SaveRound(ctx context.Context, s *app.Session, old string, r app.Round) error
	DeleteRound(ctx context.Context, s *app.Session, name string) error
}

// formatSteps writes a round's steps one per line: "cam01,cam02 20s" or
// "cam05 30s preset=kruispunt".
func formatSteps(r app.Round) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(strings.Join(s.Cameras, ","))
		b.WriteString(" " + s.Dwell.Duration.String())
		if s.Preset != "" {
			b.WriteString(" preset=" + s.Preset)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseSteps reads the lines formatSteps writes; the console validates the
// cameras and dwells, this only reads the shape.
func parseSteps(text string) ([]app.RoundStep, error) {
	var steps []app.RoundStep
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("%d: %q", i+1, line)
		}
		var st app.RoundStep
		for _, id := range strings.Split(f[0], ",") {
			if id = strings.TrimSpace(id); id != "" {
				st.Cameras = append(st.Cameras, id)
			}
		}
		d, err := time.ParseDuration(f[1])
		if err != nil {
			return nil, fmt.Errorf("%d: %q", i+1, f[1])
		}
		st.Dwell = app.Duration{Duration: d}
		if len(f) == 3 {
			p, ok := strings.CutPrefix(f[2], "preset=")
			if !ok || p == "" {
				return nil, fmt.Errorf("%d: %q", i+1, f[2])
			}
			st.Preset = p
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// editView is the round editor: name, area and the steps as lines.
type editView struct {
	r       *roundsScreen
	ed      Editor
	content *fyne.Container
	old     string
	name    *widget.Entry
	area    *widget.Entry
	steps   *widget.Entry
	status  *widget.Label
	save    *widget.Button
}

func newEditView(r *roundsScreen, ed Editor) *editView {
	e := &editView{r: r, ed: ed}
	e.name, e.area = widget.NewEntry(), widget.NewEntry()
	e.steps = widget.NewMultiLineEntry()
	e.steps.SetMinRowsVisible(10)
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
	var ids []string
	for _, c := range r.c.Zone().Cameras {
		ids = append(ids, c.ID+" "+c.Name)
	}
	help := widget.NewLabel(lang.L("rounds.edit.help"))
	help.Wrapping = fyne.TextWrapWord
	cams := widget.NewLabel(strings.Join(ids, "\n"))
	e.save = widget.NewButtonWithIcon(lang.L("rounds.edit.save"), theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("rounds.observe.cancel"), theme.CancelIcon(), e.close)
	form := widget.NewForm(widget.NewFormItem(lang.L("rounds.edit.name"), e.name),
		widget.NewFormItem(lang.L("rounds.edit.area"), e.area), widget.NewFormItem(lang.L("rounds.edit.steps"), e.steps))
	head := widget.NewLabel(lang.L("rounds.edit.title"))
	head.TextStyle.Bold = true
	left := container.NewBorder(head, container.NewVBox(help, e.status, container.NewHBox(e.save, cancel)), nil, nil, form)
	e.content = container.NewBorder(nil, nil, nil, container.NewVScroll(cams), left)
	return e
}

// open shows the editor for r (zero Round: a new one).
func (e *editView) open(rd app.Round) {
	e.old = rd.Name
	e.name.SetText(rd.Name)
	e.area.SetText(rd.Area)
	e.steps.SetText(formatSteps(rd))
	e.status.SetText("")
	e.save.Enable()
	e.r.listView.Hide()
	e.content.Show()
}

func (e *editView) close() {
	e.content.Hide()
	e.r.listView.Show()
}

func (e *editView) submit() {
	steps, err := parseSteps(e.steps.Text)
	if err != nil {
		e.status.SetText(lang.L("rounds.edit.badline", map[string]any{"Line": err.Error()}))
		return
	}
	rd := app.Round{Name: strings.TrimSpace(e.name.Text), Area: strings.TrimSpace(e.area.Text), Steps: steps}
	old := e.old
	e.save.Disable()
	e.status.SetText(lang.L("rounds.edit.saving"))
	e.r.goDo(func() {
		err := e.ed.SaveRound(e.r.ctx, e.r.sess, old, rd)
		e.r.do(func() {
			e.save.Enable()
			if err != nil {
				e.status.SetText(roundError(err))
				return
			}
			e.close()
			e.r.status.SetText(lang.L("rounds.edit.saved", map[string]any{"Round": rd.Name}))
			e.r.reload()
		})
	})
}

// editButtons are the list's new/edit/delete buttons, shown to those the
// console lets edit rounds.
func (r *roundsScreen) editButtons(ed Editor) fyne.CanvasObject {
	r.editor = newEditView(r, ed)
	r.editor.content.Hide()
	add := widget.NewButtonWithIcon(lang.L("rounds.edit.new"), theme.ContentAddIcon(), func() { r.editor.open(app.Round{}) })
	r.editBtn = widget.NewButtonWithIcon(lang.L("rounds.edit.edit"), theme.DocumentCreateIcon(), func() {
		if r.selected >= 0 && r.selected < len(r.rounds) {
			r.editor.open(r.rounds[r.selected])
		}
	})
	r.deleteBtn = widget.NewButtonWithIcon(lang.L("rounds.edit.delete"), theme.DeleteIcon(), r.confirmDelete)
	r.editBtn.Disable()
	r.deleteBtn.Disable()
	return container.NewHBox(add, r.editBtn, r.deleteBtn, layout.NewSpacer())
}

func (r *roundsScreen) confirmDelete() {
	if r.selected < 0 || r.selected >= len(r.rounds) {
		return
	}
	name := r.rounds[r.selected].Name
	dialog.ShowConfirm(lang.L("rounds.edit.delete"), lang.L("rounds.edit.confirm", map[string]any{"Round": name}),
		func(ok bool) {
			if ok {
				r.deleteRound(name)
			}
		}, r.w)
}

func (r *roundsScreen) deleteRound(name string) {
	ed := r.editor.ed
	r.goDo(func() {
		err := ed.DeleteRound(r.ctx, r.sess, name)
		r.do(func() {
			if err != nil {
				r.status.SetText(roundError(err))
				return
			}
			r.status.SetText(lang.L("rounds.edit.deleted", map[string]any{"Round": name}))
			r.reload()
		})
	})
}
