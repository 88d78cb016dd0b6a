package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

func TestCheckWritesTheEntryBeforeAnswering(t *testing.T) {
	h := newHarness(t)
	s := h.login(t, "an", "dispatch-1")
	h.log.entered = make(chan struct{})
	h.log.gate = make(chan struct{})

	type answer struct {
		d   Decision
		err error
	}
	done := make(chan answer, 1)
	go func() {
		d, err := h.access.Check(context.Background(), s, ActLive, Resource{Camera: "cam-1", Owner: OwnerPolice, Live: true},
			Reason{Kind: JustShift, Text: "dispatch shift"}, "view=v1")
		done <- answer{d, err}
	}()
	<-h.log.entered // Check is inside Append now
	select {
	case a := <-done:
		t.Fatalf("Check answered %+v before its audit entry was stored", a)
	case <-time.After(50 * time.Millisecond):
	}
	close(h.log.gate)
	a := <-done
	if a.err != nil || !a.d.Allow {
		t.Fatalf("Check = %+v, %v", a.d, a.err)
	}
	e := h.log.last(t)
	if e.Action != audit.ActLiveStart || e.User != "an" || e.Role != "dispatcher" || e.Console != "console-an" ||
		e.Subject != "camera:cam-1" || e.JustKind != "operational" || e.JustText != "dispatch shift" ||
		e.Outcome != audit.OutcomeAllowed || e.Reason != CodeAllowed || e.Detail != "view=v1" || !e.Time.Equal(t0) {
		t.Errorf("entry = %+v", e)
	}
}

func TestCheckFailsClosedWhenAuditCannotWrite(t *testing.T) {
	h := newHarness(t)
	s := h.login(t, "luc", "dispatch-1")
	h.log.setFail(errors.New("database is locked"))
	for _, act := range []Action{ActLive, ActLiveReview, ActPTZ} {
		d, err := h.access.Check(context.Background(), s, act, Resource{Camera: "cam-1", Live: true}, Reason{Kind: JustShift}, "")
		if err == nil || d.Allow || d.Code != CodeAuditUnavailable {
			t.Errorf("Check(%s) with a dead audit store = %+v, %v; want a denial %s and the error", act, d, err, CodeAuditUnavailable)
		}
		if err != nil && !strings.Contains(err.Error(), "database is locked") {
			t.Errorf("error %q lost the cause", err)
		}
	}
}

func TestDeniedAttemptsAreAudited(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	guard := h.login(t, "tom", "dispatch-1")
	dpo := h.login(t, "els", "office")
	for _, tc := range []struct {
		name string
		sess *Session
		act  Action
		res  Resource
		why  Reason
		want string
	}{
		{"guard alone", guard, ActLive, Resource{Camera: "cam-1", Live: true}, Reason{Kind: JustShift}, CodeGuardWithoutSupervisor},
		{"guard search", guard, ActANPRSearch, Resource{Plate: "1ABC123"}, adminWhy, CodeRoleNotPermitted},
		{"dpo live", dpo, ActLive, Resource{Camera: "cam-2", Live: true}, Reason{Kind: JustShift}, CodeRoleNotPermitted},
		{"no justification", dpo, ActReview, Resource{}, Reason{}, CodeJustificationRequired},
	} {
		d, err := h.access.Check(ctx, tc.sess, tc.act, tc.res, tc.why, "try")
		if err != nil || d.Allow || d.Code != tc.want {
			t.Errorf("%s: Check = %+v, %v; want %s", tc.name, d, err, tc.want)
			continue
		}
		e := h.log.last(t)
		if e.Outcome != audit.OutcomeDenied || e.Reason != tc.want || e.User != tc.sess.User.Name || e.Action != tc.act.Audit() {
			t.Errorf("%s: entry = %+v", tc.name, e)
		}
	}
	// The same guard, once a team chief sits in the room.
	h.login(t, "luc", "dispatch-1")
	if d, _ := h.access.Check(ctx, guard, ActLive, Resource{Camera: "cam-1", Live: true}, Reason{Kind: JustShift}, ""); !d.Allow {
		t.Errorf("supervised guard: %+v", d)
	}
}

func TestCheckRefusesEndedAndMissingSessions(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	s := h.login(t, "an", "dispatch-1")
	if err := h.sessions.Logout(ctx, s); err != nil {
		t.Fatal(err)
	}
	d, err := h.access.Check(ctx, s, ActLive, Resource{Camera: "cam-1", Live: true}, Reason{Kind: JustShift}, "")
	if err != nil || d.Allow || d.Code != CodeSessionInvalid {
		t.Errorf("ended session: %+v, %v", d, err)
	}
	if e := h.log.last(t); e.Outcome != audit.OutcomeDenied || e.Reason != CodeSessionInvalid || e.User != "an" {
		t.Errorf("ended-session attempt entry = %+v", e)
	}
	d, err = h.access.Check(ctx, nil, ActLive, Resource{}, Reason{Kind: JustShift}, "")
	if !errors.Is(err, ErrNoSession) || d.Allow {
		t.Errorf("nil session: %+v, %v", d, err)
	}
	forged := &Session{ID: "forged", User: User{Name: "luc", Role: RoleTeamChief}}
	if d, _ := h.access.Check(ctx, forged, ActLiveReview, Resource{}, Reason{Kind: JustShift}, ""); d.Allow {
		t.Error("a Session value that Login never made was allowed")
	}
}

