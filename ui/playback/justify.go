package playback

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

// reasonPrompt asks why recorded footage is consulted, in the look of the
// wall's prompt: the kinds the policy accepts for playback (an
// administrative or judicial mission with its reference), the
// authorisation field for a judicial mission (footage older than 30 days),
// and, after a refusal, what its code means. The answer is checked with
// app.Reason.Validate before the console is asked.
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
	p := &reasonPrompt{done: done, kinds: app.KindsFor(actPlayback)}
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
	intro := widget.NewLabel(lang.L("playback.just.intro"))
	intro.Wrapping = fyne.TextWrapWord
	rules := widget.NewLabel(lang.L("playback.just.rules"))
	rules.Wrapping = fyne.TextWrapWord
	rules.Importance = widget.LowImportance

	p.confirm = widget.NewButton(lang.L("just.confirm"), p.submit)
	p.confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("action.cancel"), func() { p.d.Hide() })
	body := container.NewVBox(intro, p.form, rules, p.message)
	p.d = dialog.NewCustomWithoutButtons(lang.L("just.title"), container.New(look.FixedWidth{W: 560}, body), s.env.W)
	p.d.SetOnClosed(func() {
		if s.prompt == p {
			s.prompt = nil
		}
	})
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.confirm})
	p.set(initialReason(s.env.Sess, s.reason, p.kinds))
	if deniedCode != "" {
		p.message.SetText(lang.L("playback.just.refused", map[string]any{"Reason": look.DecisionText(deniedCode), "Code": deniedCode}))
	}
	p.d.Show()
	s.env.W.Canvas().Focus(p.ref)
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

// kindChanged names the reference after the kind and shows the
// authorisation field for a judicial mission only.
func (p *reasonPrompt) kindChanged() {
	if p.form == nil {
		return
	}
	k := p.selected()
	p.form.Items[1].Text = look.JustRefLabel(k)
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
	if err := r.Validate(actPlayback); err != nil {
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
