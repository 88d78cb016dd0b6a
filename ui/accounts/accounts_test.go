package accounts

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// TestAccountsTab: the administrator creates an account (a weak password
// is refused with the reason), disables it, and the user's running session
// loses its rights at once.
func TestAccountsTab(t *testing.T) {
	uitest.App(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 1, Logger: uitest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	defer sz.Close()
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "acc", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	admin, err := c.Login(ctx, "beheerder", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	l := uitest.NewLoop()
	w := test.NewWindow(nil)
	defer w.Close()
	s := newScreen(uitest.Env(t, admin, w, l), c)
	l.Until(t, "the accounts listed", 10*time.Second, func() bool { return len(s.users) >= 7 })

	s.name.SetText("nieuw")
	s.full.SetText("Inspecteur Nieuw")
	s.role.SetSelectedIndex(0) // dispatcher
	s.password.SetText("kort")
	s.add()
	l.Until(t, "the weak password refused", 10*time.Second, func() bool { return s.status.Text != "" })
	s.status.SetText("")
	s.password.SetText("groene tram rijdt langs het station")
	s.add()
	l.Until(t, "the new account listed", 10*time.Second, func() bool { return strings.Contains(s.status.Text, "nieuw") })
	sess, err := c.Login(ctx, "nieuw", "groene tram rijdt langs het station")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Can(sess, app.ActLive) {
		t.Fatal("the new dispatcher may not watch live")
	}
	s.name.SetText("nieuw")
	s.each(c.DisableUser)()
	l.Until(t, "disabled", 10*time.Second, func() bool {
		for _, u := range s.users {
			if u.Name == "nieuw" && u.Disabled {
				return true
			}
		}
		return false
	})
	if c.Can(sess, app.ActLive) {
		t.Fatal("a disabled user's session keeps its rights")
	}

	// The cameras' logins: set one, listed by name and user only, the
	// password field emptied at once.
	p := s.logins
	l.Until(t, "the logins listed", 10*time.Second, func() bool { return p.logins != nil || p.status.Text != "" })
	p.name.SetText("nvr-oost")
	p.user.SetText("viewer")
	p.password.SetText("Geheim-2026")
	p.set()
	if p.password.Text != "" {
		t.Error("the password stays in its field after saving")
	}
	l.Until(t, "the login listed", 10*time.Second, func() bool {
		for _, lg := range p.logins {
			if lg.Name == "nvr-oost" && lg.Username == "viewer" {
				return true
			}
		}
		return false
	})
	if strings.Contains(test.RenderObjectToMarkup(p.list), "Geheim-2026") {
		t.Error("the list shows a password")
	}

	// The recordings' limits: shown as in force, changed at once.
	lp := s.limits
	l.Until(t, "the limits shown", 10*time.Second, func() bool { return lp.days.Text != "" })
	if lp.days.Text != "365" {
		t.Errorf("retention shown as %q days, want the default 365", lp.days.Text)
	}
	lp.days.SetText("31")
	lp.quota.SetText("2,5")
	lp.floor.SetText("1")
	lp.save()
	l.Until(t, "the limits saved", 10*time.Second, func() bool { return lp.status.Text != "" })
	if lim, err := c.RecordingLimitsOf(ctx, admin); err != nil || lim.RetentionPeriod() != 31*24*time.Hour || lim.QuotaGB != 2.5 {
		t.Fatalf("after saving: %+v, %v (status %q)", lim, err, lp.status.Text)
	}
}
