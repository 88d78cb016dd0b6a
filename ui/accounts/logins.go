package accounts

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
)

// Logins is what the camera logins panel uses of the console: the
// credential store behind the zone file's credential = "..." names.
type Logins interface {
	CameraLogins(ctx context.Context, s *app.Session) ([]app.CameraLogin, error)
	SetCameraLogin(ctx context.Context, s *app.Session, name, user, password string) error
	RemoveCameraLogin(ctx context.Context, s *app.Session, name string) error
}

// loginsPanel lists the camera logins (names and users, never a password)
// and sets or removes one; the console audits each change and reconnects
// the wall's views of the cameras concerned.
type loginsPanel struct {
	s        *screen
	c        Logins
	logins   []app.CameraLogin
	list     *widget.List
	name     *widget.Entry
	user     *widget.Entry
	password *widget.Entry
	status   *widget.Label
	content  fyne.CanvasObject
}

func newLoginsPanel(s *screen, c Logins) *loginsPanel {
	p := &loginsPanel{s: s, c: c}
	p.name, p.user = widget.NewEntry(), widget.NewEntry()
	p.name.SetPlaceHolder(lang.L("logins.name.hint"))
	p.password = widget.NewPasswordEntry()
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("logins.name"), p.name),
		widget.NewFormItem(lang.L("logins.user"), p.user),
		widget.NewFormItem(lang.L("logins.password"), p.password),
	)
	set := widget.NewButton(lang.L("logins.set"), p.set)
	set.Importance = widget.HighImportance
	remove := widget.NewButton(lang.L("logins.remove"), p.remove)
	p.list = widget.NewList(func() int { return len(p.logins) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(fmt.Sprintf("%s — %s", p.logins[i].Name, p.logins[i].Username))
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.name.SetText(p.logins[i].Name)
		p.user.SetText(p.logins[i].Username)
	}
	p.content = container.NewBorder(container.NewVBox(form, container.NewHBox(set, remove), p.status), nil, nil, nil, p.list)
	p.run(func() (string, error) { return "", nil })
	return p
}

func (p *loginsPanel) set() {
	name, user, pw := strings.TrimSpace(p.name.Text), strings.TrimSpace(p.user.Text), p.password.Text
	p.password.SetText("") // never left on screen
	p.run(func() (string, error) {
		return lang.L("logins.saved", map[string]any{"Name": name}), p.c.SetCameraLogin(p.s.env.Ctx, p.s.env.Sess, name, user, pw)
	})
}

func (p *loginsPanel) remove() {
	name := strings.TrimSpace(p.name.Text)
	p.run(func() (string, error) {
		return lang.L("logins.removed", map[string]any{"Name": name}), p.c.RemoveCameraLogin(p.s.env.Ctx, p.s.env.Sess, name)
	})
}

// run does fn off the UI thread, lists the logins again and says what
// happened.
func (p *loginsPanel) run(fn func() (string, error)) {
	e := p.s.env
	e.Go(func() {
		msg, err := fn()
		var ls []app.CameraLogin
		if err == nil {
			ls, err = p.c.CameraLogins(e.Ctx, e.Sess)
		}
		e.Do(func() {
			if err != nil {
				p.status.SetText(refusal(err))
				return
			}
			p.logins = ls
			p.list.UnselectAll()
			p.list.Refresh()
			p.status.SetText(msg)
		})
	})
}
