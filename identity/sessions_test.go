package identity

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

type memLog struct {
	mu sync.Mutex
	es []audit.Entry
}

func (l *memLog) Append(_ context.Context, e audit.Entry) (audit.Receipt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.es = append(l.es, e)
	return audit.Receipt{Seq: int64(len(l.es))}, nil
}

func (l *memLog) last() audit.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.es[len(l.es)-1]
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type sessHarness struct {
	users *Users
	path  string
	log   *memLog
	clock *fakeClock
	s     *Sessions
}

func cameras(id string) (policy.Resource, bool) {
	switch id {
	case "stad-1", "stad-2":
		return policy.Resource{Camera: id, Owner: policy.OwnerMunicipality, Municipality: "Borgloon"}, true
	case "heers-1":
		return policy.Resource{Camera: id, Owner: policy.OwnerMunicipality, Municipality: "Heers"}, true
	case "pol-1":
		return policy.Resource{Camera: id, Owner: policy.OwnerPolice, Municipality: "Borgloon"}, true
	}
	return policy.Resource{}, false
}

func newSessHarness(t *testing.T, opts ...Option) *sessHarness {
	t.Helper()
	u, path := openTestUsers(t, true)
	for _, usr := range []User{
		{Name: "kris", Role: policy.RoleAdmin}, {Name: "an", Role: policy.RoleDispatcher},
		{Name: "luc", Role: policy.RoleTeamChief}, {Name: "stad", Role: policy.RoleMunicipal, Municipality: "Borgloon"},
	} {
		mustAdd(t, u, usr, pwGood)
	}
	h := &sessHarness{users: u, path: path, log: &memLog{}, clock: &fakeClock{t: t0}}
	h.s = NewSessions(u, h.log, h.clock.now, append([]Option{WithCameras(cameras)}, opts...)...)
	return h
}

func (h *sessHarness) login(t *testing.T, name string) *Session {
	t.Helper()
	s, err := h.s.Login(context.Background(), name, pwGood, "console-"+name, "dispatch-1")
	if err != nil {
		t.Fatalf("Login(%s): %v", name, err)
	}
	return s
}

// TestAccountChangesEndSessions is issue 16 item 3: disabling, deleting or
// re-roling an account ends its sessions' rights at once from the console,
// and within the recheck interval from the CLI; each change is audited
// before it is made. Before, a disabled user kept every open session.
func TestAccountChangesEndSessions(t *testing.T) {
	ctx := context.Background()
	h := newSessHarness(t)
	admin := h.login(t, "kris")
	an := h.login(t, "an")
	if err := h.s.DisableUser(ctx, an, "luc", policy.Reason{}); !errors.As(err, new(*policy.DeniedError)) {
		t.Errorf("a dispatcher disables a user: %v, want a denial", err)
	}
	if e := h.log.last(); e.Action != trail.ActSettings || e.Outcome != audit.OutcomeDenied {
		t.Errorf("refusal entry = %+v", e)
	}
	if err := h.s.DisableUser(ctx, admin, "an", policy.Reason{}); err != nil {
		t.Fatal(err)
	}
	if h.s.IsActive(an) {
		t.Error("the disabled user's session is still active")
	}
	if _, err := h.s.Login(ctx, "an", pwGood, "c", "r"); !errors.Is(err, ErrDisabled) {
		t.Errorf("login of a disabled user: %v", err)
	}
	if err := h.s.EnableUser(ctx, admin, "an", policy.Reason{}); err != nil {
		t.Fatal(err)
	}
	an = h.login(t, "an")
	stad := h.login(t, "stad")
	if err := h.s.SetUserRole(ctx, admin, "stad", policy.RoleDispatcher, "Borgloon", policy.Reason{}); err != nil {
		t.Fatal(err)
	}
	if h.s.IsActive(stad) {
		t.Error("a re-roled user's session keeps its old role")
	}
	if u, _ := h.users.Get(ctx, "stad"); u.Role != policy.RoleDispatcher || u.Municipality != "" {
		t.Errorf("after SetUserRole: %+v", u)
	}
	if err := h.s.DeleteUser(ctx, admin, "an", policy.Reason{}); err != nil {
		t.Fatal(err)
	}
	if h.s.IsActive(an) {
		t.Error("a deleted user's session is still active")
	}
	var changes []string
	for _, e := range h.log.es {
		if e.Action == trail.ActSettings && e.Outcome == audit.OutcomeAllowed {
			d, _ := trail.Decode(e.Action, e.Detail)
			changes = append(changes, d.(trail.Settings).Change)
		}
	}
	if want := []string{ChangeUserDisable, ChangeUserEnable, ChangeUserRole, ChangeUserDelete}; len(changes) != len(want) {
		t.Errorf("audited changes %v, want %v", changes, want)
	}
	if err := h.s.DisableUser(ctx, admin, "kris", policy.Reason{}); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("disabling the last administrator: %v, want ErrLastAdmin", err)
	}

	// The CLI path: another process changes the store; the console sees it
	// at its next recheck.
	luc := h.login(t, "luc")
	adm, err := OpenShellAdmin(filepath.Dir(h.path), "root", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	if err := adm.DisableUser(ctx, "luc"); err != nil {
		t.Fatal(err)
	}
	if !h.s.IsActive(luc) {
		t.Error("ended before the recheck interval (the test clock did not move)")
	}
	h.clock.advance(DefaultUserRecheck)
	if h.s.IsActive(luc) {
		t.Error("a user disabled from the CLI is still active after the recheck interval")
	}
	if e := h.log.last(); e.Action != trail.ActLogout || e.Reason != CodeAccountChanged || e.User != "luc" {
		t.Errorf("ended session entry = %+v", e)
	}
	if err := adm.AddUser(ctx, User{Name: "weak", Role: policy.RoleDPO}, "welkom123456"); !errors.Is(err, ErrPasswordCommon) {
		t.Errorf("CLI add with a common password: %v", err)
	}
}

