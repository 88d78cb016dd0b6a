package roomdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/roomdb"
)

// next waits at most a second for the listener's next event: the room's
// promise is that a change at one console shows at the others within one.
func next(t *testing.T, l *roomdb.Listener) (roomdb.Event, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	ev, err := l.Next(ctx)
	if err != nil {
		t.Fatalf("no event within a second: %v", err)
	}
	return ev, time.Since(start)
}

// TestPresenceAcrossConsoles: a session and a view opened at one console
// reach a listener at the other within a second, typed and whole, and the
// other console's "who watches what" lists the view until it is closed.
func TestPresenceAcrossConsoles(t *testing.T) {
	_, open := newRoom(t)
	a, b := open("pos-1"), open("chief")
	ctx := context.Background()
	l, err := b.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)

	s, err := a.OpenSession(ctx, "anna", "dispatcher")
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := next(t, l)
	if ev.Kind != roomdb.SessionOpened || ev.Session != s {
		t.Errorf("after OpenSession at pos-1, chief got %+v, want %s of %+v", ev, roomdb.SessionOpened, s)
	}
	v, err := a.OpenView(ctx, roomdb.View{User: "anna", Camera: "cam-7", Reason: "fight reported at the station", SessionID: s.ID})
	if err != nil {
		t.Fatal(err)
	}
	ev, took := next(t, l)
	if ev.Kind != roomdb.ViewOpened || ev.View != v {
		t.Errorf("after OpenView at pos-1, chief got %+v, want %s of %+v", ev, roomdb.ViewOpened, v)
	}
	t.Logf("view opened at pos-1 reached chief's listener after waiting %v", took)
	vs, err := b.Views(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0] != v {
		t.Errorf("chief's Views() = %+v, want [%+v]", vs, v)
	}

	if err := a.CloseView(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	ev, _ = next(t, l)
	if ev.Kind != roomdb.ViewClosed || ev.View.ID != v.ID || ev.View.Ended.Before(v.Since) {
		t.Errorf("after CloseView, chief got %+v, want %s of view %d ended after %v", ev, roomdb.ViewClosed, v.ID, v.Since)
	}
	if err := a.CloseView(ctx, v.ID); !errors.Is(err, roomdb.ErrNotOpen) {
		t.Errorf("closing view %d twice: %v, want ErrNotOpen", v.ID, err)
	}
	if vs, err := b.Views(ctx); err != nil || len(vs) != 0 {
		t.Errorf("chief's Views() after the close = %+v, %v; want none", vs, err)
	}
	if err := a.CloseSession(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if ev, _ = next(t, l); ev.Kind != roomdb.SessionClosed || ev.Session.ID != s.ID {
		t.Errorf("after CloseSession, chief got %+v, want %s of session %d", ev, roomdb.SessionClosed, s.ID)
	}
	if ss, err := b.Sessions(ctx); err != nil || len(ss) != 0 {
		t.Errorf("chief's Sessions() after the logout = %+v, %v; want none", ss, err)
	}
}

// TestServerRestart: with the server stopped mid-way, appends fail at once
// with an error that says the database is unavailable; once it is back
// they work again, every entry acknowledged before the stop survived it,
// and the chain verifies. (Queuing the entries of the outage durably, so
// that none is refused, is the console's offline queue: not here.)
func TestServerRestart(t *testing.T) {
	srv, open := newRoom(t)
	r := open("pos-1")
	ctx := context.Background()
	for i := range 50 {
		if _, err := r.Audit().Append(ctx, entry("pos-1", "anna", i)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := r.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	srv.Stop(t)
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := l.Next(lctx); !errors.Is(err, roomdb.ErrUnavailable) {
		t.Errorf("listener with the server down: %v, want ErrUnavailable", err)
	}
	for i := range 3 {
		start := time.Now()
		_, err := r.Audit().Append(ctx, entry("pos-1", "anna", 100+i))
		if !errors.Is(err, roomdb.ErrUnavailable) {
			t.Fatalf("Append with the server down: %v, want ErrUnavailable", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Append with the server down took %v to fail", took)
		}
		t.Logf("server down: append %d failed after %v: %v", i+1, time.Since(start).Round(time.Microsecond), err)
	}
	if _, err := r.Views(ctx); !errors.Is(err, roomdb.ErrUnavailable) {
		t.Errorf("Views with the server down: %v, want ErrUnavailable", err)
	}
	srv.Restart(t)
	rc, err := r.Audit().Append(ctx, entry("pos-1", "anna", 200))
	if err != nil {
		t.Fatalf("first Append after the restart: %v", err)
	}
	if rc.Seq != 51 {
		t.Errorf("first entry after the restart got seq %d, want 51", rc.Seq)
	}
	if _, err := r.OpenView(ctx, roomdb.View{User: "anna", Camera: "cam-1"}); err != nil {
		t.Errorf("OpenView after the restart: %v", err)
	}
	rep, err := r.Audit().Verify(ctx)
	if err != nil || rep.Entries != 51 {
		t.Errorf("Verify after the restart: %d entries, %v; want 51, nil", rep.Entries, err)
	}
}
