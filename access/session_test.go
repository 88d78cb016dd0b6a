package access

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// fakeLog is an audit log in memory that can be made to fail or to hold an
// Append until the test lets it go.
type fakeLog struct {
	mu      sync.Mutex
	entries []audit.Entry
	fail    error
	entered chan struct{} // if set, Append signals here first
	gate    chan struct{} // if set, Append waits for it before storing
}

func (f *fakeLog) Append(ctx context.Context, e audit.Entry) (audit.Receipt, error) {
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return audit.Receipt{}, f.fail
	}
	e.Seq = int64(len(f.entries) + 1)
	f.entries = append(f.entries, e)
	return audit.Receipt{Seq: e.Seq, Time: e.Time}, nil
}

func (f *fakeLog) setFail(err error) {
	f.mu.Lock()
	f.fail = err
	f.mu.Unlock()
}

func (f *fakeLog) all() []audit.Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audit.Entry(nil), f.entries...)
}

func (f *fakeLog) last(t *testing.T) audit.Entry {
	t.Helper()
	es := f.all()
	if len(es) == 0 {
		t.Fatal("no audit entry written")
	}
	return es[len(es)-1]
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	users    *identity.Users
	log      *fakeLog
	clock    *clock
	sessions *identity.Sessions
	access   *Gate
}

const testPW = "pw-for-tests"

func newHarness(t *testing.T) *harness {
	t.Helper()
	u, _ := openTestUsers(t, true)
	for _, usr := range []identity.User{
		{Name: "an", FullName: "Inspecteur An Peeters", Role: policy.RoleDispatcher},
		{Name: "luc", FullName: "Hoofdinspecteur Luc Janssens", Role: policy.RoleTeamChief},
		{Name: "tom", FullName: "Bewakingsagent Tom Claes", Role: policy.RoleSecurityGuard},
		{Name: "sofie", FullName: "Inspecteur Sofie Maes", Role: policy.RoleInvestigator},
		{Name: "stad", FullName: "Stadsoperator Jan Willems", Role: policy.RoleMunicipal, Municipality: "Borgloon"},
		{Name: "els", FullName: "DPO Els Wouters", Role: policy.RoleDPO},
		{Name: "kris", FullName: "Beheerder Kris Dubois", Role: policy.RoleAdmin},
	} {
		mustAdd(t, u, usr, testPW)
	}
	h := &harness{users: u, log: &fakeLog{}, clock: &clock{t: t0}}
	h.sessions = identity.NewSessions(u, h.log, h.clock.now, identity.WithCameras(testCameras))
	h.access = New(h.log, h.sessions, h.clock.now)
	return h
}

// testCameras is the zone of the grant tests: Borgloon's own cameras
// (grants check that the cameras exist and are the operator's town's).
func testCameras(id string) (policy.Resource, bool) {
	switch id {
	case "cam-1", "cam-2", "cam-3":
		return policy.Resource{Camera: id, Owner: policy.OwnerMunicipality, Municipality: "Borgloon"}, true
	}
	return policy.Resource{}, false
}

func (h *harness) login(t *testing.T, name, room string) *identity.Session {
	t.Helper()
	s, err := h.sessions.Login(context.Background(), name, testPW, "console-"+name, room)
	if err != nil {
		t.Fatalf("Login(%s): %v", name, err)
	}
	return s
}

func TestLoginAndLogoutAreAudited(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	s := h.login(t, "An", "dispatch-1")
	if s.User.Name != "an" || s.User.Role != policy.RoleDispatcher || s.Console != "console-An" || s.Room != "dispatch-1" ||
		!s.Started.Equal(t0) || s.Shift.Kind != policy.JustShift || len(s.ID) < 20 {
		t.Errorf("session = %+v", s)
	}
	e := h.log.last(t)
	if e.Action != trail.ActLogin || e.User != "an" || e.Role != "dispatcher" || e.Console != "console-An" ||
		e.Outcome != audit.OutcomeAllowed || !strings.Contains(e.Detail, `"room":"dispatch-1"`) || !e.Time.Equal(t0) {
		t.Errorf("login entry = %+v", e)
	}
	h.clock.advance(8 * time.Hour)
	if err := h.sessions.Logout(ctx, s); err != nil {
		t.Fatal(err)
	}
	e = h.log.last(t)
	if e.Action != trail.ActLogout || e.User != "an" || !strings.Contains(e.Detail, `"duration":"8h0m0s"`) {
		t.Errorf("logout entry = %+v", e)
	}
	if len(h.sessions.Active()) != 0 || h.sessions.IsActive(s) {
		t.Error("session still active after logout")
	}
	n := len(h.log.all())
	if err := h.sessions.Logout(ctx, s); err != nil || len(h.log.all()) != n {
		t.Errorf("second logout: %v, %d new entries", err, len(h.log.all())-n)
	}
}