// TestIdleLock: a session untouched for the zone's idle time is not active
// until its password is typed again; the unlock is audited.
func TestIdleLock(t *testing.T) {
	ctx := context.Background()
	h := newSessHarness(t, WithIdleLock(10*time.Minute))
	an := h.login(t, "an")
	h.clock.advance(9 * time.Minute)
	if !h.s.Touch(an) || !h.s.IsActive(an) {
		t.Fatal("touched session is not active")
	}
	h.clock.advance(10 * time.Minute)
	if h.s.IsActive(an) || !h.s.Locked(an) || h.s.Touch(an) {
		t.Fatal("idle session still active, or unlocked by Touch")
	}
	if err := h.s.Unlock(ctx, an, "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("Unlock with a wrong password: %v", err)
	}
	if e := h.log.last(); e.Action != trail.ActLoginFailed {
		t.Errorf("failed unlock entry = %+v", e)
	}
	if err := h.s.Unlock(ctx, an, pwGood); err != nil {
		t.Fatal(err)
	}
	if e := h.log.last(); e.Action != trail.ActLogin || e.Reason != CodeUnlocked {
		t.Errorf("unlock entry = %+v", e)
	}
	if !h.s.IsActive(an) || h.s.Locked(an) {
		t.Error("unlocked session is not active")
	}
}

// TestGrantOwnExistingCamerasForLimitedTime is issue 16 item 5: before, a
// team chief could grant any camera id, another town's or none at all, for
// 24 hours.
func TestGrantOwnExistingCamerasForLimitedTime(t *testing.T) {
	ctx := context.Background()
	h := newSessHarness(t)
	chief := h.login(t, "luc")
	stad := h.login(t, "stad")
	event := policy.Reason{Kind: policy.JustEvent, Ref: "Fietsfeesten"}
	for _, tc := range []struct {
		name string
		cams []string
		dur  time.Duration
		want string
	}{
		{"own cameras", []string{"stad-1", "stad-2"}, 2 * time.Hour, policy.CodeAllowed},
		{"unknown camera", []string{"stad-1", "nope"}, time.Hour, policy.CodeGrantTermsInvalid},
		{"other town", []string{"heers-1"}, time.Hour, policy.CodeMunicipalOwnCamerasOnly},
		{"police camera", []string{"pol-1"}, time.Hour, policy.CodeMunicipalOwnCamerasOnly},
		{"13 hours", []string{"stad-1"}, 13 * time.Hour, policy.CodeGrantTermsInvalid},
		{"12 hours", []string{"stad-1"}, 12 * time.Hour, policy.CodeAllowed},
	} {
		_, err := h.s.Grant(ctx, chief, "stad", tc.cams, t0.Add(tc.dur), event)
		got := policy.CodeAllowed
		var de *policy.DeniedError
		if errors.As(err, &de) {
			got = de.Decision.Code
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: Grant = %v, want %s", tc.name, err, tc.want)
		}
	}
	longer := NewSessions(h.users, h.log, h.clock.now, WithCameras(cameras), WithMaxGrant(20*time.Hour))
	chief2, err := longer.Login(ctx, "luc", pwGood, "c", "dispatch-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := longer.Grant(ctx, chief2, "stad", []string{"stad-1"}, t0.Add(18*time.Hour), event); err != nil {
		t.Errorf("18 h grant in a zone that allows 20 h: %v", err)
	}
	noZone := NewSessions(h.users, h.log, h.clock.now)
	chief3, _ := noZone.Login(ctx, "luc", pwGood, "c", "dispatch-1")
	if _, err := noZone.Grant(ctx, chief3, "stad", []string{"stad-1"}, t0.Add(time.Hour), event); err == nil {
		t.Error("a grant was given without a camera list to check it")
	}
	// Demoting the operator ends their grants with their sessions.
	admin := h.login(t, "kris")
	if err := h.s.SetUserRole(ctx, admin, "stad", policy.RoleMunicipal, "Heers", policy.Reason{}); err != nil {
		t.Fatal(err)
	}
	if h.s.IsActive(stad) || len(h.s.Grants()) != 0 {
		t.Errorf("after moving the operator to another town: active %v, grants %+v", h.s.IsActive(stad), h.s.Grants())
	}
}

