package access

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

func deniedCode(err error) string {
	var de *policy.DeniedError
	if errors.As(err, &de) {
		return de.Decision.Code
	}
	return ""
}

func TestGrantGivesMunicipalLiveForALimitedTime(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	chief := h.login(t, "luc", "dispatch-1")
	stad := h.login(t, "stad", "stadhuis")
	live := policy.Resource{Camera: "cam-1", Owner: policy.OwnerPolice, Live: true}

	d, err := decision(h.access.Check(ctx, stad, policy.ActLive, live, eventWhy, note("")))
	if err != nil || d.Code != policy.CodeGrantRequired {
		t.Fatalf("before the grant: %+v, %v; want %s", d, err, policy.CodeGrantRequired)
	}
	g, err := h.sessions.Grant(ctx, chief, "Stad", []string{"cam-2", "cam-1", " ", "cam-1"}, t0.Add(4*time.Hour), eventWhy)
	if err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if g.To != "stad" || g.By != "luc" || strings.Join(g.Cameras, ",") != "cam-1,cam-2" || !g.From.Equal(t0) || g.ID == "" {
		t.Errorf("grant = %+v", g)
	}
	e := h.log.last(t)
	if e.Action != trail.ActGrant || e.User != "luc" || e.Subject != "user:stad" || e.Outcome != audit.OutcomeAllowed ||
		e.JustKind != "event" || e.JustRef != "Fietsfeesten Borgloon" || !strings.Contains(e.Detail, `"cameras":["cam-1","cam-2"]`) {
		t.Errorf("grant entry = %+v", e)
	}
	if got := h.sessions.Grants(); len(got) != 1 || got[0].ID != g.ID {
		t.Errorf("Grants() = %+v", got)
	}
	if d, _ := decision(h.access.Check(ctx, stad, policy.ActLive, live, eventWhy, note(""))); !d.Allow {
		t.Errorf("under the grant: %+v", d)
	}
	if d, _ := decision(h.access.Check(ctx, stad, policy.ActLive, policy.Resource{Camera: "cam-3", Live: true}, eventWhy, note(""))); d.Code != policy.CodeGrantRequired {
		t.Errorf("camera outside the grant: %+v", d)
	}
	h.clock.advance(4 * time.Hour)
	if d, _ := decision(h.access.Check(ctx, stad, policy.ActLive, live, eventWhy, note(""))); d.Code != policy.CodeGrantExpired {
		t.Errorf("after the grant: %+v, want %s", d, policy.CodeGrantExpired)
	}
	if got := h.sessions.Grants(); len(got) != 0 {
		t.Errorf("Grants() after the end = %+v", got)
	}
}

func TestGrantRefusals(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	chief := h.login(t, "luc", "dispatch-1")
	disp := h.login(t, "an", "dispatch-1")
	if err := h.users.Add(ctx, identity.User{Name: "oud", Role: policy.RoleMunicipal, Municipality: "Heers", Disabled: true}, testPW); err != nil {
		t.Fatal(err)
	}
	in := func(d time.Duration) time.Time { return t0.Add(d) }
	for _, tc := range []struct {
		name    string
		by      *identity.Session
		to      string
		cameras []string
		until   time.Time
		why     policy.Reason
		want    string
	}{
		{"dispatcher may not grant", disp, "stad", []string{"cam-1"}, in(time.Hour), eventWhy, policy.CodeRoleNotPermitted},
		{"shift is no ground", chief, "stad", []string{"cam-1"}, in(time.Hour), policy.Reason{Kind: policy.JustShift}, policy.CodeJustificationKindNotAllowed},
		{"event needs its name", chief, "stad", []string{"cam-1"}, in(time.Hour), policy.Reason{Kind: policy.JustEvent}, policy.CodeJustificationRefRequired},
		{"no cameras", chief, "stad", nil, in(time.Hour), eventWhy, policy.CodeGrantTermsInvalid},
		{"ends in the past", chief, "stad", []string{"cam-1"}, in(-time.Minute), eventWhy, policy.CodeGrantTermsInvalid},
		{"too long", chief, "stad", []string{"cam-1"}, in(policy.MaxGrant + time.Minute), eventWhy, policy.CodeGrantTermsInvalid},
		{"not a municipal operator", chief, "an", []string{"cam-1"}, in(time.Hour), eventWhy, policy.CodeGrantTargetInvalid},
		{"unknown user", chief, "ghost", []string{"cam-1"}, in(time.Hour), eventWhy, policy.CodeGrantTargetInvalid},
		{"disabled operator", chief, "oud", []string{"cam-1"}, in(time.Hour), eventWhy, policy.CodeGrantTargetInvalid},
	} {
		n := len(h.log.all())
		_, err := h.sessions.Grant(ctx, tc.by, tc.to, tc.cameras, tc.until, tc.why)
		if got := deniedCode(err); got != tc.want {
			t.Errorf("%s: Grant = %v, want code %s", tc.name, err, tc.want)
			continue
		}
		es := h.log.all()
		if len(es) != n+1 || es[n].Action != trail.ActGrant || es[n].Outcome != audit.OutcomeDenied || es[n].Reason != tc.want {
			t.Errorf("%s: the refusal is not audited as such: %+v", tc.name, es[n:])
		}
	}
	if got := h.sessions.Grants(); len(got) != 0 {
		t.Errorf("refused grants are in force: %+v", got)
	}
	h.log.setFail(errors.New("disk full"))
	if _, err := h.sessions.Grant(ctx, chief, "stad", []string{"cam-1"}, in(time.Hour), eventWhy); err == nil {
		t.Error("a grant was given that the audit store did not take")
	}
	if got := h.sessions.Grants(); len(got) != 0 {
		t.Errorf("unaudited grant in force: %+v", got)
	}
	h.log.setFail(nil)
	h.sessions.Logout(ctx, chief)
	if _, err := h.sessions.Grant(ctx, chief, "stad", []string{"cam-1"}, in(time.Hour), eventWhy); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("grant from a logged-out session: %v, want ErrNoSession", err)
	}
}

func TestRevokeEndsAGrantNow(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	chief := h.login(t, "luc", "dispatch-1")
	stad := h.login(t, "stad", "stadhuis")
	g, err := h.sessions.Grant(ctx, chief, "stad", []string{"cam-1"}, t0.Add(2*time.Hour), eventWhy)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.advance(10 * time.Minute)
	if err := h.sessions.Revoke(ctx, h.login(t, "an", "dispatch-1"), g.ID); deniedCode(err) != policy.CodeRoleNotPermitted {
		t.Errorf("dispatcher revokes: %v", err)
	}
	if err := h.sessions.Revoke(ctx, chief, g.ID); err != nil {
		t.Fatal(err)
	}
	if e := h.log.last(t); e.Action != trail.ActGrant || e.Detail != `{"grant":"`+g.ID+`","revoke":true}` || e.Subject != "user:stad" {
		t.Errorf("revoke entry = %+v", e)
	}
	d, _ := decision(h.access.Check(ctx, stad, policy.ActLive, policy.Resource{Camera: "cam-1", Live: true}, eventWhy, note("")))
	if d.Code != policy.CodeGrantExpired {
		t.Errorf("after revoke: %+v", d)
	}
	if err := h.sessions.Revoke(ctx, chief, "no-such-grant"); err == nil {
		t.Error("revoking an unknown grant succeeded")
	}
}
