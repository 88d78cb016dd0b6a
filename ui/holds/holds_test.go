package holds

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

func openConsole(t *testing.T) *app.Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 2, Logger: uitest.Logger()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { sz.Close() })
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "holds-test", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		cancel()
	})
	return c
}

// TestHoldsTabPlacesListsAndReleases: an investigator places a hold on a
// camera's footage for a case, sees it listed, and releases it; a
// dispatcher's attempt is refused with the reason on screen.
func TestHoldsTabPlacesListsAndReleases(t *testing.T) {
	uitest.App(t)
	c := openConsole(t)
	ctx := context.Background()
	inv, err := c.Login(ctx, "recherche", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	l := uitest.NewLoop()
	w := test.NewWindow(nil)
	defer w.Close()
	s := newScreen(uitest.Env(t, inv, w, l), c)
	s.caseRef.SetText("PV HA.12.L3.11/26")
	s.motive.SetText("inbraak juwelier")
	s.cams.SetSelected([]string{"cam01"})
	s.from.SetText(time.Now().Add(-2 * time.Hour).Format(timeLayout))
	s.to.SetText(time.Now().Format(timeLayout))
	s.place()
	l.Until(t, "the hold listed", 10*time.Second, func() bool { return len(s.holds) == 1 })
	if h := s.holds[0]; h.Case != "PV HA.12.L3.11/26" || h.CreatedBy != "recherche" || len(h.Cameras) != 1 {
		t.Fatalf("hold = %+v", h)
	}
	if !strings.Contains(s.status.Text, "PV HA.12.L3.11/26") {
		t.Errorf("status %q", s.status.Text)
	}
	s.sel = 0
	s.release()
	l.Until(t, "the hold released", 10*time.Second, func() bool { return len(s.holds) == 1 && !s.holds[0].Released.IsZero() })

	disp, err := c.Login(ctx, "dispatcher", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	d := newScreen(uitest.Env(t, disp, w, l), c)
	d.caseRef.SetText("PV 1")
	d.cams.SetSelected([]string{"cam01"})
	d.place()
	l.Until(t, "the refusal shown", 10*time.Second, func() bool { return d.status.Text != "" })
	if len(d.holds) != 0 {
		t.Errorf("a dispatcher got a hold list")
	}
}
