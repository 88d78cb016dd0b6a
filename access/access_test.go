package access

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

func TestCheckWritesTheEntryBeforeAnswering(t *testing.T) {
	h := newHarness(t)
	s := h.login(t, "an", "dispatch-1")
	h.log.entered = make(chan struct{})
	h.log.gate = make(chan struct{})

	type answer struct {
		d   policy.Decision
		err error
	}
	done := make(chan answer, 1)
	go func() {
		d, err := decision(h.access.Check(context.Background(), s, policy.ActLive, policy.Resource{Camera: "cam-1", Owner: policy.OwnerPolice, Live: true},
			policy.Reason{Kind: policy.JustShift, Text: "dispatch shift"}, note("view=v1")))
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
	if e.Action != trail.ActLiveStart || e.User != "an" || e.Role != "dispatcher" || e.Console != "console-an" ||
		e.Subject != "camera:cam-1" || e.JustKind != "operational" || e.JustText != "dispatch shift" ||
		e.Outcome != audit.OutcomeAllowed || e.Reason != policy.CodeAllowed || e.Detail != `{"note":"view=v1"}` || !e.Time.Equal(t0) {
		t.Errorf("entry = %+v", e)
	}
}

func TestCheckFailsClosedWhenAuditCannotWrite(t *testing.T) {
	h := newHarness(t)
	s := h.login(t, "luc", "dispatch-1")
	h.log.setFail(errors.New("database is locked"))
	for _, act := range []policy.Action{policy.ActLive, policy.ActLiveReview, policy.ActPTZ} {
		d, err := decision(h.access.Check(context.Background(), s, act, policy.Resource{Camera: "cam-1", Live: true}, policy.Reason{Kind: policy.JustShift}, note("")))
		if err == nil || d.Allow || d.Code != policy.CodeAuditUnavailable {
			t.Errorf("Check(%s) with a dead audit store = %+v, %v; want a denial %s and the error", act, d, err, policy.CodeAuditUnavailable)
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
		sess *identity.Session
		act  policy.Action
		res  policy.Resource
		why  policy.Reason
		want string
	}{
		{"guard alone", guard, policy.ActLive, policy.Resource{Camera: "cam-1", Live: true}, policy.Reason{Kind: policy.JustShift}, policy.CodeGuardWithoutSupervisor},
		{"guard search", guard, policy.ActANPRSearch, policy.Resource{Plate: "1ABC123"}, adminWhy, policy.CodeRoleNotPermitted},
		{"dpo live", dpo, policy.ActLive, policy.Resource{Camera: "cam-2", Live: true}, policy.Reason{Kind: policy.JustShift}, policy.CodeRoleNotPermitted},
		{"no justification", dpo, policy.ActReview, policy.Resource{}, policy.Reason{}, policy.CodeJustificationRequired},
	} {
		d, err := decision(h.access.Check(ctx, tc.sess, tc.act, tc.res, tc.why, note("try")))
		if err != nil || d.Allow || d.Code != tc.want {
			t.Errorf("%s: Check = %+v, %v; want %s", tc.name, d, err, tc.want)
			continue
		}
		e := h.log.last(t)
		if e.Outcome != audit.OutcomeDenied || e.Reason != tc.want || e.User != tc.sess.User.Name || e.Action != auditAction(tc.act) {
			t.Errorf("%s: entry = %+v", tc.name, e)
		}
	}
	// The same guard, once a team chief sits in the room.
	h.login(t, "luc", "dispatch-1")
	if d, _ := decision(h.access.Check(ctx, guard, policy.ActLive, policy.Resource{Camera: "cam-1", Live: true}, policy.Reason{Kind: policy.JustShift}, note(""))); !d.Allow {
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
	d, err := decision(h.access.Check(ctx, s, policy.ActLive, policy.Resource{Camera: "cam-1", Live: true}, policy.Reason{Kind: policy.JustShift}, note("")))
	if err != nil || d.Allow || d.Code != policy.CodeSessionInvalid {
		t.Errorf("ended session: %+v, %v", d, err)
	}
	if e := h.log.last(t); e.Outcome != audit.OutcomeDenied || e.Reason != policy.CodeSessionInvalid || e.User != "an" {
		t.Errorf("ended-session attempt entry = %+v", e)
	}
	d, err = decision(h.access.Check(ctx, nil, policy.ActLive, policy.Resource{}, policy.Reason{Kind: policy.JustShift}, note("")))
	if !errors.Is(err, identity.ErrNoSession) || d.Allow {
		t.Errorf("nil session: %+v, %v", d, err)
	}
	forged := &identity.Session{ID: "forged", User: identity.User{Name: "luc", Role: policy.RoleTeamChief}}
	if d, _ := decision(h.access.Check(ctx, forged, policy.ActLiveReview, policy.Resource{}, policy.Reason{Kind: policy.JustShift}, note(""))); d.Allow {
		t.Error("a Session value that Login never made was allowed")
	}
}

func TestRecordWritesNonDecisionEvents(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	s := h.login(t, "an", "dispatch-1")
	why := policy.Reason{Kind: policy.JustRound, Ref: "Stationsbuurt"}
	if err := h.access.Record(ctx, s, "round:Stationsbuurt", why, trail.RoundStop{Run: "r1", End: "completed note with spaces=and quotes\"", StepsRun: 4}); err != nil {
		t.Fatal(err)
	}
	e := h.log.last(t)
	if e.Action != trail.ActRoundStop || e.Subject != "round:Stationsbuurt" || e.JustKind != "virtual_patrol" ||
		e.JustRef != "Stationsbuurt" || e.User != "an" {
		t.Errorf("entry = %+v", e)
	}
	// The detail reads back exactly, a note with spaces and quotes included.
	d, err := trail.Decode(e.Action, e.Detail)
	if err != nil || d.(trail.RoundStop).End != "completed note with spaces=and quotes\"" || d.(trail.RoundStop).StepsRun != 4 {
		t.Errorf("detail %q decoded as %+v, %v", e.Detail, d, err)
	}
	h.log.setFail(errors.New("gone"))
	if err := h.access.Record(ctx, s, "camera:cam-1", why, trail.LiveStop{View: "v"}); err == nil {
		t.Error("Record hid an audit failure")
	}
	if err := h.access.Record(ctx, nil, "camera:cam-1", why, trail.LiveStop{View: "v"}); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("Record(nil session) = %v", err)
	}
}

func TestCheckNamesWhatWasConsulted(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	sofie := h.login(t, "sofie", "recherche")
	an := h.login(t, "an", "dispatch-1")
	for _, tc := range []struct {
		sess        *identity.Session
		act         policy.Action
		res         policy.Resource
		why         policy.Reason
		subj, facts string
	}{
		{sofie, policy.ActANPRSearch, policy.Resource{Plate: "1AB?1*", FootageAge: 40 * day}, authWhy, "plate:1AB?1*", `{"note":"q","facts":{"footage_age":"960h0m0s"}}`},
		{sofie, policy.ActPlayback, policy.Resource{Camera: "cam-4", FootageAge: 400 * day, EvidenceHold: true}, authWhy, "camera:cam-4", `{"note":"q","facts":{"footage_age":"9600h0m0s","evidence_hold":true}}`},
		{sofie, policy.ActExport, policy.Resource{Case: "HA.1", Camera: "", FootageAge: time.Hour}, caseWhy, "case:HA.1", `{"note":"q","facts":{"footage_age":"1h0m0s"}}`},
		{an, policy.ActRoundRun, policy.Resource{}, policy.Reason{Kind: policy.JustRound, Ref: "Stationsbuurt"}, "round:Stationsbuurt", `{"note":"q"}`},
		{an, policy.ActLive, policy.Resource{Camera: "anpr-m", Covert: true, Live: true}, caseWhy, "camera:anpr-m", `{"note":"q","facts":{"covert":true}}`},
		{an, policy.ActPTZ, policy.Resource{Camera: "van-1", Target: "camera:van-1/preset:2", Live: true}, policy.Reason{Kind: policy.JustShift}, "camera:van-1/preset:2", `{"note":"q"}`},
	} {
		if _, err := decision(h.access.Check(ctx, tc.sess, tc.act, tc.res, tc.why, note("q"))); err != nil {
			t.Fatal(err)
		}
		e := h.log.last(t)
		if e.Subject != tc.subj || e.Detail != tc.facts || e.AuthRef != tc.why.AuthRef || e.JustRef != tc.why.Ref {
			t.Errorf("Check(%s, %+v): subject %q detail %q, want %q %q", tc.act, tc.res, e.Subject, e.Detail, tc.subj, tc.facts)
		}
	}
	if _, err := h.access.Check(ctx, an, policy.ActHitHandle, policy.Resource{Camera: "anpr-1", Plate: "1ABC123"}, policy.Reason{Kind: policy.JustShift}, trail.Hit{Hit: "7"}.AsReject("misread", "")); err != nil {
		t.Fatal(err)
	}
	if e := h.log.last(t); e.Action != trail.ActHitReject || e.Outcome != audit.OutcomeAllowed {
		t.Errorf("CheckAs entry = %+v", e)
	}
}

func TestEveryActionHasItsOwnAuditAction(t *testing.T) {
	seen := map[audit.Action]policy.Action{}
	for _, a := range policy.Actions() {
		aa := auditAction(a)
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
	mustAdd(t, u, identity.User{Name: "tom", Role: policy.RoleSecurityGuard}, testPW)
	mustAdd(t, u, identity.User{Name: "luc", Role: policy.RoleTeamChief}, testPW)
	c := &clock{t: t0}
	sessions := identity.NewSessions(u, log, c.now)
	access := New(log, sessions, c.now)

	guard, err := sessions.Login(ctx, "tom", testPW, "c2", "dispatch-1")
	if err != nil {
		t.Fatal(err)
	}
	live := policy.Resource{Camera: "cam-1", Owner: policy.OwnerPolice, Live: true}
	if d, err := decision(access.Check(ctx, guard, policy.ActLive, live, policy.Reason{Kind: policy.JustShift}, note("view=a"))); err != nil || d.Allow {
		t.Fatalf("guard alone: %+v, %v", d, err)
	}
	c.advance(time.Minute)
	if _, err := sessions.Login(ctx, "luc", testPW, "c1", "dispatch-1"); err != nil {
		t.Fatal(err)
	}
	if d, err := decision(access.Check(ctx, guard, policy.ActLive, live, policy.Reason{Kind: policy.JustShift}, note("view=b"))); err != nil || !d.Allow {
		t.Fatalf("guard supervised: %+v, %v", d, err)
	}
	es, err := log.Query(ctx, audit.Filter{Subject: "camera:cam-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Outcome != audit.OutcomeDenied || es[0].Reason != policy.CodeGuardWithoutSupervisor ||
		es[1].Outcome != audit.OutcomeAllowed || es[1].User != "tom" || es[1].Action != trail.ActLiveStart {
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
	check := func(name string, s *identity.Session, act policy.Action, want bool) {
		t.Helper()
		if got := h.access.May(s, act); got != want {
			t.Errorf("%s: May(%s, %s) = %v, want %v", name, s.User.Name, act, got, want)
		}
	}
	check("dispatcher playback", an, policy.ActPlayback, true)
	check("dispatcher round", an, policy.ActRoundRun, true)
	check("dispatcher search", an, policy.ActANPRSearch, false)
	check("dpo live", dpo, policy.ActLive, false)
	check("dpo dsar", dpo, policy.ActDSAR, true)
	check("guard alone", guard, policy.ActLive, false)
	check("municipal playback", stad, policy.ActPlayback, true)
	check("municipal live, no grant", stad, policy.ActLive, false)
	chief := h.login(t, "luc", "dispatch-1")
	check("guard supervised", guard, policy.ActRoundRun, true)
	check("guard never playback", guard, policy.ActPlayback, false)
	if _, err := h.sessions.Grant(ctx, chief, "stad", []string{"cam-1"}, t0.Add(time.Hour), eventWhy); err != nil {
		t.Fatal(err)
	}
	check("municipal live, granted", stad, policy.ActLive, true)
	h.clock.advance(time.Hour)
	check("municipal live, grant ended", stad, policy.ActLive, false)
	h.sessions.Logout(ctx, an)
	check("logged out", an, policy.ActPlayback, false)
	if h.access.May(nil, policy.ActLive) {
		t.Error("May(nil) = true")
	}
}

func TestRecheckEndsViewsWhoseGroundIsGone(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	guard := h.login(t, "tom", "dispatch-1")
	chief := h.login(t, "luc", "dispatch-1")
	live := policy.Resource{Camera: "cam-1", Owner: policy.OwnerPolice, Live: true}
	why := policy.Reason{Kind: policy.JustShift}
	if d, _ := decision(h.access.Check(ctx, guard, policy.ActLive, live, why, note(""))); !d.Allow {
		t.Fatalf("supervised guard: %+v", d)
	}
	n := len(h.log.all())
	if d := h.access.Recheck(guard, policy.ActLive, live, why); !d.Allow {
		t.Errorf("Recheck while supervised: %+v", d)
	}
	h.sessions.Logout(ctx, chief)
	if d := h.access.Recheck(guard, policy.ActLive, live, why); d.Code != policy.CodeGuardWithoutSupervisor {
		t.Errorf("Recheck after the team chief left: %+v", d)
	}
	h.sessions.Logout(ctx, guard)
	if d := h.access.Recheck(guard, policy.ActLive, live, why); d.Code != policy.CodeSessionInvalid {
		t.Errorf("Recheck after logout: %+v", d)
	}
	if got := len(h.log.all()) - n; got != 2 { // the two logouts, nothing from Recheck
		t.Errorf("Recheck wrote %d entries", got-2)
	}
}
