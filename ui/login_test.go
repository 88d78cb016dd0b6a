package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/look"
)

func TestLogin(t *testing.T) {
	c := openConsole(t, 2)
	h := newHarness(t, c)

	t.Run("simulated zone shows the demo accounts", func(t *testing.T) {
		text := test.RenderObjectToMarkup(h.s.login.content)
		for _, u := range simzone.DemoUsers() {
			if !strings.Contains(text, u.Name+" — ") {
				t.Errorf("login screen does not name demo account %q", u.Name)
			}
		}
		if !strings.Contains(text, lang.L("login.demo.password", map[string]any{"Password": simzone.DemoPassword})) {
			t.Errorf("login screen does not give the demo password")
		}
	})

	t.Run("empty fields", func(t *testing.T) {
		test.Tap(h.s.login.button)
		if got, want := h.s.login.message.Text, lang.L("login.error.empty"); got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		h.login("dispatcher", "not-the-password")
		if h.s.sess != nil {
			t.Fatal("logged in with a wrong password")
		}
		if got, want := h.s.login.message.Text, lang.L("login.error.credentials"); got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
		if h.s.login.password.Text != "" {
			t.Errorf("password field kept the wrong password")
		}
	})

	t.Run("lockout", func(t *testing.T) {
		for i := 0; i < app.MaxFailures; i++ {
			h.s.login.user.SetText("")
			h.login("stad", "wrong")
		}
		// Even the right password is refused while locked, and says so.
		h.s.login.user.SetText("")
		h.login("stad", simzone.DemoPassword)
		if h.s.sess != nil {
			t.Fatal("a locked account logged in")
		}
		locked := loadMessages(t)["nl"]["login.error.locked_until"]
		if prefix := locked[:strings.Index(locked, "{{")]; !strings.HasPrefix(h.s.login.message.Text, prefix) {
			t.Errorf("message = %q, want the lockout message", h.s.login.message.Text)
		}
	})

	t.Run("success", func(t *testing.T) {
		h.s.login.user.SetText("")
		h.login("dispatcher", simzone.DemoPassword)
		if h.s.sess == nil || h.s.main == nil {
			t.Fatalf("not logged in; message %q", h.s.login.message.Text)
		}
		if h.s.sess.User.Role != app.RoleDispatcher {
			t.Errorf("role = %s", h.s.sess.User.Role)
		}
		if got := h.prompt().Reason(); got.Kind != app.JustShift || got.Text == "" {
			t.Errorf("prompt pre-filled with %+v, want the shift's justification", got)
		}
	})
}

func TestLanguagePickerRebuildsLogin(t *testing.T) {
	c := openConsole(t, 1)
	h := newHarness(t, c)
	h.s.login.user.SetText("dispatcher")
	h.s.login.language.SetSelected(look.LanguageName("fr"))
	t.Cleanup(func() { _ = look.SetLanguage("nl") })
	if got := h.s.login.button.Text; got != "Se connecter" {
		t.Errorf("button after picking French = %q", got)
	}
	if got := h.s.login.user.Text; got != "dispatcher" {
		t.Errorf("user name lost on language switch: %q", got)
	}
}
