package roomdb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/politiezone/zoneconsole/roomdb"
)

// Two consoles raising the same vehicle at one camera, seconds apart or at
// the same instant, get one room hit; another camera or a later passage is
// another hit.
func TestRaiseHitIsOneHitForTheRoom(t *testing.T) {
	_, open := newRoom(t)
	a, b := open("pos-1"), open("pos-2")
	ctx := context.Background()
	seen := time.Now().UTC().Truncate(time.Millisecond)

	var wg sync.WaitGroup
	ids := make([]int64, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a
			if i%2 == 1 {
				r = b
			}
			h, err := r.RaiseHit(ctx, "cam05", "national", "1ABC123", seen.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Errorf("RaiseHit %d: %v", i, err)
			}
			ids[i] = h.ID
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id != ids[0] || id == 0 {
			t.Fatalf("raise %d got hit %d, raise 0 hit %d: want one hit", i, id, ids[0])
		}
	}
	other, _ := a.RaiseHit(ctx, "cam06", "national", "1ABC123", seen)
	later, _ := b.RaiseHit(ctx, "cam05", "national", "1ABC123", seen.Add(5*time.Minute))
	if other.ID == ids[0] || later.ID == ids[0] || other.ID == later.ID {
		t.Fatalf("another camera (%d) and a later passage (%d) share hit %d", other.ID, later.ID, ids[0])
	}
}

// Two dispatchers deciding one hit at two consoles at once: one decision
// stands, the other is told which; the decision reaches the other console's
// feed, and a console back from an outage finds it with DecidedSince.
func TestDecideHitOnceForTheRoom(t *testing.T) {
	_, open := newRoom(t)
	a, b := open("pos-1"), open("pos-2")
	ctx := context.Background()
	got := make(chan roomdb.Hit, 4)
	p := b.Presence(roomdb.PresenceConfig{OnHit: func(h roomdb.Hit) { got <- h }})
	t.Cleanup(func() { p.Close(ctx) })
	waitFor(t, 30*time.Second, "presence online", func() bool { on, _ := p.Online(); return on })

	before := time.Now().Add(-time.Second)
	h, err := a.RaiseHit(ctx, "cam05", "national", "1ABC123", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		h   roomdb.Hit
		won bool
		err error
	}
	res := make(chan result, 2)
	go func() {
		d, won, err := a.DecideHit(ctx, h.ID, roomdb.HitConfirmed, "anna", "", "")
		res <- result{d, won, err}
	}()
	go func() {
		d, won, err := b.DecideHit(ctx, h.ID, roomdb.HitRejected, "bert", "misread", "")
		res <- result{d, won, err}
	}()
	r1, r2 := <-res, <-res
	if r1.err != nil || r2.err != nil {
		t.Fatalf("DecideHit: %v, %v", r1.err, r2.err)
	}
	if r1.won == r2.won {
		t.Fatalf("both won or both lost: %+v %+v", r1, r2)
	}
	if r1.h.Status != r2.h.Status || r1.h.DecidedBy != r2.h.DecidedBy || r1.h.DecidedAt != r2.h.DecidedAt {
		t.Fatalf("the loser was told another decision: %+v vs %+v", r1.h, r2.h)
	}
	select {
	case fed := <-got:
		if fed.ID != h.ID || fed.Status != r1.h.Status || fed.DecidedBy != r1.h.DecidedBy {
			t.Fatalf("feed at pos-2: %+v, want the decision %+v", fed, r1.h)
		}
	case <-time.After(time.Second):
		t.Fatal("the decision did not reach pos-2's feed within a second")
	}
	since, err := b.DecidedSince(ctx, before)
	if err != nil || len(since) != 1 || since[0].ID != h.ID {
		t.Fatalf("DecidedSince = %+v, %v", since, err)
	}
}

// The console's role may take a decision but not rewrite which vehicle a
// hit is.
func TestHitVehicleNotWritableByConsole(t *testing.T) {
	srv, open := newRoom(t)
	a := open("pos-1")
	ctx := context.Background()
	h, err := a.RaiseHit(ctx, "cam05", "national", "1ABC123", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	conn := connectAs(t, srv.As(roomdb.ConsoleRole))
	if _, err := conn.Exec(ctx, "UPDATE room.hits SET listed = '1XYZ999' WHERE id = $1", h.ID); err == nil {
		t.Fatal("the console role rewrote a hit's listed plate")
	}
}

func connectAs(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
