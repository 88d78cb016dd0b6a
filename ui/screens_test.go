package ui

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/simzone"
	"github.com/politiezone/zoneconsole/ui/look"
)

// TestRolesSeeTheirTabs: a DPO has no wall, a team chief has the live panel
// and the review, because the console says so; every tab builds, and
// logging out ends its goroutines.
func TestRolesSeeTheirTabs(t *testing.T) {
	c := openConsole(t, 1)
	t.Cleanup(func() { c.CloseDispatch() })
	for _, tc := range []struct {
		user string
		want []string
	}{
		{"dispatcher", []string{"wall", "hits", "map", "rounds", "playback"}},
		{"teamchef", []string{"wall", "hits", "map", "rounds", "watching", "grants", "review", "round-reports", "playback", "holds"}},
		{"dpo", []string{"review", "round-reports", "holds"}},
		{"recherche", []string{"playback", "search", "holds"}},
		{"beheerder", []string{"lists", "accounts"}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			h := newHarness(t, c)
			h.login(tc.user, simzone.DemoPassword)
			if h.s.main == nil {
				t.Fatalf("login failed: %q", h.s.login.message.Text)
			}
			var got []string
			for i, sc := range h.s.main.shown {
				got = append(got, sc.id)
				if h.s.main.built[i].content == nil || sc.title() == "" {
					t.Errorf("tab %s built nothing", sc.id)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("tabs %v, want %v", got, tc.want)
			}
			test.Tap(h.s.main.logoutBtn)
			if h.s.login == nil || h.s.sess != nil {
				t.Fatal("not back at the login screen")
			}
		})
	}
}

// TestLogoutClosesEveryView: the wall's views end with the session.
func TestLogoutClosesEveryView(t *testing.T) {
	c := openConsole(t, 4)
	boss := chief(t, c)
	h := newHarness(t, c)
	h.login("dispatcher", simzone.DemoPassword)
	h.prompt().Confirm()
	h.until("four live tiles", func() bool { return h.s.main.wall.Live(1) == 4 })
	test.Tap(h.s.main.logoutBtn)
	h.until("no views left", func() bool {
		ws, err := c.Watching(context.Background(), boss)
		return err == nil && len(ws) == 0
	})
}

// alarmed is the real console with the recordings' alarm set by the test.
type alarmed struct {
	*app.Console
	kind atomic.Value // app.AlarmKind
}

func (a *alarmed) RecordingAlarm(s *app.Session) app.RecordAlarm {
	if !a.Can(s, app.ActLiveReview) && !a.Can(s, app.ActSettings) {
		return app.RecordAlarm{} // as the console: only the chief and the administrator hear it
	}
	k, _ := a.kind.Load().(app.AlarmKind)
	return app.RecordAlarm{Kind: k}
}

// TestRecordingAlarmLine: a team chief sees the recordings' alarm in the
// status line, refreshed while the session lasts; a dispatcher sees none.
func TestRecordingAlarmLine(t *testing.T) {
	c := openConsole(t, 1)
	a := &alarmed{Console: c}
	a.kind.Store(app.AlarmDiskFull)
	deps := DepsOf(c)
	deps.Sessions = a
	h := newHarnessWith(t, deps)
	h.s.alarmEvery = 20 * time.Millisecond
	h.login("teamchef", simzone.DemoPassword)
	m := h.s.main
	want := look.AlarmLabel(app.RecordAlarm{Kind: app.AlarmDiskFull})
	h.until("the alarm line", func() bool { return m.alarm.Visible() && m.alarm.Text == want })
	a.kind.Store(app.AlarmNearlyFull)
	want = look.AlarmLabel(app.RecordAlarm{Kind: app.AlarmNearlyFull})
	h.until("the alarm line refreshed", func() bool { return m.alarm.Visible() && m.alarm.Text == want })
	a.kind.Store(app.AlarmNone)
	h.until("no alarm", func() bool { return !m.alarm.Visible() })
	a.kind.Store(app.AlarmDiskFull)
	h.s.logout()

	h.login("dispatcher", simzone.DemoPassword)
	m = h.s.main
	time.Sleep(100 * time.Millisecond)
	h.until("a few refreshes", func() bool { return len(h.loop.C) == 0 })
	if m.alarm.Visible() {
		t.Errorf("a dispatcher sees the alarm %q", m.alarm.Text)
	}
}
