package wall

import (
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

// reasonPrompt asks why a wall, a tile or a round is opened, in the form
// every prompt shares (look.ReasonForm).
type reasonPrompt struct {
	*look.ReasonForm
	d       *dialog.CustomDialog
	confirm *widget.Button
	act     app.Action
	done    func(app.Reason)
}

// askReason shows the prompt pre-filled with initial; done runs on the UI
// thread with the confirmed justification, and not at all on cancel.
// subject, when not empty, names what is being opened (a camera).
func (s *Screen) askReason(act app.Action, initial app.Reason, subject string, done func(app.Reason)) *reasonPrompt {
	p := &reasonPrompt{ReasonForm: look.NewReasonForm(app.KindsFor(act)), act: act, done: done}
	// The shift's default text follows the kind: offered for a shift,
	// taken away for any other kind, so it never stands for a mission.
	p.OnKind = func(k app.JustKind) {
		switch {
		case k != app.JustShift && p.Text.Text == defaultShiftText:
			p.Text.SetText("")
		case k == app.JustShift && p.Text.Text == "":
			p.Text.SetText(defaultShiftText)
		}
	}
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

	body := container.NewVBox(append(head, p.Form, p.Message)...)
	p.d = dialog.NewCustomWithoutButtons(lang.L("just.title"), container.New(look.FixedWidth{W: 540}, body), s.env.W)
	p.d.SetOnClosed(func() {
		if s.prompt == p {
			s.prompt = nil
		}
	})
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.confirm})
	p.Set(initial)
	p.d.Show()
	s.env.W.Canvas().Focus(p.confirm)
	s.prompt = p
	return p
}

func (p *reasonPrompt) submit() {
	r, ok := p.Check(p.act)
	if !ok {
		return
	}
	p.d.Hide()
	p.done(r)
}
