package grants

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
	sz, err := simzone.Start(ctx, simzone.Options{DataDir: dir, Cameras: 4, Logger: uitest.Logger()})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { sz.Close() })
	c, err := app.Open(ctx, app.Config{DataDir: dir, Console: "grants-test", Logger: uitest.Logger(), Zone: sz.Zone, Injector: sz})
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

// TestGrantsTab: a team chief gives the town's operator one of its cameras
// for an event; the operator may then watch it; the grant is listed and
// revoked, after which the operator may not. A grant without the event's
// name is refused with the policy's reason on screen.
func TestGrantsTab(t *testing.T) {
	uitest.App(t)
	c := openConsole(t)
	ctx := context.Background()
	chief, err := c.Login(ctx, "teamchef", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.Login(ctx, "stad", simzone.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	l := uitest.NewLoop()
	w := test.NewWindow(nil)
	defer w.Close()
	s := newScreen(uitest.Env(t, chief, w, l), c)
	if s.town.Selected != "Borgloon" || len(s.cams.Options) == 0 {
		t.Fatalf("town %q with cameras %v: want Borgloon's own", s.town.Selected, s.cams.Options)
	}
	cam := s.camIDs[s.cams.Options[0]]
	watch := func() error {
		v, err := c.OpenLive(ctx, op, cam, app.StreamSub, app.Reason{Kind: app.JustEvent, Ref: "Kermis"})
		if err == nil {
			v.Close()
		}
		return err
	}
	if watch() == nil {
		t.Fatal("the operator watched before any grant")
	}

	test.Type(s.to, "stad")
	s.cams.SetSelected([]string{s.cams.Options[0]})
	s.give()
	l.Until(t, "a refusal without the event's name", 10*time.Second, func() bool { return s.status.Text != "" })
	if len(s.grants) != 0 {
		t.Fatalf("a grant without its event was given: %+v", s.grants)
	}
	test.Type(s.ref, "Kermis")
	s.give()
	l.Until(t, "the grant listed", 10*time.Second, func() bool { return len(s.grants) == 1 })
	if line := describe(s.grants[0]); !strings.Contains(line, "stad") || !strings.Contains(line, cam) || !strings.Contains(line, "Kermis") {
		t.Errorf("grant line %q", line)
	}
	if err := watch(); err != nil {
		t.Fatalf("the operator under the grant: %v", err)
	}

	s.list.Select(0)
	s.revoke()
	l.Until(t, "the grant gone", 10*time.Second, func() bool { return len(s.grants) == 0 })
	if watch() == nil {
		t.Fatal("the operator watched after the revocation")
	}
}
