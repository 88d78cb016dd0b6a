package hits

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/ui/internal/uitest"
)

// TestQuietListPromote: a near hit the alert policy keeps quiet (one
// character dropped, a routine entry of a national-size list) shows in the
// "stil" list only, without sound or banner; the dispatcher promotes it and
// it becomes a real hit with the alarm, the promotion in its history.
func TestQuietListPromote(t *testing.T) {
	uitest.App(t)
	c := openConsole(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sess := hitsLogin(t, c, "dispatcher")
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1400, 900))
	l := uitest.NewLoop()
	var sounds atomic.Int32
	p := newHitsPanelWith(ctx, c, sess, w, l.Do, func(context.Context) { sounds.Add(1) })
	w.SetContent(p.content)
	t.Cleanup(func() {
		l.Drain(p.close)
		w.Close()
	})
	cam := c.Zone().Cameras[0].ID
	mh := hotlist.Hit{List: "national", Version: 1, Kind: hotlist.KindOneEdit, Read: "1ABC12",
		Entry:       hotlist.Entry{Plate: "1ABC123", Country: "BE", Priority: hotlist.PriorityLow, Measure: "check insurance"},
		Diffs:       []hotlist.Diff{{Op: hotlist.OpMissing, ReadPos: 6, ListedPos: 6, Listed: '3'}},
		ListEntries: 1_000_000, AsUrgent: 1_000_000}
	id := c.Raise(mh, app.Read{Camera: cam, Time: time.Now(), Plate: "1ABC12", Confidence: 0.9}, 0)
	l.Until(t, "the quiet hit in the panel", 10*time.Second, func() bool { return len(p.hits) == 1 })
	if len(p.view) != 0 || p.banner.Visible() || sounds.Load() != 0 {
		t.Fatalf("quiet hit: %d in the alarm view, banner %v, %d sounds; want none", len(p.view), p.banner.Visible(), sounds.Load())
	}
	quiet := -1
	for i, f := range p.filters() {
		if f.f == quietFilter {
			quiet = i
		}
	}
	if quiet < 0 {
		t.Fatal("no quiet list among the filters")
	}
	p.filter.SetSelectedIndex(quiet)
	if len(p.view) != 1 || p.view[0].ID != id {
		t.Fatalf("quiet list holds %d hits, want %s", len(p.view), id)
	}
	p.list.Select(0)
	if !p.promoteBtn.Visible() || p.promoteBtn.Disabled() {
		t.Fatalf("promote button: visible %v disabled %v", p.promoteBtn.Visible(), p.promoteBtn.Disabled())
	}
	test.Tap(p.promoteBtn)
	l.Until(t, "the promoted hit alerting", 10*time.Second, func() bool {
		h, ok := p.current()
		return ok && !h.Quiet && sounds.Load() == 1
	})
	h, _ := p.current()
	last := h.History[len(h.History)-1]
	if last.What != "promote" || last.User != "dispatcher" || h.Status != app.HitNew || !p.banner.Visible() {
		t.Errorf("after promote: last step %+v, status %s, banner %v", last, h.Status, p.banner.Visible())
	}
	if err := c.PromoteHit(ctx, sess, id); err == nil {
		t.Error("a second promotion of the same hit was accepted")
	}
}
