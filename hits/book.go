package hits

import (
	"context"
	"fmt"
	"image"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// hitsKept bounds the hits held in memory (the audit trail keeps them all).
const hitsKept = 500

// dedupWindow: the same listed entry hit again by the same camera this soon
// is the same vehicle, not a new alert.
const dedupWindow = 60 * time.Second

type hitBook struct {
	mu    sync.Mutex
	hits  []*Hit // oldest first
	byID  map[string]*Hit
	feeds map[*HitFeed]struct{}
	now   func() time.Time
	store *hitStore // nil until the stores are open, and after close
	// roomDecided are the room's recent decisions by key (Desk.ApplyRoomDecision).
	roomDecided map[int64]RoomDecision
}

func newHitBook() *hitBook {
	return &hitBook{byID: map[string]*Hit{}, feeds: map[*HitFeed]struct{}{}, roomDecided: map[int64]RoomDecision{}, now: func() time.Time { return time.Now().UTC() }}
}

// mayHandleHits is the gate in front of every hit the console hands out:
// a hit carries a plate crop, a vehicle image and a list's measure, so only
// a session whose role handles hits sees them (the policy decides; seeing an
// alert is not audited, confirming or rejecting it is).
// mayHandleHit is the same gate for one hit: the camera's rules hold on the
// hit path as on the live path (a covert camera's hits need a judicial
// ground, which a dispatch shift is not).
func (c *Desk) mayHandleHit(s *identity.Session, h *Hit) bool {
	return s != nil && c.access.Recheck(s, policy.ActHitHandle, c.hitResource(h), s.Shift).Allow
}

func (c *Desk) hitResource(h *Hit) policy.Resource {
	cam, ok := c.zone.Camera(h.Camera.ID)
	if !ok {
		cam = h.Camera
	}
	r := access.CameraResource(cam, false)
	r.Plate, r.Target = h.Listed, "plate:"+h.Listed
	return r
}

// closeFeedsOf ends the hit feeds of a session that logged out.
func (b *hitBook) closeFeedsOf(s *identity.Session) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for f := range b.feeds {
		if f.sess == s {
			delete(b.feeds, f)
			close(f.ch)
		}
	}
}

func (c *Desk) mayHandleHits(s *identity.Session) error {
	if s == nil {
		return identity.ErrNoSession
	}
	if d := c.access.Recheck(s, policy.ActHitHandle, policy.Resource{}, s.Shift); !d.Allow {
		return &policy.DeniedError{Decision: d}
	}
	return nil
}

// SubscribeHits returns a feed of hit alerts and updates with room for
// buffer events (default 64), for a session that handles hits.
func (c *Desk) SubscribeHits(s *identity.Session, buffer int) (*HitFeed, error) {
	if err := c.mayHandleHits(s); err != nil {
		return nil, err
	}
	if buffer <= 0 {
		buffer = 64
	}
	b := c.book
	if _, err := c.access.Check(context.Background(), s, policy.ActHitHandle, policy.Resource{Target: "hits:feed"}, s.Shift,
		trail.HitView{What: "feed"}); err != nil {
		return nil, err
	}
	f := &HitFeed{ch: make(chan HitEvent, buffer), book: b, sess: s,
		allowed: func(h *Hit) bool { return c.mayHandleHit(s, h) }}
	b.mu.Lock()
	b.feeds[f] = struct{}{}
	b.mu.Unlock()
	return f, nil
}

func (b *hitBook) emitLocked(kind HitEventKind, h *Hit) {
	ev := HitEvent{Kind: kind, Hit: h.clone(), Sent: b.now()}
	if b.store != nil {
		b.store.put(ev.Hit)
	}
	for f := range b.feeds {
		if f.allowed != nil && !f.allowed(h) {
			continue
		}
		select {
		case f.ch <- ev:
		default:
			f.dropped.Add(1)
		}
	}
}

// attach makes st the book's store and adds the hits it kept.
func (b *hitBook) attach(st *hitStore, kept []*Hit) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.store = st
	var old []*Hit
	for _, h := range kept {
		if _, dup := b.byID[h.ID]; !dup {
			old = append(old, h)
			b.byID[h.ID] = h
		}
	}
	b.hits = append(old, b.hits...)
}

// detach ends the writes to the store (before it closes).
// storeOf is the store while it is attached (nil otherwise).
func (b *hitBook) storeOf() *hitStore {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.store
}

func (b *hitBook) detach() *hitStore {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.store
	b.store = nil
	return st
}

func (b *hitBook) closeFeeds() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for f := range b.feeds {
		delete(b.feeds, f)
		close(f.ch)
	}
}

func matchDiffs(ds []hotlist.Diff) []MatchDiff {
	out := make([]MatchDiff, 0, len(ds))
	for _, d := range ds {
		md := MatchDiff{Op: d.Op.String(), ReadPos: d.ReadPos, ListedPos: d.ListedPos}
		if d.Read != 0 {
			md.Read = string(rune(d.Read))
		}
		if d.Listed != 0 {
			md.Listed = string(rune(d.Listed))
		}
		out = append(out, md)
	}
	return out
}

func matchKind(k hotlist.Kind) MatchKind {
	switch k {
	case hotlist.KindExact:
		return MatchExact
	case hotlist.KindLookalike:
		return MatchLookalike
	}
	return MatchOneEdit
}

func matchRank(k MatchKind) int {
	switch k {
	case MatchExact:
		return 0
	case MatchLookalike:
		return 1
	}
	return 2
}

