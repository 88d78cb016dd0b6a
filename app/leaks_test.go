package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/trail"
)

// The tests below each close one path that used to hand out data around
// the policy or the audit trail (issue 11).

// covertConsole is a console whose ANPR camera cam03 is covert.
func covertConsole(t *testing.T) *Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "test-console", Logger: testLog()}, 4, func(z *Zone) {
		for i := range z.Cameras {
			if z.Cameras[i].ID == "cam03" {
				z.Cameras[i].Covert = true
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseDispatch() })
	return c
}

// A guard's wall showed the plates of an ANPR camera (LatestReads took no
// session): now the reads come only through the view, and only to a role
// that handles hits.
func TestPlateReadsOnlyThroughAViewOfARoleThatHandlesHits(t *testing.T) {
	c := openTestConsoleTB(t)
	ctx := context.Background()
	chief, guard, disp := loginTB(t, c, "teamchef"), loginTB(t, c, "bewaker"), loginTB(t, c, "dispatcher")
	c.onReads(nil, "cam03", c.now(), nil) // no-op with no reads
	d := c.dsp()
	d.mu.Lock()
	d.reads["cam03"] = []Read{{Camera: "cam03", Time: c.now(), Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.9}}
	d.mu.Unlock()
	gv, err := c.OpenLive(ctx, guard, "cam03", StreamSub, guard.Shift)
	if err != nil {
		t.Fatalf("guard under a team chief: %v", err)
	}
	defer gv.Close()
	if rs := gv.Reads(3); len(rs) != 0 {
		t.Errorf("a guard's view shows plates: %+v", rs)
	}
	dv, err := c.OpenLive(ctx, disp, "cam03", StreamSub, disp.Shift)
	if err != nil {
		t.Fatal(err)
	}
	if rs := dv.Reads(3); len(rs) != 1 || rs[0].Plate != "1ABC123" {
		t.Errorf("the dispatcher's view reads = %+v", rs)
	}
	dv.Close()
	if rs := dv.Reads(3); len(rs) != 0 {
		t.Errorf("a closed view still shows plates: %+v", rs)
	}
	_ = chief
}

// SearchHits handed out crops and vehicle images with no audit entry.
func TestHitSearchIsAudited(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n")
	fakeHit(t, c, "cam03", "1ABC123")
	before := len(auditOf(t, c, trail.ActHitView))
	s := loginTB(t, c, "dispatcher")
	hs, err := c.SearchHits(s, HitFilter{Camera: "cam03"})
	if err != nil || len(hs) != 1 {
		t.Fatalf("SearchHits = %d, %v", len(hs), err)
	}
	es := auditOf(t, c, trail.ActHitView)
	if len(es) != before+1 {
		t.Fatalf("%d hit.view entries after a search, want %d", len(es), before+1)
	}
	d, err := trail.Decode(es[len(es)-1].Action, es[len(es)-1].Detail)
	if hv, ok := d.(trail.HitView); err != nil || !ok || hv.What != "search" || hv.Results != 1 || hv.Filter != "camera=cam03" {
		t.Errorf("hit.view detail = %+v, %v", d, err)
	}
}

// A covert ANPR camera that OpenLive refuses still delivered its hits and
// passages to a dispatcher on an ordinary ground.
func TestCovertCameraHitsAndPassagesNeedAJudicialGround(t *testing.T) {
	c := covertConsole(t)
	ctx := context.Background()
	importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n")
	disp := loginTB(t, c, "dispatcher")
	if _, err := c.OpenLive(ctx, disp, "cam03", StreamSub, disp.Shift); err == nil {
		t.Fatal("a covert camera opened on a shift ground")
	}
	feed, err := c.SubscribeHits(disp, 8)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	hot, ps, err := c.stores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms := hot.Matcher().Match("1ABC123", "BE", c.now())
	id := c.Raise(ms[0], Read{Camera: "cam03", Time: c.now(), Plate: "1ABC123", Display: "1ABC123", Country: "BE", Confidence: 0.9}, 0)
	select {
	case ev := <-feed.C():
		t.Fatalf("the covert camera's hit reached a dispatcher's feed: %+v", ev.Hit.Camera.ID)
	case <-time.After(300 * time.Millisecond):
	}
	if hs, err := c.SearchHits(disp, HitFilter{}); err != nil || len(hs) != 0 {
		t.Fatalf("SearchHits gave %d hits of a covert camera, %v", len(hs), err)
	}
	if _, ok := c.Hit(disp, id); ok {
		t.Fatal("Hit gave a covert camera's hit to a dispatcher")
	}
	var de *DeniedError
	if err := c.ConfirmHit(ctx, disp, id); !errors.As(err, &de) || de.Decision.Code != "covert_needs_judicial" {
		t.Fatalf("ConfirmHit of a covert hit = %v", err)
	}

	now := c.now()
	for _, cam := range []string{"cam03", "cam04"} {
		if _, err := ps.Add(ctx, anpr.Passage{Time: now.Add(-time.Hour), Camera: cam, Plate: "1ABC123", Display: "1-ABC-123", Country: "BE", Confidence: 0.9}); err != nil {
			t.Fatal(err)
		}
	}
	inv := loginTB(t, c, "recherche")
	admin := Reason{Kind: "administrative", Ref: "BM-1", Text: "overlast"}
	got, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1ABC123", From: now.Add(-2 * time.Hour), To: time.Time{}}, admin)
	if err != nil || len(got) != 1 || got[0].Camera != "cam04" {
		t.Fatalf("administrative search = %+v, %v; want only cam04's passage", got, err)
	}
	judicial := Reason{Kind: JustJudicial, Ref: "PV 2026/1", Text: "gestolen wagen"}
	if got, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1ABC123", From: now.Add(-2 * time.Hour), To: time.Time{}}, judicial); err != nil || len(got) != 2 {
		t.Fatalf("judicial search = %d passages, %v; want both", len(got), err)
	}
}

// The hit feed kept delivering after its session logged out.
func TestHitFeedEndsAtLogout(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	s := loginTB(t, c, "dispatcher")
	feed, err := c.SubscribeHits(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-feed.C():
		if ok {
			t.Fatal("an event after logout")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the feed stayed open after logout")
	}
}

// Patrols and ProposePatrol needed no session.
func TestPatrolPositionsNeedASessionThatDispatches(t *testing.T) {
	c := openTestConsoleTB(t)
	ctx := context.Background()
	if _, err := c.Patrols(ctx, nil); !errors.Is(err, ErrNoSession) {
		t.Errorf("Patrols(nil) = %v", err)
	}
	var de *DeniedError
	if _, err := c.Patrols(ctx, loginTB(t, c, "dpo")); !errors.As(err, &de) {
		t.Errorf("Patrols for the DPO = %v, want a refusal", err)
	}
	before := len(auditOf(t, c, trail.ActPatrolView))
	disp := loginTB(t, c, "dispatcher")
	for range 3 {
		if _, err := c.Patrols(ctx, disp); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(auditOf(t, c, trail.ActPatrolView)) - before; n != 1 {
		t.Errorf("%d patrol.view entries for one panel, want 1 (then again every %s)", n, WatchAuditEvery)
	}
	if _, err := c.ProposePatrol(ctx, loginTB(t, c, "dpo"), "nohit"); err == nil {
		t.Error("ProposePatrol for the DPO")
	}
}
