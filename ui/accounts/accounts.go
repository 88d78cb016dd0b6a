// Package accounts is the administrator's accounts tab: create users,
// disable, re-enable, re-role and delete them, set a password. Every change
// is decided and audited by the console; a disabled, deleted or re-roled
// user's running sessions lose their rights at once.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// Console is what the tab uses of the console.
type Console interface {
	ListUsers(ctx context.Context, s *app.Session) ([]app.User, error)
	AddUser(ctx context.Context, s *app.Session, u app.User, password string) error
	SetUserPassword(ctx context.Context, s *app.Session, name, password string) error
	DisableUser(ctx context.Context, s *app.Session, name string) error
	EnableUser(ctx context.Context, s *app.Session, name string) error
	SetUserRole(ctx context.Context, s *app.Session, name string, role app.Role, municipality string) error
	DeleteUser(ctx context.Context, s *app.Session, name string) error
	Logins
	Limits
}

type screen struct {
	env      look.Env
	c        Console
	users    []app.User
	sel      int
	list     *widget.List
	name     *widget.Entry
	full     *widget.Entry
	role     *widget.Select
	muni     *widget.Entry
	password *widget.Entry
	status   *widget.Label
	content  fyne.CanvasObject
	logins   *loginsPanel
	limits   *limitsPanel
}

// Tab builds the administrator's tab: the users, the cameras' logins and
// the recordings' limits.
func Tab(env look.Env, c Console) fyne.CanvasObject {
	s := newScreen(env, c)
	return container.NewAppTabs(container.NewTabItem(lang.L("accounts.users"), s.content),
		container.NewTabItem(lang.L("logins.title"), s.logins.content),
		container.NewTabItem(lang.L("limits.title"), s.limits.content))
}

func newScreen(env look.Env, c Console) *screen {
	s := &screen{env: env, c: c, sel: -1}
	var roles []string
	for _, r := range app.Roles() {
		roles = append(roles, look.RoleLabel(r))
	}
	s.name, s.full, s.muni = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.role = widget.NewSelect(roles, nil)
	s.role.SetSelectedIndex(0)
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("accounts.password.hint"))
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("accounts.name"), s.name),
		widget.NewFormItem(lang.L("accounts.full"), s.full),
		widget.NewFormItem(lang.L("accounts.role"), s.role),
		widget.NewFormItem(lang.L("accounts.municipality"), s.muni),
		widget.NewFormItem(lang.L("accounts.password"), s.password),
	)
	buttons := container.NewHBox(widget.NewButton(lang.L("accounts.add"), s.add),
		widget.NewButton(lang.L("accounts.setpassword"), s.setPassword),
		widget.NewButton(lang.L("accounts.setrole"), s.setRole),
		widget.NewButton(lang.L("accounts.disable"), s.each(c.DisableUser)),
		widget.NewButton(lang.L("accounts.enable"), s.each(c.EnableUser)),
		widget.NewButton(lang.L("accounts.delete"), s.each(c.DeleteUser)))
	s.list = widget.NewList(func() int { return len(s.users) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(describe(s.users[i])) })
	s.list.OnSelected = func(i widget.ListItemID) {
		s.sel = i
		u := s.users[i]
		s.name.SetText(u.Name)
		s.full.SetText(u.FullName)
		s.muni.SetText(u.Municipality)
		for j, r := range app.Roles() {
			if r == u.Role {
				s.role.SetSelectedIndex(j)
			}
		}
	}
	s.content = container.NewBorder(container.NewVBox(form, buttons, s.status), nil, nil, nil, s.list)
	s.run(func() (string, error) { return "", nil })
	s.logins = newLoginsPanel(s, c)
	s.limits = newLimitsPanel(s, c)
	return s
}

func describe(u app.User) string {
	state := ""
	if u.Disabled {
		state = " — " + lang.L("accounts.disabled")
	}
	muni := ""
	if u.Municipality != "" {
		muni = " (" + u.Municipality + ")"
	}
	return fmt.Sprintf("%s — %s — %s%s%s", u.Name, u.FullName, look.RoleLabel(u.Role), muni, state)
}

func (s *screen) selectedRole() app.Role { return app.Roles()[max(s.role.SelectedIndex(), 0)] }

func (s *screen) add() {
	u := app.User{Name: strings.TrimSpace(s.name.Text), FullName: strings.TrimSpace(s.full.Text), Role: s.selectedRole(),
		Municipality: strings.TrimSpace(s.muni.Text)}
	pw := s.password.Text
	s.password.SetText("")
	s.run(func() (string, error) {
		return lang.L("accounts.added", map[string]any{"Name": u.Name}), s.c.AddUser(s.env.Ctx, s.env.Sess, u, pw)
	})
}

func (s *screen) setPassword() {
	name, pw := strings.TrimSpace(s.name.Text), s.password.Text
	s.password.SetText("")
	s.run(func() (string, error) {
		return lang.L("accounts.done", map[string]any{"Name": name}), s.c.SetUserPassword(s.env.Ctx, s.env.Sess, name, pw)
	})
}

func (s *screen) setRole() {
	name, role, muni := strings.TrimSpace(s.name.Text), s.selectedRole(), strings.TrimSpace(s.muni.Text)
	s.run(func() (string, error) {
		return lang.L("accounts.done", map[string]any{"Name": name}), s.c.SetUserRole(s.env.Ctx, s.env.Sess, name, role, muni)
	})
}

// each makes a button act on the account named in the form.
func (s *screen) each(fn func(context.Context, *app.Session, string) error) func() {
	return func() {
		name := strings.TrimSpace(s.name.Text)
		s.run(func() (string, error) {
			return lang.L("accounts.done", map[string]any{"Name": name}), fn(s.env.Ctx, s.env.Sess, name)
		})
	}
}

// run does fn off the UI thread, then lists the accounts again (a listing
// is an audited consultation of personal data) and says what happened.
func (s *screen) run(fn func() (string, error)) {
	s.env.Go(func() {
		msg, err := fn()
		var us []app.User
		if err == nil {
			us, err = s.c.ListUsers(s.env.Ctx, s.env.Sess)
		}
		s.env.Do(func() {
			if err != nil {
				s.status.SetText(refusal(err))
				return
			}
			s.users, s.sel = us, -1
			s.list.UnselectAll()
			s.list.Refresh()
			s.status.SetText(msg)
		})
	})
}

func refusal(err error) string {
	var de *app.DeniedError
	if errors.As(err, &de) {
		return look.DecisionText(de.Decision.Code)
	}
	return err.Error()
}