func TestRecordWritesNonDecisionEvents(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	s := h.login(t, "an", "dispatch-1")
	why := Reason{Kind: JustRound, Ref: "Stationsbuurt"}
	if err := h.access.Record(ctx, s, audit.ActRoundStop, "round:Stationsbuurt", why, "visited=4 skipped=1"); err != nil {
		t.Fatal(err)
	}
	e := h.log.last(t)
	if e.Action != audit.ActRoundStop || e.Subject != "round:Stationsbuurt" || e.JustKind != "virtual_patrol" ||
		e.JustRef != "Stationsbuurt" || e.Detail != "visited=4 skipped=1" || e.User != "an" {
		t.Errorf("entry = %+v", e)
	}
	h.log.setFail(errors.New("gone"))
	if err := h.access.Record(ctx, s, audit.ActLiveStop, "camera:cam-1", why, ""); err == nil {
		t.Error("Record hid an audit failure")
	}
	if err := h.access.Record(ctx, nil, audit.ActLiveStop, "camera:cam-1", why, ""); !errors.Is(err, ErrNoSession) {
		t.Errorf("Record(nil session) = %v", err)
	}
}

func TestCheckNamesWhatWasConsulted(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	sofie := h.login(t, "sofie", "recherche")
	an := h.login(t, "an", "dispatch-1")
	for _, tc := range []struct {
		sess        *Session
		act         Action
		res         Resource
		why         Reason
		subj, facts string
	}{
		{sofie, ActANPRSearch, Resource{Plate: "1AB?1*", FootageAge: 40 * day}, authWhy, "plate:1AB?1*", "q age=960h0m0s"},
		{sofie, ActPlayback, Resource{Camera: "cam-4", FootageAge: 400 * day, EvidenceHold: true}, authWhy, "camera:cam-4", "q age=9600h0m0s hold=true"},
		{sofie, ActExport, Resource{Case: "HA.1", Camera: "", FootageAge: time.Hour}, caseWhy, "case:HA.1", "q age=1h0m0s"},
		{an, ActRoundRun, Resource{}, Reason{Kind: JustRound, Ref: "Stationsbuurt"}, "round:Stationsbuurt", "q"},
		{an, ActLive, Resource{Camera: "anpr-m", Covert: true, Live: true}, caseWhy, "camera:anpr-m", "q covert=true"},
		{an, ActPTZ, Resource{Camera: "van-1", Target: "camera:van-1/preset:2", Live: true}, Reason{Kind: JustShift}, "camera:van-1/preset:2", "q"},
	} {
		if _, err := h.access.Check(ctx, tc.sess, tc.act, tc.res, tc.why, "q"); err != nil {
			t.Fatal(err)
		}
		e := h.log.last(t)
		if e.Subject != tc.subj || e.Detail != tc.facts || e.AuthRef != tc.why.AuthRef || e.JustRef != tc.why.Ref {
			t.Errorf("Check(%s, %+v): subject %q detail %q, want %q %q", tc.act, tc.res, e.Subject, e.Detail, tc.subj, tc.facts)
		}
	}
	if _, err := h.access.CheckAs(ctx, an, ActHitHandle, audit.ActHitReject, Resource{Camera: "anpr-1", Plate: "1ABC123"}, Reason{Kind: JustShift}, "hit=7 misread"); err != nil {
		t.Fatal(err)
	}
	if e := h.log.last(t); e.Action != audit.ActHitReject || e.Outcome != audit.OutcomeAllowed {
		t.Errorf("CheckAs entry = %+v", e)
	}
}

func TestEveryActionHasItsOwnAuditAction(t *testing.T) {
	seen := map[audit.Action]Action{}
	for _, a := range Actions() {
		aa := a.Audit()
		if aa == "" {
			t.Errorf("%s has no audit action", a)
		}
		if prev, dup := seen[aa]; dup {
			t.Errorf("%s and %s share audit action %q", a, prev, aa)
		}
		seen[aa] = a
	}
}