func TestFailedLoginsAreAudited(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	for _, tc := range []struct {
		name, user, pw string
		want           error
		reason         string
	}{
		{"wrong password", "an", "nope", identity.ErrBadCredentials, "bad_credentials"},
		{"unknown user", "ghost", "nope", identity.ErrBadCredentials, "bad_credentials"},
	} {
		_, err := h.sessions.Login(ctx, tc.user, tc.pw, "c1", "r1")
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Login = %v, want %v", tc.name, err, tc.want)
		}
		e := h.log.last(t)
		if e.Action != trail.ActLoginFailed || e.Outcome != audit.OutcomeDenied || e.Reason != tc.reason ||
			e.User != tc.user || e.Subject != "user:"+tc.user {
			t.Errorf("%s: entry = %+v", tc.name, e)
		}
		if strings.Contains(e.Detail+e.Reason+e.JustText, tc.pw) {
			t.Errorf("%s: the typed password is in the audit entry %+v", tc.name, e)
		}
	}
	for range identity.MaxFailures {
		h.sessions.Login(ctx, "an", "nope", "c1", "r1")
	}
	_, err := h.sessions.Login(ctx, "an", testPW, "c1", "r1")
	if !errors.Is(err, identity.ErrLocked) {
		t.Fatalf("Login after %d failures = %v, want ErrLocked", identity.MaxFailures, err)
	}
	if e := h.log.last(t); e.Reason != "locked" {
		t.Errorf("locked login entry = %+v", e)
	}
	h.clock.advance(identity.LockoutPeriod)
	if _, err := h.sessions.Login(ctx, "an", testPW, "c1", "r1"); err != nil {
		t.Errorf("Login after the lockout: %v", err)
	}
}

func TestLoginFailsClosedWithoutAudit(t *testing.T) {
	h := newHarness(t)
	h.log.setFail(errors.New("disk full"))
	s, err := h.sessions.Login(context.Background(), "an", testPW, "c1", "r1")
	if err == nil || s != nil {
		t.Fatalf("Login with a dead audit store = %v, %v; want a refusal", s, err)
	}
	if len(h.sessions.Active()) != 0 {
		t.Error("a session exists that the audit trail does not know")
	}
}

func TestSupervisorPresentNeedsTeamChiefInSameRoom(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	guard := h.login(t, "tom", "dispatch-1")
	if h.sessions.Subject(guard).SupervisorPresent {
		t.Fatal("supervised with nobody logged in")
	}
	h.login(t, "an", "dispatch-1")
	if h.sessions.Subject(guard).SupervisorPresent {
		t.Error("a dispatcher counts as supervisor")
	}
	chiefElsewhere := h.login(t, "luc", "dispatch-2")
	if h.sessions.Subject(guard).SupervisorPresent {
		t.Error("a team chief in another room counts as supervisor")
	}
	chief := h.login(t, "luc", "dispatch-1")
	if !h.sessions.Subject(guard).SupervisorPresent {
		t.Error("team chief in the room, but not supervised")
	}
	if err := h.sessions.Logout(ctx, chief); err != nil {
		t.Fatal(err)
	}
	if h.sessions.Subject(guard).SupervisorPresent {
		t.Error("still supervised after the team chief logged out")
	}
	h.sessions.Logout(ctx, chiefElsewhere)
	noRoom := h.login(t, "tom", "")
	h.login(t, "luc", "")
	if h.sessions.Subject(noRoom).SupervisorPresent {
		t.Error("an empty room name counts as the same room")
	}
	if got := len(h.sessions.Active()); got != 4 {
		t.Errorf("Active() has %d sessions, want 4", got)
	}
}
