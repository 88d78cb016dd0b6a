package roomdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/roomdb"
)

// waitFor polls cond (an in-memory read) until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not after %v", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func presence(t *testing.T, r *roomdb.Room) *roomdb.Presence {
	t.Helper()
	p := r.Presence(roomdb.PresenceConfig{Retry: 100 * time.Millisecond})
	t.Cleanup(func() { p.Close(context.Background()) })
	waitFor(t, 30*time.Second, "presence online", func() bool { on, _ := p.Online(); return on })
	return p
}

// A session and a view stated at one console show in the other's copy
// within a second, and go when they end; a console's own rows are not
// listed as another console's.
func TestPresenceSharesSessionsAndViews(t *testing.T) {
	_, open := newRoom(t)
	a, b := presence(t, open("pos-1")), presence(t, open("chief"))

	b.OpenSession("s-chief", "marc", "team_chief")
	a.OpenSession("s-anna", "anna", "dispatcher")
	a.OpenView("v-1", "s-anna", "anna", "cam-03", "shift: station square")
	took := waitFor(t, time.Second, "anna's view at the chief's console", func() bool {
		vs := b.Views()
		return len(vs) == 1 && vs[0].User == "anna" && vs[0].Camera == "cam-03" && vs[0].Console == "pos-1"
	})
	t.Logf("a view opened at pos-1 showed at chief after %v", took)
	waitFor(t, time.Second, "marc's session at pos-1", func() bool {
		ss := a.Sessions()
		return len(ss) == 1 && ss[0].User == "marc" && ss[0].Role == "team_chief"
	})
	if ss := b.Sessions(); len(ss) != 1 || ss[0].User != "anna" {
		t.Fatalf("chief's copy lists sessions %+v, want only anna's (its own are not another console's)", ss)
	}
	if vs := a.Views(); len(vs) != 0 {
		t.Fatalf("pos-1 lists its own view as another console's: %+v", vs)
	}

	a.End("v-1")
	waitFor(t, time.Second, "anna's view gone at the chief's console", func() bool { return len(b.Views()) == 0 })
	b.End("s-chief")
	waitFor(t, time.Second, "marc's session gone at pos-1", func() bool { return len(a.Sessions()) == 0 })
}

// What a console states while the server is down reaches the room when it
// is back, and rows an earlier run left open (a crash) are closed when the
// console starts again.
func TestPresenceThroughAnOutageAndACrash(t *testing.T) {
	srv, open := newRoom(t)
	chief := presence(t, open("chief"))
	pos := presence(t, open("pos-1"))
	pos.OpenSession("s-anna", "anna", "dispatcher")
	pos.OpenView("v-1", "s-anna", "anna", "cam-01", "shift")
	waitFor(t, time.Second, "the view at the chief", func() bool { return len(chief.Views()) == 1 })

	srv.Stop(t)
	waitFor(t, 30*time.Second, "pos-1 offline", func() bool { on, _ := pos.Online(); return !on })
	pos.End("v-1")
	pos.OpenView("v-2", "s-anna", "anna", "cam-07", "shift")
	srv.Restart(t)
	waitFor(t, 30*time.Second, "the outage's changes at the chief", func() bool {
		vs := chief.Views()
		return len(vs) == 1 && vs[0].Camera == "cam-07"
	})

	// A crash: the console's process ends without closing its rows; its
	// next start (same console name) closes them.
	crashed := open("pos-2").Presence(roomdb.PresenceConfig{Retry: 100 * time.Millisecond})
	crashed.OpenSession("s-bert", "bert", "dispatcher")
	crashed.OpenView("v-9", "s-bert", "bert", "cam-02", "shift")
	waitFor(t, 5*time.Second, "bert's view at the chief", func() bool { return len(chief.Views()) == 2 })
	roomdb.Abandon(crashed)
	presence(t, open("pos-2"))
	waitFor(t, 5*time.Second, "the crashed run's rows closed", func() bool {
		vs, ss := chief.Views(), chief.Sessions()
		return len(vs) == 1 && vs[0].Console == "pos-1" && len(ss) == 1 && ss[0].User == "anna"
	})
}