// TestPasswordPolicy: the refusals and their reasons (issue 16 item 3).
func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		want     error
	}{
		{"empty", "", ErrPasswordEmpty},
		{"short", "K0rt!pw", ErrPasswordTooShort},
		{"11 characters", "abcdefghij1", ErrPasswordTooShort},
		{"the name", "jan.willems1", ErrPasswordHasName},
		{"holds the name", "ikbenjan.willems", ErrPasswordHasName},
		{"common", "password1234", ErrPasswordCommon},
		{"common, capitals", "Welkom123456", ErrPasswordCommon},
		{"common word and digits", "Azerty2026!!!", ErrPasswordCommon},
		{"common word, symbols", "!!wachtwoord!!", ErrPasswordCommon},
		{"repetitive", "aaaaaaaaaaaaaaaa", ErrPasswordRepeats},
		{"control character", "twaalf tekens\x00", ErrPasswordNotText},
		{"passphrase", "paard nietje batterij goed", nil},
		{"long enough", "Fietsfeest-Borgloon-07", nil},
	} {
		err := CheckPassword("jan.willems", tc.pw)
		if !errors.Is(err, tc.want) || tc.want != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("%s: CheckPassword(%q) = %v, want %v", tc.name, tc.pw, err, tc.want)
		}
	}
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	if err := u.Add(ctx, User{Name: "x1", Role: policy.RoleDPO}, "demo"); !errors.Is(err, ErrPasswordTooShort) {
		t.Errorf("Add with \"demo\": %v, want ErrPasswordTooShort", err)
	}
	if err := u.AddDemo(ctx, User{Name: "x1", Role: policy.RoleDPO}, "demo"); err != nil {
		t.Errorf("AddDemo with \"demo\": %v", err)
	}
	if _, err := u.Authenticate(ctx, "x1", "demo", t0); err != nil {
		t.Errorf("demo account login: %v", err)
	}
	if err := u.SetPassword(ctx, "x1", "azerty123456"); !errors.Is(err, ErrPasswordCommon) {
		t.Errorf("SetPassword with a common password: %v", err)
	}
}

// A console restarted during an event keeps the grants it gave, and a
// grant it revoked stays revoked (issue 17 item 4).
func TestGrantsSurviveARestart(t *testing.T) {
	ctx := context.Background()
	h := newSessHarness(t)
	chief := h.login(t, "luc")
	event := policy.Reason{Kind: policy.JustEvent, Ref: "Fietsfeesten"}
	kept, err := h.s.Grant(ctx, chief, "stad", []string{"stad-1"}, t0.Add(2*time.Hour), event)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := h.s.Grant(ctx, chief, "stad", []string{"stad-2"}, t0.Add(2*time.Hour), event)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.s.Revoke(ctx, chief, gone.ID); err != nil {
		t.Fatal(err)
	}

	restarted := NewSessions(h.users, h.log, h.clock.now, WithCameras(cameras))
	gs := restarted.Grants()
	if len(gs) != 1 || gs[0].ID != kept.ID || !gs[0].Until.Equal(kept.Until) || gs[0].Reason != event {
		t.Fatalf("grants after a restart = %+v, want only %+v", gs, kept)
	}
	op, err := restarted.Login(ctx, "stad", pwGood, "c", "dispatch-1")
	if err != nil {
		t.Fatal(err)
	}
	if sub := restarted.Subject(op); len(sub.Grants) < 1 || !slices.ContainsFunc(sub.Grants, func(g policy.Grant) bool { return g.ID == kept.ID }) {
		t.Fatalf("the operator's grants after a restart: %+v", sub.Grants)
	}
}
