package footage

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/zone"
)

// TestAlarmAndStatusOfAConsoleThatDoesNotRecord: the tiles of a console
// that does not record say so (not "no stream"), and asking the alarm —
// which reads every camera's status — does not deadlock.
func TestAlarmAndStatusOfAConsoleThatDoesNotRecord(t *testing.T) {
	dir := t.TempDir()
	al, err := audit.Open(filepath.Join(dir, "audit.db"), audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	users, err := identity.OpenUsers(filepath.Join(dir, "users.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer users.Close()
	if err := users.AddDemo(t.Context(), identity.User{Name: "chef", Role: policy.RoleTeamChief}, "x"); err != nil {
		t.Fatal(err)
	}
	sessions := identity.NewSessions(users, al, nil)
	gate := access.New(al, sessions, nil)
	z := zone.Zone{Name: "t", Cameras: []zone.Camera{{ID: "cam01", Name: "a", Kind: zone.KindFixed, Owner: policy.OwnerPolice,
		MainURL: "rtsp://127.0.0.1:1/x"}}}
	a, err := Open(Config{Access: gate, Zone: z, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if st := a.Status("cam01"); st.Reason != recording.ReasonOff {
		t.Errorf("status of a camera this console does not record = %v, want off", st.Reason)
	}
	s, err := sessions.Login(t.Context(), "chef", "x", "c", "room")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Alarm, 1)
	go func() { done <- a.Alarm(s) }()
	select {
	case al := <-done:
		if al.Kind != AlarmNone {
			t.Errorf("alarm %+v, want none", al)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Alarm deadlocked")
	}
}
