package playback

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// reasonPrompt asks why recorded footage is consulted, in the look of the
// wall's prompt: the kinds the policy accepts for playback (an
// administrative or judicial mission with its reference), the
// authorisation field for a judicial mission (footage older than 30 days),
// and, after a refusal, what its code means. The answer is checked with
// app.Reason.Validate before the console is asked.
type reasonPrompt struct {
	*look.ReasonForm
	d       *dialog.CustomDialog
	confirm *widget.Button
	done    func(app.Reason)
}

// initialReason is what the prompt offers first: the last justification of
// the tab, else the shift's when playback accepts its kind, else the first
// kind playback accepts.
func initialReason(s *app.Session, last *app.Reason, kinds []app.JustKind) app.Reason {
	if last != nil {
		return *last
	}
	if s != nil {
		for _, k := range kinds {
			if s.Shift.Kind == k {
				return s.Shift
			}
		}
	}
	if len(kinds) > 0 {
		return app.Reason{Kind: kinds[0]}
	}
	return app.Reason{}
}

// askReason shows the prompt; done runs on the UI thread with the
// confirmed justification, and not at all on cancel. deniedCode, when set,
// is the refusal the user saw last: the prompt says what it means.
func (s *Screen) askReason(deniedCode string, done func(app.Reason)) *reasonPrompt {
	p := &reasonPrompt{ReasonForm: look.NewReasonForm(app.KindsFor(actPlayback)), done: done}
	intro := widget.NewLabel(lang.L("playback.just.intro"))
	intro.Wrapping = fyne.TextWrapWord
	rules := widget.NewLabel(lang.L("playback.just.rules"))
	rules.Wrapping = fyne.TextWrapWord
	rules.Importance = widget.LowImportance

	p.confirm = widget.NewButton(lang.L("just.confirm"), p.submit)
	p.confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("action.cancel"), func() { p.d.Hide() })
	body := container.NewVBox(intro, p.Form, rules, p.Message)
	p.d = dialog.NewCustomWithoutButtons(lang.L("just.title"), container.New(look.FixedWidth{W: 560}, body), s.env.W)
	p.d.SetOnClosed(func() {
		if s.prompt == p {
			s.prompt = nil
		}
	})
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.confirm})
	p.Set(initialReason(s.env.Sess, s.reason, p.Kinds))
	if deniedCode != "" {
		p.Message.SetText(lang.L("playback.just.refused", map[string]any{"Reason": look.DecisionText(deniedCode), "Code": deniedCode}))
	}
	p.d.Show()
	s.env.W.Canvas().Focus(p.Ref)
	s.prompt = p
	return p
}

func (p *reasonPrompt) submit() {
	r, ok := p.Check(actPlayback)
	if !ok {
		return
	}
	p.d.Hide()
	p.done(r)
}
