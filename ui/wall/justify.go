package wall

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// defaultShiftText is the shift's justification when the session carries
// none. It is audit data, kept in Dutch whatever the screen language, like
// the zone's own records.
const defaultShiftText = "operationeel toezicht, dispatchdienst"

// shiftReason is what the prompt offers first: one click confirms it.
func shiftReason(s *app.Session) app.Reason {
	r := app.Reason{Kind: app.JustShift}
	if s != nil && s.Shift.Kind != "" {
		r = s.Shift
	}
	if r.Kind == app.JustShift && r.Text == "" {
		r.Text = defaultShiftText
	}
	return r
}

// reasonPrompt asks why a wall, a tile or a round is opened. It checks the
// answer with app.Reason.Validate, so the user hears at once that a
// reference is missing instead of a refusal later.
type reasonPrompt struct {
	d       *dialog.CustomDialog
	kinds   []app.JustKind
	kind    *widget.Select
	text    *widget.Entry
	ref     *widget.Entry
	authRef *widget.Entry
	form    *widget.Form
	message *widget.Label
	confirm *widget.Button
	act     app.Action
	done    func(app.Reason)
}

// askReason shows the prompt pre-filled with initial; done runs on the UI
// thread with the confirmed justification, and not at all on cancel.
// subject, when not empty, names what is being opened (a camera).
func (s *Screen) askReason(act app.Action, initial app.Reason, subject string, done func(app.Reason)) *reasonPrompt {
	p := &reasonPrompt{act: act, done: done, kinds: app.KindsFor(act)}
	labels := make([]string, len(p.kinds))
	for i, k := range p.kinds {
		labels[i] = look.JustKindLabel(k)
	}
	p.kind = widget.NewSelect(labels, func(string) { p.kindChanged() })
	p.text = widget.NewMultiLineEntry()
	p.text.SetMinRowsVisible(2)
	p.text.Wrapping = fyne.TextWrapWord
	p.ref = widget.NewEntry()
	p.authRef = widget.NewEntry()
	p.authRef.SetPlaceHolder(lang.L("just.authref.hint"))
	p.message = widget.NewLabel("")
	p.message.Importance = widget.DangerImportance
	p.message.Wrapping = fyne.TextWrapWord

	p.form = widget.NewForm(
		widget.NewFormItem(lang.L("just.kind"), p.kind),
		widget.NewFormItem(lang.L("just.ref.optional"), p.ref),
		widget.NewFormItem(lang.L("just.text"), p.text),
		widget.NewFormItem(lang.L("just.authref"), p.authRef),
	)
	intro := widget.NewLabel(lang.L("just.intro"))
	intro.Wrapping = fyne.TextWrapWord
	head := []fyne.CanvasObject{intro}
	if subject != "" {
		what := widget.NewLabel(lang.L("just.subject", map[string]any{"Name": subject}))
		what.TextStyle.Bold = true
		head = append([]fyne.CanvasObject{what}, head...)
	}

	p.confirm = widget.NewButton(lang.L("just.confirm"), p.submit)
	p.confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("action.cancel"), func() { p.d.Hide() })

	body := container.NewVBox(append(head, p.form, p.message)...)
	p.d = dialog.NewCustomWithoutButtons(lang.L("just.title"), container.New(look.FixedWidth{W: 540}, body), s.env.W)
	p.d.SetOnClosed(func() {
		if s.prompt == p {
			s.prompt = nil
		}
	})
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.confirm})
	p.set(initial)
	p.d.Show()
	s.env.W.Canvas().Focus(p.confirm)
	s.prompt = p
	return p
}

func (p *reasonPrompt) set(r app.Reason) {
	idx := 0
	for i, k := range p.kinds {
		if k == r.Kind {
			idx = i
		}
	}
	p.kind.SetSelectedIndex(idx)
	p.text.SetText(r.Text)
	p.ref.SetText(r.Ref)
	p.authRef.SetText(r.AuthRef)
	p.kindChanged()
}

func (p *reasonPrompt) selected() app.JustKind {
	if i := p.kind.SelectedIndex(); i >= 0 && i < len(p.kinds) {
		return p.kinds[i]
	}
	return ""
}

// kindChanged renames the reference field after the kind and shows the
// authorisation field only where it can matter (judicial missions).
func (p *reasonPrompt) kindChanged() {
	if p.form == nil {
		return
	}
	k := p.selected()
	switch {
	case k != app.JustShift && p.text.Text == defaultShiftText:
		p.text.SetText("")
	case k == app.JustShift && p.text.Text == "":
		p.text.SetText(defaultShiftText)
	}
	p.form.Items[1].Text = look.JustRefLabel(k)
	// A hidden field keeps its form label: blank it too.
	if k == app.JustJudicial {
		p.form.Items[3].Text = lang.L("just.authref")
		p.form.Items[3].Widget.Show()
	} else {
		p.form.Items[3].Text = ""
		p.form.Items[3].Widget.Hide()
	}
	p.form.Refresh()
	p.message.SetText("")
}

func (p *reasonPrompt) reason() app.Reason {
	r := app.Reason{Kind: p.selected(), Text: p.text.Text, Ref: p.ref.Text}
	if r.Kind == app.JustJudicial {
		r.AuthRef = p.authRef.Text
	}
	return r
}

func (p *reasonPrompt) submit() {
	r := p.reason()
	if err := r.Validate(p.act); err != nil {
		var re *app.ReasonError
		if errors.As(err, &re) {
			p.message.SetText(look.DecisionText(re.Code))
		} else {
			p.message.SetText(lang.L("error.generic", map[string]any{"Error": err.Error()}))
		}
		return
	}
	p.d.Hide()
	p.done(r)
}
