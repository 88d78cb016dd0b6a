package hits

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/zone"
)

func nearHit(listEntries int, prio hotlist.Priority) hotlist.Hit {
	return hotlist.Hit{List: "national", Version: 1, Kind: hotlist.KindOneEdit, Read: "1ABC12",
		Entry:       hotlist.Entry{Plate: "1ABC123", Priority: prio},
		Diffs:       []hotlist.Diff{{Op: hotlist.OpMissing, ReadPos: 6, ListedPos: 6, Listed: '3'}},
		ListEntries: listEntries, AsUrgent: listEntries}
}

// held lists the book's quiet or alerting hits (findHits without the
// session's access check).
func held(d *Desk, quiet bool) []Hit {
	d.book.mu.Lock()
	defer d.book.mu.Unlock()
	var out []Hit
	for _, h := range d.book.hits {
		if h.Quiet == quiet {
			out = append(out, h.clone())
		}
	}
	return out
}

func testFeed(d *Desk) *HitFeed {
	f := &HitFeed{ch: make(chan HitEvent, 16), book: d.book}
	d.book.feeds[f] = struct{}{}
	return f
}

// A near hit on a national list's routine entry is quiet: stored and
// listed, no alert event; a later exact read of the same vehicle makes it
// an alert, with the step in its history.
func TestQuietHitThenAlert(t *testing.T) {
	d := New(Config{Zone: zone.Zone{}})
	feed := testFeed(d)
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	r := Read{Camera: "cam1", Time: at, Plate: "1ABC12", Confidence: 0.9}
	id := d.Raise(nearHit(1_000_000, hotlist.PriorityNormal), r, 0)
	ev := <-feed.C()
	if ev.Kind != HitQuiet || !ev.Hit.Quiet || !ev.Hit.Alerted.IsZero() {
		t.Fatalf("near hit on a routine national entry: got %s quiet=%v alerted=%v, want a quiet hit", ev.Kind, ev.Hit.Quiet, ev.Hit.Alerted)
	}
	if got := held(d, false); len(got) != 0 {
		t.Errorf("the alarm list holds %d hits, want the quiet one kept out", len(got))
	}
	if got := held(d, true); len(got) != 1 || got[0].ID != id {
		t.Errorf("quiet list %v, want hit %s", got, id)
	}
	exact := nearHit(1_000_000, hotlist.PriorityNormal)
	exact.Kind, exact.Diffs, exact.Read = hotlist.KindExact, nil, "1ABC123"
	r.Time, r.Plate = at.Add(time.Second), "1ABC123"
	if d.Raise(exact, r, 0) != id {
		t.Fatal("the exact read of the same vehicle made a second hit")
	}
	ev = <-feed.C()
	if ev.Kind != HitAlert || ev.Hit.Quiet || ev.Hit.Match != MatchExact || ev.Hit.Alerted.IsZero() {
		t.Fatalf("after the exact read: %s quiet=%v match=%s, want an exact alert", ev.Kind, ev.Hit.Quiet, ev.Hit.Match)
	}
	if last := ev.Hit.History[len(ev.Hit.History)-1]; last.What != "alert" {
		t.Errorf("last step %q, want the alert", last.What)
	}
}

// The same near hit alerts on an urgent entry and on a small list.
func TestNearHitAlertsWhereAffordable(t *testing.T) {
	for _, c := range []struct {
		name    string
		entries int
		prio    hotlist.Priority
	}{{"urgent entry", hotlist.DefaultLargeList, hotlist.PriorityHigh}, {"small list", 2000, hotlist.PriorityInfo}} {
		d := New(Config{Zone: zone.Zone{}})
		feed := testFeed(d)
		d.Raise(nearHit(c.entries, c.prio), Read{Camera: "cam1", Time: time.Now(), Plate: "1ABC12", Confidence: 0.9}, 0)
		if ev := <-feed.C(); ev.Kind != HitAlert || ev.Hit.Quiet {
			t.Errorf("%s: %s quiet=%v, want an alert", c.name, ev.Kind, ev.Hit.Quiet)
		}
	}
}

// Quiet hits do not push the real hits of the shift out of memory.
func TestQuietHitsKeptApart(t *testing.T) {
	d := New(Config{Zone: zone.Zone{}})
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	real := d.Raise(nearHit(100, hotlist.PriorityNormal), Read{Camera: "cam1", Time: at, Plate: "1ABC12"}, 0)
	for i := range quietKept + 50 {
		h := nearHit(1_000_000, hotlist.PriorityInfo)
		h.Entry.Plate = "Q" + string(rune('A'+i%26)) + string(rune('A'+i/26%26)) + "123"
		d.Raise(h, Read{Camera: "cam1", Time: at.Add(time.Duration(i) * time.Hour), Plate: h.Read}, 0)
	}
	if _, ok := d.hitByID(real); !ok {
		t.Error("quiet hits pushed the real hit out")
	}
	if n := len(held(d, true)); n != quietKept {
		t.Errorf("%d quiet hits kept, want %d", n, quietKept)
	}
}

// A hits.db of before the quiet list gets the column; a quiet hit comes
// back quiet after a restart.
func TestQuietHitStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hits.db")
	old, err := sqlitedb.Open(path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(hitsSchema); err != nil {
		t.Fatal(err)
	}
	old.Close()
	st, err := openHitStore(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	st.put(Hit{ID: "q1", Time: at, Camera: zone.Camera{ID: "cam1"}, Plate: "1ABC12", Listed: "1ABC123", Match: MatchOneEdit, Status: HitNew, Quiet: true})
	st.put(Hit{ID: "a1", Time: at.Add(time.Second), Camera: zone.Camera{ID: "cam1"}, Plate: "1ABC123", Listed: "1ABC123", Match: MatchExact, Status: HitNew})
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	st, err = openHitStore(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	hs, err := st.load(context.Background(), 10, func(id string) zone.Camera { return zone.Camera{ID: id} })
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].ID != "q1" || !hs[0].Quiet || hs[1].Quiet {
		t.Fatalf("loaded %v, want q1 quiet then a1 not", hs)
	}
}
