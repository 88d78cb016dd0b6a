package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/trail"
)

// Two dispatchers at two consoles of a room, on the zone's one
// vehicle-location feed, sending a unit to the same place at the same
// moment, round after round: never the same unit twice; the other
// console shows the unit as sent from the first, and frees it for all.
func TestRoomNeverSendsOneUnitTwice(t *testing.T) {
	_, dsn := startRoom(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := openRoomConsole(ctx, t, dsn, "pos-1")
	feed := a.Zone().PatrolFeed
	b, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "pos-2", Logger: testLog()}, 2, func(z *Zone) {
		z.Database, z.Room, z.PatrolFeed = dsn, roomChildName, feed
	})
	if err != nil {
		t.Fatal(err)
	}
	units := func(c *Console, s *Session) []Patrol {
		ps, err := c.Patrols(ctx, s)
		if err != nil {
			t.Fatalf("Patrols: %v", err)
		}
		return ps
	}
	da, db := login(t, a, "dispatcher"), login(t, b, "dispatcher")
	for _, c := range []*Console{a, b} {
		waitRoomOnline(t, c)
		if err := c.StartPatrols(ctx, PatrolConfig{}); err != nil {
			t.Fatal(err)
		}
		s := da
		if c == b {
			s = db
		}
		waitFor(t, "units reported", 30*time.Second, func() bool {
			free := 0
			for _, u := range units(c, s) {
				if u.Status == PatrolFree && !u.LastReport.IsZero() {
					free++
				}
			}
			return free >= 4
		})
	}
	sent := map[string]string{}
	for round := range 2 {
		type result struct {
			by   string
			unit string
			err  error
		}
		res := make(chan result, 2)
		for _, x := range []struct {
			c *Console
			s *Session
		}{{a, da}, {b, db}} {
			go func() {
				for try := 0; ; try++ {
					as, err := x.c.DispatchToCamera(ctx, x.s, "cam01", "ronde")
					if errors.Is(err, ErrNoFreePatrol) && strings.Contains(err.Error(), "meanwhile") && try < 3 {
						continue // the other console was first: the next unit
					}
					res <- result{x.c.cfg.Console, as.Unit.CallSign, err}
					return
				}
			}()
		}
		for range 2 {
			r := <-res
			if r.err != nil {
				t.Fatalf("round %d: %s: DispatchToCamera: %v", round, r.by, r.err)
			}
			if prev, dup := sent[r.unit]; dup {
				t.Fatalf("round %d: unit %s sent by %s and by %s", round, r.unit, prev, r.by)
			}
			sent[r.unit] = r.by
		}
	}
	t.Logf("units sent: %v", sent)

	// Each console shows the other's units as sent from there.
	for unit, by := range sent {
		other, s := a, da
		if by == "pos-1" {
			other, s = b, db
		}
		waitFor(t, unit+" shown as sent by "+by, time.Second, func() bool {
			for _, u := range units(other, s) {
				if u.CallSign == unit {
					return u.Status != PatrolFree && strings.HasPrefix(u.SentBy, by)
				}
			}
			return false
		})
	}
	// Freed at the other console: free everywhere, and sendable again.
	for unit, by := range sent {
		other, s := a, da
		if by == "pos-1" {
			other, s = b, db
		}
		if err := other.SetPatrolStatus(ctx, s, unit, PatrolFree); err != nil {
			t.Fatalf("free %s at the other console: %v", unit, err)
		}
		owner, ss := a, da
		if by == "pos-2" {
			owner, ss = b, db
		}
		waitFor(t, unit+" free at "+by, time.Second, func() bool {
			for _, u := range units(owner, ss) {
				if u.CallSign == unit {
					return u.Status == PatrolFree
				}
			}
			return false
		})
	}
}

// A team chief at one console grants a municipal operator a camera of the
// town for an event: the operator watches it at another console; revoked
// by the team chief, the operator's view there ends at once.
func TestRoomGrantHoldsAtEveryConsole(t *testing.T) {
	_, dsn := startRoom(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	room := func(name string) *Console {
		c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: name, Logger: testLog()}, 4, func(z *Zone) {
			z.Database, z.Room = dsn, roomChildName
		})
		if err != nil {
			t.Fatal(err)
		}
		waitRoomOnline(t, c)
		return c
	}
	a, b := room("chief-desk"), room("stadhuis")
	cams := a.MunicipalCameras("Borgloon")
	if len(cams) == 0 {
		t.Fatal("the simulated zone has no municipal camera")
	}
	chief, op := login(t, a, "teamchef"), login(t, b, "stad")
	if _, err := b.OpenLive(ctx, op, cams[0].ID, StreamSub, Reason{Kind: JustEvent, Ref: "Kermis"}); err == nil {
		t.Fatal("the operator watched a camera before any grant")
	}
	g, err := a.Grant(ctx, chief, "stad", []string{cams[0].ID}, time.Now().Add(2*time.Hour), Reason{Kind: JustEvent, Ref: "Kermis"})
	if err != nil {
		t.Fatalf("Grant: %v", err)
	}
	var v *LiveView
	waitFor(t, "the grant in force at the other console", time.Second, func() bool {
		v, err = b.OpenLive(ctx, op, cams[0].ID, StreamSub, Reason{Kind: JustEvent, Ref: "Kermis"})
		return err == nil
	})
	if gs, err := a.Grants(ctx, chief); err != nil || len(gs) != 1 || gs[0].ID != g.ID {
		t.Fatalf("Grants at the chief's console = %+v, %v", gs, err)
	}
	looked := false
	for _, e := range entries(t, a, trail.ActLiveReview) {
		looked = looked || strings.Contains(e.Detail, `"panel":"grants"`) && e.User == "teamchef"
	}
	if !looked {
		t.Error("the chief's look at the grants is not audited")
	}
	if _, err := b.Grants(ctx, op); err == nil {
		t.Fatal("the operator listed the grants")
	}
	if err := a.Revoke(ctx, chief, g.ID); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	select {
	case <-v.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("the operator's view at the other console outlived the revocation by 3 s")
	}
	if v.EndCode() != CodeGrantExpired && v.EndCode() != CodeGrantRequired {
		t.Errorf("view ended with %q", v.EndCode())
	}
}

