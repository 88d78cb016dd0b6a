package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// loginScreen asks who sits at the console. Its messages say what to do next
// (wrong password, locked until when) without telling which names exist.
type loginScreen struct {
	s        *shell
	content  fyne.CanvasObject
	user     *widget.Entry
	password *widget.Entry
	language *widget.Select
	button   *widget.Button
	message  *widget.Label
	busy     bool
}

func newLoginScreen(s *shell) *loginScreen {
	l := &loginScreen{s: s}
	l.user = widget.NewEntry()
	l.user.SetPlaceHolder(lang.L("login.user.hint"))
	l.password = widget.NewPasswordEntry()
	l.password.SetPlaceHolder(lang.L("login.password.hint"))
	l.user.OnSubmitted = func(string) { s.w.Canvas().Focus(l.password) }
	l.password.OnSubmitted = func(string) { l.submit() }

	names := make([]string, len(look.Languages))
	for i, code := range look.Languages {
		names[i] = look.LanguageName(code)
	}
	l.language = widget.NewSelect(names, nil)
	l.language.SetSelected(look.LanguageName(look.CurrentLanguage()))
	l.language.OnChanged = func(name string) {
		for _, code := range look.Languages {
			if look.LanguageName(code) == name && code != look.CurrentLanguage() {
				l.switchLanguage(code)
				return
			}
		}
	}

	l.button = widget.NewButton(lang.L("login.submit"), l.submit)
	l.button.Importance = widget.HighImportance
	l.message = widget.NewLabel("")
	l.message.Importance = widget.DangerImportance
	l.message.Wrapping = fyne.TextWrapWord

	title := canvas.NewText(lang.L("app.title"), look.ColForeground)
	title.TextSize = 26
	title.TextStyle.Bold = true
	zone := s.deps.Sessions.Zone()
	zoneName := widget.NewLabel(zone.Name)

	form := widget.NewForm(
		widget.NewFormItem(lang.L("login.user"), l.user),
		widget.NewFormItem(lang.L("login.password"), l.password),
		widget.NewFormItem(lang.L("login.language"), l.language),
	)
	rows := []fyne.CanvasObject{title, zoneName, form, l.button, l.message}
	if zone.Simulated && s.demo != nil {
		rows = append(rows, widget.NewSeparator(), demoHint(s.demo))
	}
	box := container.NewPadded(container.New(look.FixedWidth{W: 420}, container.NewVBox(rows...)))
	l.content = container.NewStack(canvas.NewRectangle(look.ColBackground),
		container.NewVBox(layout.NewSpacer(), container.NewHBox(layout.NewSpacer(), box, layout.NewSpacer()), layout.NewSpacer()))
	return l
}

// demoHint names the demo accounts of the simulated zone, one per role, so
// that a new user can try each role's screens.
func demoHint(d *Demo) fyne.CanvasObject {
	var b strings.Builder
	for _, u := range d.Users {
		b.WriteString(u.Name + " — " + look.RoleLabel(u.Role) + "\n")
	}
	head := widget.NewLabel(lang.L("login.demo.title"))
	head.TextStyle.Bold = true
	accounts := widget.NewLabel(strings.TrimRight(b.String(), "\n"))
	pw := widget.NewLabel(lang.L("login.demo.password", map[string]any{"Password": d.Password}))
	return container.NewVBox(head, accounts, pw)
}

func (l *loginScreen) switchLanguage(code string) {
	if err := look.SetLanguage(code); err != nil {
		l.s.log.Error("language", "code", code, "err", err)
		return
	}
	user := l.user.Text
	l.s.w.SetTitle(lang.L("app.title"))
	l.s.showLogin()
	l.s.login.user.SetText(user)
}

// submit checks the password off the UI thread (argon2id takes a moment).
func (l *loginScreen) submit() {
	if l.busy {
		return
	}
	name, pw := strings.TrimSpace(l.user.Text), l.password.Text
	if name == "" || pw == "" {
		l.message.SetText(lang.L("login.error.empty"))
		return
	}
	l.busy = true
	l.button.Disable()
	l.message.SetText("")
	s := l.s
	s.goDo(func() {
		sess, err := s.deps.Sessions.Login(s.ctx, name, pw)
		s.do(func() {
			if s.login != l {
				// The window moved on (closed, language switched): do not keep a session nobody sees.
				if sess != nil {
					_ = s.deps.Sessions.Logout(s.ctx, sess)
				}
				return
			}
			l.busy = false
			l.button.Enable()
			if err != nil {
				l.password.SetText("")
				l.message.SetText(loginError(err))
				s.w.Canvas().Focus(l.password)
				return
			}
			s.loggedIn(sess)
		})
	})
}

// loginError says in the user's language what went wrong.
func loginError(err error) string {
	var locked *app.LockedError
	switch {
	case errors.As(err, &locked):
		return lang.L("login.error.locked_until", map[string]any{"Until": locked.Until.Local().Format("15:04")})
	case errors.Is(err, app.ErrLocked):
		return lang.L("login.error.locked")
	case errors.Is(err, app.ErrBadCredentials):
		return lang.L("login.error.credentials")
	case errors.Is(err, app.ErrDisabled):
		return lang.L("login.error.disabled")
	}
	return lang.L("login.error.other", map[string]any{"Error": err.Error()})
}