// TestAccessOnTheRealAuditLog runs the gate over the real hash-chained store:
// the allowed and the denied attempt are both there, and the chain verifies.
func TestAccessOnTheRealAuditLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log, err := audit.Open(filepath.Join(dir, "audit.db"), audit.Options{KeyPath: filepath.Join(dir, "keys", "audit.ed25519")})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "tom", Role: RoleSecurityGuard}, testPW)
	mustAdd(t, u, User{Name: "luc", Role: RoleTeamChief}, testPW)
	c := &clock{t: t0}
	sessions := NewSessions(u, log, c.now)
	access := NewAccess(Policy{}, log, sessions, c.now)

	guard, err := sessions.Login(ctx, "tom", testPW, "c2", "dispatch-1")
	if err != nil {
		t.Fatal(err)
	}
	live := Resource{Camera: "cam-1", Owner: OwnerPolice, Live: true}
	if d, err := access.Check(ctx, guard, ActLive, live, Reason{Kind: JustShift}, "view=a"); err != nil || d.Allow {
		t.Fatalf("guard alone: %+v, %v", d, err)
	}
	c.advance(time.Minute)
	if _, err := sessions.Login(ctx, "luc", testPW, "c1", "dispatch-1"); err != nil {
		t.Fatal(err)
	}
	if d, err := access.Check(ctx, guard, ActLive, live, Reason{Kind: JustShift}, "view=b"); err != nil || !d.Allow {
		t.Fatalf("guard supervised: %+v, %v", d, err)
	}
	es, err := log.Query(ctx, audit.Filter{Subject: "camera:cam-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Outcome != audit.OutcomeDenied || es[0].Reason != CodeGuardWithoutSupervisor ||
		es[1].Outcome != audit.OutcomeAllowed || es[1].User != "tom" || es[1].Action != audit.ActLiveStart {
		t.Errorf("entries for camera:cam-1 = %+v", es)
	}
	rep, err := log.Verify(ctx)
	if err != nil || !rep.Intact() || rep.Entries != 4 {
		t.Errorf("Verify = %+v, %v; want 4 intact entries", rep, err)
	}
}

func TestMayGreysOutWhatCannotBeDone(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	guard := h.login(t, "tom", "dispatch-1")
	stad := h.login(t, "stad", "stadhuis")
	dpo := h.login(t, "els", "office")
	an := h.login(t, "an", "dispatch-1")
	check := func(name string, s *Session, act Action, want bool) {
		t.Helper()
		if got := h.access.May(s, act); got != want {
			t.Errorf("%s: May(%s, %s) = %v, want %v", name, s.User.Name, act, got, want)
		}
	}
	check("dispatcher playback", an, ActPlayback, true)
	check("dispatcher round", an, ActRoundRun, true)
	check("dispatcher search", an, ActANPRSearch, false)
	check("dpo live", dpo, ActLive, false)
	check("dpo dsar", dpo, ActDSAR, true)
	check("guard alone", guard, ActLive, false)
	check("municipal playback", stad, ActPlayback, true)
	check("municipal live, no grant", stad, ActLive, false)
	chief := h.login(t, "luc", "dispatch-1")
	check("guard supervised", guard, ActRoundRun, true)
	check("guard never playback", guard, ActPlayback, false)
	if _, err := h.sessions.Grant(ctx, chief, "stad", []string{"cam-1"}, t0.Add(time.Hour), eventWhy); err != nil {
		t.Fatal(err)
	}
	check("municipal live, granted", stad, ActLive, true)
	h.clock.advance(time.Hour)
	check("municipal live, grant ended", stad, ActLive, false)
	h.sessions.Logout(ctx, an)
	check("logged out", an, ActPlayback, false)
	if h.access.May(nil, ActLive) {
		t.Error("May(nil) = true")
	}
}

func TestRecheckEndsViewsWhoseGroundIsGone(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	guard := h.login(t, "tom", "dispatch-1")
	chief := h.login(t, "luc", "dispatch-1")
	live := Resource{Camera: "cam-1", Owner: OwnerPolice, Live: true}
	why := Reason{Kind: JustShift}
	if d, _ := h.access.Check(ctx, guard, ActLive, live, why, ""); !d.Allow {
		t.Fatalf("supervised guard: %+v", d)
	}
	n := len(h.log.all())
	if d := h.access.Recheck(guard, ActLive, live, why); !d.Allow {
		t.Errorf("Recheck while supervised: %+v", d)
	}
	h.sessions.Logout(ctx, chief)
	if d := h.access.Recheck(guard, ActLive, live, why); d.Code != CodeGuardWithoutSupervisor {
		t.Errorf("Recheck after the team chief left: %+v", d)
	}
	h.sessions.Logout(ctx, guard)
	if d := h.access.Recheck(guard, ActLive, live, why); d.Code != CodeSessionInvalid {
		t.Errorf("Recheck after logout: %+v", d)
	}
	if got := len(h.log.all()) - n; got != 2 { // the two logouts, nothing from Recheck
		t.Errorf("Recheck wrote %d entries", got-2)
	}
}
