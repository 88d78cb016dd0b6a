package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/trail"
)

// openTestConsole opens a console on the simulated zone in a temp data dir.
func openTestConsole(t *testing.T) *Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "test-console", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 4)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func login(t *testing.T, c *Console, name string) *Session {
	t.Helper()
	s, err := c.Login(context.Background(), name, DemoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return s
}

func entries(t *testing.T, c *Console, act audit.Action) []audit.Entry {
	t.Helper()
	es, err := c.audit.Query(context.Background(), audit.Filter{Actions: []audit.Action{act}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func waitFrame(t *testing.T, v *LiveView) *Frame {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case <-v.Ready():
			if f := v.Latest(); f != nil {
				return f
			}
		case <-deadline:
			t.Fatalf("camera %s: no frame within 15 s (status %+v)", v.Camera.ID, v.Status())
		}
	}
}

func TestOpenLiveAuditsBeforePixels(t *testing.T) {
	c := openTestConsole(t)
	s := login(t, c, "dispatcher")
	v, err := c.OpenLive(context.Background(), s, "cam01", StreamSub, s.Shift)
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	// The entry is in the store when OpenLive returns, before any frame.
	starts := entries(t, c, audit.ActLiveStart)
	if len(starts) != 1 || starts[0].Outcome != audit.OutcomeAllowed || starts[0].Subject != "camera:cam01" ||
		!strings.Contains(starts[0].Detail, `"view":"`+v.ID+`"`) || starts[0].JustKind != string(s.Shift.Kind) {
		t.Fatalf("live.start entries = %+v", starts)
	}
	f := waitFrame(t, v)
	if f.Image.Bounds().Dx() != 640 {
		t.Errorf("sub stream frame is %v wide, want 640", f.Image.Bounds().Dx())
	}
	f.Release()
	if err := v.SwitchStream(StreamMain); err != nil {
		t.Fatal(err)
	}
	for {
		f := waitFrame(t, v)
		w := f.Image.Bounds().Dx()
		f.Release()
		if w == 1280 {
			break
		}
	}
	chief := login(t, c, "teamchef")
	for i := 0; i < 3; i++ { // a panel refreshing: one consultation, one entry
		ws, err := c.Watching(context.Background(), chief)
		if err != nil || len(ws) != 1 || ws[0].User != "dispatcher" || ws[0].Camera.ID != "cam01" {
			t.Fatalf("Watching = %+v, %v", ws, err)
		}
	}
	if n := len(entries(t, c, trail.ActLiveReview)); n != 1 {
		t.Fatalf("live panel audited %d times for one opening, want 1", n)
	}
	if _, err := c.Watching(context.Background(), login(t, c, "dispatcher")); err == nil {
		t.Fatal("a dispatcher may not see who watches what")
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	stops := entries(t, c, audit.ActLiveStop)
	if len(stops) != 1 || !strings.Contains(stops[0].Detail, `"view":"`+v.ID+`"`) {
		t.Fatalf("live.stop entries = %+v", stops)
	}
	if len(entries(t, c, audit.ActLiveStart)) != 1 {
		t.Fatal("switching to the main stream must stay one audited interval")
	}
}

func TestOpenLiveDeniedIsAuditedAndShowsNothing(t *testing.T) {
	c := openTestConsole(t)
	for _, name := range []string{"dpo", "beheerder", "bewaker"} {
		s := login(t, c, name)
		v, err := c.OpenLive(context.Background(), s, "cam01", StreamSub, s.Shift)
		var denied *DeniedError
		if v != nil || !errors.As(err, &denied) {
			t.Fatalf("%s: OpenLive = %v, %v; want a denial", name, v, err)
		}
	}
	denied := 0
	for _, e := range entries(t, c, audit.ActLiveStart) {
		if e.Outcome == audit.OutcomeDenied {
			denied++
		}
	}
	if denied != 3 {
		t.Fatalf("denied live.start entries = %d, want 3", denied)
	}
}

func TestGuardViewEndsWhenTeamChiefLeaves(t *testing.T) {
	c := openTestConsole(t)
	chief := login(t, c, "teamchef")
	guard := login(t, c, "bewaker")
	v, err := c.OpenLive(context.Background(), guard, "cam02", StreamSub, guard.Shift)
	if err != nil {
		t.Fatalf("guard with team chief present: %v", err)
	}
	if err := c.Logout(context.Background(), chief); err != nil {
		t.Fatal(err)
	}
	select {
	case <-v.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the guard's view stayed open after the team chief logged out")
	}
	if v.EndCode() != CodeGuardWithoutSupervisor {
		t.Errorf("EndCode = %q", v.EndCode())
	}
	stops := entries(t, c, audit.ActLiveStop)
	if len(stops) != 1 || !strings.Contains(stops[0].Detail, `"ended":"`+CodeGuardWithoutSupervisor+`"`) {
		t.Fatalf("live.stop = %+v", stops)
	}
}

func TestOpenLiveFailsClosedWithoutAudit(t *testing.T) {
	c := openTestConsole(t)
	s := login(t, c, "dispatcher")
	if err := c.audit.Close(); err != nil {
		t.Fatal(err)
	}
	v, err := c.OpenLive(context.Background(), s, "cam01", StreamSub, s.Shift)
	if v != nil || err == nil {
		t.Fatalf("OpenLive with a dead audit store = %v, %v; want a refusal", v, err)
	}
	if c.live.Len() != 0 {
		t.Fatal("a view exists although its audit entry could not be written")
	}
}

func TestRestartClosesIntervalsLeftOpen(t *testing.T) {
	dir := t.TempDir()
	al, err := audit.Open(dir+"/audit.db", audit.Options{KeyPath: dir + "/keys/audit.ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	// What a console that lost power leaves behind: a start without a stop;
	// and one of another console on the same data directory, still running.
	for _, cons := range []string{"c1", "c2"} {
		if _, err := al.Append(context.Background(), audit.Entry{User: "dispatcher", Role: "dispatcher", Console: cons,
			Action: audit.ActLiveStart, Subject: "camera:cam01", Outcome: audit.OutcomeAllowed, Detail: "view=abc-" + cons + " stream=sub"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := al.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := openSim(ctx, t, Config{DataDir: dir, Console: "c1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stops := entries(t, c, audit.ActLiveStop)
	if len(stops) != 1 || !strings.Contains(stops[0].Detail, `"view":"abc-c1"`) || !strings.Contains(stops[0].Detail, `"ended":"console_restart"`) {
		t.Fatalf("live.stop after restart = %+v", stops)
	}
	if open, _ := openIntervals(ctx, c.audit, time.Time{}); len(open) != 1 || open[0].Console != "c2" {
		t.Fatalf("intervals still open: %+v", open)
	}
}

func TestLiveMasksReuseThePicture(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "test-console", Logger: testLog()}, 4, func(z *Zone) {
		z.Cameras[0].Masks = []Mask{{X: 0, Y: 0, W: 0.5, H: 0.5}}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := login(t, c, "dispatcher")
	v, err := c.OpenLive(context.Background(), s, "cam01", StreamSub, s.Shift)
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	var pix *uint8
	for i := 0; i < 3; i++ {
		f := waitFrame(t, v)
		b := f.Image.Bounds()
		for _, p := range []image.Point{{b.Min.X, b.Min.Y}, {b.Min.X + b.Dx()/2 - 1, b.Min.Y + b.Dy()/2 - 1}} {
			if got := f.Image.RGBAAt(p.X, p.Y); got != (color.RGBA{A: 255}) {
				t.Errorf("frame %d: masked pixel %v = %v, want black", i, p, got)
			}
		}
		if i > 0 && &f.Image.Pix[0] != pix {
			t.Errorf("frame %d: a new picture was allocated for a masked frame", i)
		}
		pix = &f.Image.Pix[0]
		f.Release()
	}
}

func TestReviewVerifiedIsOneConsultation(t *testing.T) {
	c := openTestConsole(t)
	chief := login(t, c, "teamchef")
	before := len(entries(t, c, trail.ActReview))
	got, err := c.ReviewVerified(context.Background(), chief, ReviewFilter{User: "teamchef"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Report.Intact() || got.VerifyErr != nil || len(got.Entries) == 0 {
		t.Fatalf("ReviewVerified = %+v", got)
	}
	if n := len(entries(t, c, trail.ActReview)) - before; n != 1 {
		t.Fatalf("one review search wrote %d audit entries, want 1", n)
	}
	if _, err := c.ReviewVerified(context.Background(), login(t, c, "dispatcher"), ReviewFilter{}); err == nil {
		t.Fatal("a dispatcher may not review the audit trail")
	}
}

func TestCloseStopsRunningRounds(t *testing.T) {
	dir := t.TempDir()
	c, err := openSim(context.Background(), t, Config{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, 4)
	if err != nil {
		t.Fatal(err)
	}
	s := login(t, c, "dispatcher")
	run, err := c.StartRound(context.Background(), s, c.Zone().Rounds[0].Name, "", RoundOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-run.Done():
	default:
		t.Fatal("the round still runs after the console closed")
	}
	r, err := audit.OpenReader(dir+"/audit.db", audit.Options{KeyPath: dir + "/keys/audit.ed25519"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stops, err := r.Query(context.Background(), audit.Filter{Actions: []audit.Action{audit.ActRoundStop}})
	if err != nil || len(stops) != 1 {
		t.Fatalf("round.stop entries = %+v, %v", stops, err)
	}
	if open, err := openIntervals(context.Background(), r, time.Time{}); err != nil || len(open) != 0 {
		t.Fatalf("live intervals left open by the round: %+v, %v", open, err)
	}
}

// Suffices answers for the wall without writing anything: the dispatcher's
// shift covers an ordinary camera, a DPO's does not, an unknown camera is
// never covered, and no live.start entry appears until a view opens.
func TestSufficesDecidesWithoutAuditing(t *testing.T) {
	c := openTestConsole(t)
	disp, dpo := login(t, c, "dispatcher"), login(t, c, "dpo")
	if !c.Suffices(disp, "cam01", disp.Shift) {
		t.Error("the dispatcher's shift does not suffice for cam01")
	}
	if c.Suffices(dpo, "cam01", dpo.Shift) {
		t.Error("a DPO's shift suffices for live footage")
	}
	if c.Suffices(disp, "no-such-camera", disp.Shift) {
		t.Error("Suffices holds for a camera the zone does not have")
	}
	if got := entries(t, c, audit.ActLiveStart); len(got) != 0 {
		t.Fatalf("Suffices wrote live.start entries: %+v", got)
	}
}
