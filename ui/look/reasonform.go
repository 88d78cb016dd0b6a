package look

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// ReasonForm is the justification form of every prompt that asks why
// something is opened (the wall's, playback's): the kinds the action
// accepts, the reference named after the kind, the text, and the
// authorisation field only for a judicial mission. Check runs
// app.Reason.Validate, so the user hears at once that a reference is
// missing instead of a refusal later. The prompts own the dialog around it.
type ReasonForm struct {
	Kinds   []app.JustKind
	Kind    *widget.Select
	Text    *widget.Entry
	Ref     *widget.Entry
	AuthRef *widget.Entry
	Form    *widget.Form
	Message *widget.Label
	// OnKind, when set, runs after the kind changed (the wall fills in the
	// shift's default text).
	OnKind func(app.JustKind)
}

// NewReasonForm builds the form for the kinds an action accepts
// (app.KindsFor).
func NewReasonForm(kinds []app.JustKind) *ReasonForm {
	f := &ReasonForm{Kinds: kinds}
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		labels[i] = JustKindLabel(k)
	}
	f.Kind = widget.NewSelect(labels, func(string) { f.kindChanged() })
	f.Text = widget.NewMultiLineEntry()
	f.Text.SetMinRowsVisible(2)
	f.Text.Wrapping = fyne.TextWrapWord
	f.Ref = widget.NewEntry()
	f.AuthRef = widget.NewEntry()
	f.AuthRef.SetPlaceHolder(lang.L("just.authref.hint"))
	f.Message = widget.NewLabel("")
	f.Message.Importance = widget.DangerImportance
	f.Message.Wrapping = fyne.TextWrapWord
	f.Form = widget.NewForm(
		widget.NewFormItem(lang.L("just.kind"), f.Kind),
		widget.NewFormItem(lang.L("just.ref.optional"), f.Ref),
		widget.NewFormItem(lang.L("just.text"), f.Text),
		widget.NewFormItem(lang.L("just.authref"), f.AuthRef),
	)
	return f
}

// Set fills the form with r (the first kind when r's is not offered).
func (f *ReasonForm) Set(r app.Reason) {
	idx := 0
	for i, k := range f.Kinds {
		if k == r.Kind {
			idx = i
		}
	}
	f.Kind.SetSelectedIndex(idx)
	f.Text.SetText(r.Text)
	f.Ref.SetText(r.Ref)
	f.AuthRef.SetText(r.AuthRef)
	f.kindChanged()
}

// Selected is the kind chosen, "" when none.
func (f *ReasonForm) Selected() app.JustKind {
	if i := f.Kind.SelectedIndex(); i >= 0 && i < len(f.Kinds) {
		return f.Kinds[i]
	}
	return ""
}

// Reason is the justification as typed; the authorisation only counts for
// a judicial mission.
func (f *ReasonForm) Reason() app.Reason {
	r := app.Reason{Kind: f.Selected(), Text: f.Text.Text, Ref: f.Ref.Text}
	if r.Kind == app.JustJudicial {
		r.AuthRef = f.AuthRef.Text
	}
	return r
}

// Check validates the justification for act: false, with the reason shown
// under the form, when it would be refused.
func (f *ReasonForm) Check(act app.Action) (app.Reason, bool) {
	r := f.Reason()
	if err := r.Validate(act); err != nil {
		var re *app.ReasonError
		if errors.As(err, &re) {
			f.Message.SetText(DecisionText(re.Code))
		} else {
			f.Message.SetText(lang.L("error.generic", map[string]any{"Error": err.Error()}))
		}
		return r, false
	}
	return r, true
}

// kindChanged renames the reference field after the kind and shows the
// authorisation field only where it can matter (judicial missions).
func (f *ReasonForm) kindChanged() {
	if f.Form == nil {
		return
	}
	k := f.Selected()
	if f.OnKind != nil {
		f.OnKind(k)
	}
	f.Form.Items[1].Text = JustRefLabel(k)
	// A hidden field keeps its form label: blank it too.
	if k == app.JustJudicial {
		f.Form.Items[3].Text = lang.L("just.authref")
		f.Form.Items[3].Widget.Show()
	} else {
		f.Form.Items[3].Text = ""
		f.Form.Items[3].Widget.Hide()
	}
	f.Form.Refresh()
	f.Message.SetText("")
}