// An administrator makes an account at one console of the room: the new
// dispatcher logs in at another with the same password; disabled at the
// first, the account's session at the other loses its rights within the
// store's recheck.
func TestRoomAccountsHoldAtEveryConsole(t *testing.T) {
	ctx, a, b := roomPair(t, "beheer", "pos-2")
	adm := login(t, a, "beheerder")
	const pw = "lange zin als wachtwoord 7"
	if err := a.AddUser(ctx, adm, User{Name: "pieter", FullName: "Inspecteur Pieter Claes", Role: RoleDispatcher}, pw); err != nil {
		t.Fatalf("AddUser: %v", err)
	}
	var s *Session
	waitFor(t, "the new account at the other console", 3*time.Second, func() bool {
		var err error
		s, err = b.Login(ctx, "pieter", pw)
		return err == nil
	})
	if err := a.DisableUser(ctx, adm, "pieter"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the disabled account's session ended at the other console", 5*time.Second, func() bool {
		return !b.sessions.IsActive(s)
	})
	if _, err := b.Login(ctx, "pieter", pw); err == nil {
		t.Fatal("a disabled account logged in at the other console")
	}
}

// The team chief's review reads the room's chain: who watched a camera at
// any console, and the chain's verification with it.
func TestRoomReviewCoversEveryConsole(t *testing.T) {
	ctx, a, b := roomPair(t, "chief-desk", "pos-2")
	d := login(t, b, "dispatcher")
	v, err := b.OpenLive(ctx, d, "cam02", StreamSub, Reason{Kind: d.Shift.Kind, Text: "markt"})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	chief := login(t, a, "teamchef")
	res, err := a.ReviewVerified(ctx, chief, ReviewFilter{Camera: "cam02", From: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range res.Entries {
		seen = append(seen, string(e.Action)+"@"+e.Console)
	}
	if got := strings.Join(seen, " "); got != "live.start@pos-2 live.stop@pos-2" {
		t.Fatalf("the chief's review of cam02 = %q, want the other console's view", got)
	}
	if res.Report.Err != nil || res.VerifyErr != nil || res.Report.Entries == 0 {
		t.Fatalf("the room chain's verification with the review: %+v, %v", res.Report, res.VerifyErr)
	}
}

// A round run at one position is in the team chief's round reports at
// another, and in their export.
func TestRoomRoundReports(t *testing.T) {
	ctx, a, b := roomPair(t, "chief-desk", "pos-2")
	saveTestRound(t, b, testRound("Kort", "cam01", "cam02"))
	d := login(t, b, "dispatcher")
	run := startRound(t, b, d, "Kort", RoundOptions{})
	waitEnded(t, run, 30*time.Second)

	chief := login(t, a, "teamchef")
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	waitFor(t, "the other console's round in the chief's reports", 5*time.Second, func() bool {
		reps, err := a.RoundReports(ctx, chief, from, to)
		return err == nil && len(reps) == 1 && reps[0].Console == "pos-2" && reps[0].Round == "Kort" && len(reps[0].Visits) >= 2
	})
	var csv strings.Builder
	if err := a.ExportRoundReports(ctx, chief, from, to, ExportCSV, &csv); err != nil || !strings.Contains(csv.String(), "Kort") {
		t.Fatalf("export of the room's round reports: %v\n%s", err, csv.String())
	}
}

// A console started while the room's server is down opens all the same:
// the wall works, the room line says offline, and the entries of the
// outage reach the room's chain when the server comes up.
func TestRoomConsoleStartsWhileTheServerIsDown(t *testing.T) {
	srv, dsn := startRoom(t)
	srv.Stop(t)
	ctx := context.Background()
	c := openRoomConsole(ctx, t, dsn, "pos-1")
	if st := c.RoomStatus(); !st.Shared || st.Online {
		t.Fatalf("RoomStatus with the server down = %+v", st)
	}
	d := login(t, c, "dispatcher")
	v, err := c.OpenLive(ctx, d, "cam01", StreamSub, d.Shift)
	if err != nil {
		t.Fatalf("a camera while the room is down: %v", err)
	}
	waitFrame(t, v)
	v.Close()
	srv.Restart(t)
	waitRoomOnline(t, c)
	r, err := roomdb.Open(ctx, roomdb.Config{DSN: srv.DSN, Room: roomChildName, Console: "verifier"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	waitFor(t, "the outage's entries in the room", 30*time.Second, func() bool {
		es, err := r.Audit().Query(ctx, audit.Filter{User: "dispatcher", Actions: []audit.Action{audit.ActLogin, audit.ActLiveStart, audit.ActLiveStop}})
		return err == nil && len(es) == 3
	})
}