// Raise turns a matcher hit into an alert, or adds to the alert the same
// vehicle already raised (a better match, the stored passage), and gives the
// hit's id (for the log; the hit itself only goes to who may see it).
func (c *Desk) Raise(mh hotlist.Hit, r Read, passageID int64, vehicle ...image.Image) string {
	b := c.book
	cam, _ := c.zone.Camera(r.Camera)
	now := c.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.hits) - 1; i >= 0; i-- {
		h := b.hits[i]
		if h.Camera.ID != r.Camera || h.List != mh.List || h.Listed != mh.Entry.Plate || absDur(r.Time.Sub(h.Time)) > dedupWindow {
			continue
		}
		changed := false
		if passageID != 0 && h.PassageID == 0 {
			h.PassageID = passageID
			h.History = append(h.History, HitStep{Time: now, What: "passage", Detail: fmt.Sprintf("passage=%d", passageID)})
			changed = true
		}
		if len(vehicle) > 0 && vehicle[0] != nil && h.Vehicle == nil {
			h.Vehicle = vehicle[0]
			changed = true
		}
		if h.Quiet && h.Status == HitNew && c.loudness(mh) == hotlist.Alert {
			// A later read of the same vehicle meets the alarm's bar.
			h.Match, h.Diffs, h.Plate, h.Display, h.Confidence = matchKind(mh.Kind), matchDiffs(mh.Diffs), r.Plate, r.Display, r.Confidence
			if r.Crop != nil {
				h.Crop = r.Crop
			}
			c.alertLocked(h, HitStep{Time: now, What: "alert", Detail: fmt.Sprintf("read=%s match=%s", r.Plate, h.Match)})
			return h.ID
		}
		if h.Status == HitNew && matchRank(matchKind(mh.Kind)) < matchRank(h.Match) {
			// A later read of the same vehicle matches better: show that one.
			h.Match, h.Diffs, h.Plate, h.Display, h.Confidence = matchKind(mh.Kind), matchDiffs(mh.Diffs), r.Plate, r.Display, r.Confidence
			if r.Crop != nil {
				h.Crop = r.Crop
			}
			changed = true
		}
		if changed {
			b.emitLocked(HitUpdate, h)
		}
		return h.ID
	}
	h := &Hit{ID: newID(), Camera: cam, Time: r.Time, Plate: r.Plate, Display: r.Display, Country: r.Country,
		Confidence: r.Confidence, Crop: r.Crop, PassageID: passageID,
		List: mh.List, ListVersion: mh.Version, Listed: mh.Entry.Plate, ListedCountry: mh.Entry.Country,
		Source: mh.Entry.Source, Measure: mh.Entry.Measure, Priority: int(mh.Entry.Priority), Remarks: mh.Entry.Remarks,
		ValidUntil: mh.Entry.ValidUntil, Match: matchKind(mh.Kind), Diffs: matchDiffs(mh.Diffs),
		CountryUnknown: mh.CountryUnknown, Status: HitNew, Quiet: c.loudness(mh) == hotlist.Quiet}
	if h.Camera.ID == "" {
		h.Camera = zone.Camera{ID: r.Camera, Name: r.Camera}
	}
	if len(vehicle) > 0 {
		h.Vehicle = vehicle[0]
	}
	what := "alert"
	if h.Quiet {
		what = "quiet" // kept from the alarm by the AlertPolicy
	}
	h.History = append(h.History,
		HitStep{Time: r.Time, What: "read", Detail: fmt.Sprintf("camera=%s plate=%s conf=%.2f", r.Camera, r.Plate, r.Confidence)},
		HitStep{Time: now, What: what, Detail: fmt.Sprintf("list=%s v%d match=%s priority=%d list_entries=%d", mh.List, mh.Version, h.Match, h.Priority, mh.ListEntries)})
	if passageID != 0 {
		h.History = append(h.History, HitStep{Time: now, What: "passage", Detail: fmt.Sprintf("passage=%d", passageID)})
	}
	b.hits = append(b.hits, h)
	b.byID[h.ID] = h
	b.trimLocked()
	c.raiseInRoom(h)
	if h.Quiet {
		c.log.Debug("quiet hotlist hit", "hit", h.ID, "camera", r.Camera, "plate", r.Plate, "list", mh.List, "match", h.Match)
		b.emitLocked(HitQuiet, h)
		return h.ID
	}
	h.Alerted = now
	c.log.Info("hotlist hit", "hit", h.ID, "camera", r.Camera, "plate", r.Plate, "list", mh.List, "match", h.Match)
	b.emitLocked(HitAlert, h)
	return h.ID
}

// linkPassage gives the hits raised by the passage's reads its id and
// vehicle image.
func (b *hitBook) linkPassage(p anpr.Passage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.hits {
		if h.Camera.ID != p.Camera || h.PassageID != 0 || !plate.WithinOneEdit(h.Plate, p.Plate) ||
			h.Time.Before(p.First.Add(-2*time.Second)) || h.Time.After(p.Last.Add(2*time.Second)) {
			continue
		}
		h.PassageID = p.ID
		if p.Vehicle != nil {
			h.Vehicle = p.Vehicle
		}
		h.History = append(h.History, HitStep{Time: b.now(), What: "passage",
			Detail: fmt.Sprintf("passage=%d plate=%s reads=%d conf=%.2f", p.ID, p.Plate, p.Reads, p.Confidence)})
		b.emitLocked(HitUpdate, h)
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
