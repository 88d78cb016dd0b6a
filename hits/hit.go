package hits

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/plate"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// MatchKind says how a read matched a listed plate. A near match (lookalike,
// one edit) is confirmed against the plate crop before anyone acts on it.
type MatchKind string

// The match kinds, from the most to the least certain.
const (
	MatchExact     MatchKind = "exact"
	MatchLookalike MatchKind = "lookalike" // O/0, B/8, I/1 ... (hotlist's table)
	MatchOneEdit   MatchKind = "one_edit"  // one character inserted, dropped or replaced
)

// MatchDiff is one position where the read and the listed plate differ.
// Op is "lookalike", "substitute", "extra" (the read has a character the
// list has not) or "missing" (the read lacks one).
type MatchDiff struct {
	Op                 string
	ReadPos, ListedPos int
	Read, Listed       string // the characters; "" for extra/missing
}

// HitStatus is where a hit stands.
type HitStatus string

// Hit statuses.
const (
	HitNew        HitStatus = "new"
	HitConfirmed  HitStatus = "confirmed"
	HitRejected   HitStatus = "rejected"
	HitDispatched HitStatus = "dispatched"
)

// RejectReason is why a dispatcher rejected a hit. The ids are stored in the
// audit trail (detail "reject=<id>") and searchable; the UI translates them.
type RejectReason string

// The preset reasons (AutoVu-like): a free note goes with each, and is
// required for RejectOther.
const (
	RejectMisread       RejectReason = "misread"
	RejectWrongCountry  RejectReason = "wrong_country"
	RejectPlateNotOnCar RejectReason = "plate_not_on_vehicle"
	RejectEntryOutdated RejectReason = "list_entry_outdated"
	RejectOther         RejectReason = "other"
)

// RejectReasons lists the reasons in the order the UI offers them.
func RejectReasons() []RejectReason {
	return []RejectReason{RejectMisread, RejectWrongCountry, RejectPlateNotOnCar, RejectEntryOutdated, RejectOther}
}

// Errors of hit handling.
var (
	ErrHitUnknown      = errors.New("hit: unknown id")
	ErrHitHandled      = errors.New("hit: already handled")
	ErrHitNotConfirmed = errors.New("hit: not confirmed")
	ErrRejectReason    = errors.New("hit: unknown reject reason (or \"other\" without a note)")
)

// HitStep is one line of a hit's history: read, alert, passage, confirm,
// reject, dispatch, on_scene, free.
type HitStep struct {
	Time   time.Time
	What   string
	User   string // "" for the console's own steps
	Detail string
}

// Hit is a read that matched a hotlist entry.
type Hit struct {
	ID         string
	Camera     zone.Camera
	Time       time.Time // the frame of the first matching read
	Alerted    time.Time // when the alert went to the subscribers
	Plate      string    // as read, normalised
	Display    string
	Country    string
	Confidence float64
	Crop       image.Image // the plate as read
	Vehicle    image.Image // nil until the passage is stored
	PassageID  int64       // 0 until the passage is stored

	List          string
	ListVersion   int64
	Listed        string // the listed plate
	ListedCountry string
	Source        string
	Measure       string
	Priority      int // 1 (critical) .. 5 (info)
	Remarks       string
	ValidUntil    time.Time // zero: open-ended

	Match          MatchKind
	Diffs          []MatchDiff
	CountryUnknown bool

	Status       HitStatus
	RejectReason RejectReason
	Note         string
	Unit         string // the patrol sent
	History      []HitStep

	handling bool // a confirm or reject is being audited
}

// PriorityName is "critical", "high", "normal", "low" or "info".
func (h Hit) PriorityName() string { return hotlist.Priority(h.Priority).String() }

func (h *Hit) clone() Hit {
	out := *h
	out.History = slices.Clone(h.History)
	out.Diffs = slices.Clone(h.Diffs)
	return out
}

// HitEventKind says what a HitEvent brings.
type HitEventKind string

// Event kinds: a new alert, or a change to a hit already shown.
const (
	HitAlert  HitEventKind = "alert"
	HitUpdate HitEventKind = "update"
)

// HitEvent is what a HitFeed delivers: a copy of the hit as it is now.
type HitEvent struct {
	Kind HitEventKind
	Hit  Hit
	Sent time.Time
}

// HitFeed delivers hit events. Its buffer is bounded and the pipeline never
// waits for it: when it is full the event is dropped and counted, and the
// subscriber catches up with Console.Hits.
type HitFeed struct {
	ch   chan HitEvent
	book *hitBook
	sess *identity.Session
	// allowed is asked for every event: the feed's session may see this hit
	// now (logged in, its role handles hits, the camera's rules hold: a
	// covert camera's hits only on a judicial ground).
	allowed func(*Hit) bool
	dropped atomic.Uint64
	once    sync.Once
}

// C is the channel of events; it is closed by Close or when the console closes.
func (f *HitFeed) C() <-chan HitEvent { return f.ch }

// Dropped counts the events lost to a full buffer.
func (f *HitFeed) Dropped() uint64 { return f.dropped.Load() }

// Close ends the subscription. It is idempotent.
func (f *HitFeed) Close() {
	f.once.Do(func() {
		f.book.mu.Lock()
		defer f.book.mu.Unlock()
		if _, ok := f.book.feeds[f]; ok {
			delete(f.book.feeds, f)
			close(f.ch)
		}
	})
}

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
}

func newHitBook() *hitBook {
	return &hitBook{byID: map[string]*Hit{}, feeds: map[*HitFeed]struct{}{}, now: func() time.Time { return time.Now().UTC() }}
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
		CountryUnknown: mh.CountryUnknown, Status: HitNew}
	if h.Camera.ID == "" {
		h.Camera = zone.Camera{ID: r.Camera, Name: r.Camera}
	}
	if len(vehicle) > 0 {
		h.Vehicle = vehicle[0]
	}
	h.History = append(h.History,
		HitStep{Time: r.Time, What: "read", Detail: fmt.Sprintf("camera=%s plate=%s conf=%.2f", r.Camera, r.Plate, r.Confidence)},
		HitStep{Time: now, What: "alert", Detail: fmt.Sprintf("list=%s v%d match=%s priority=%d", mh.List, mh.Version, h.Match, h.Priority)})
	if passageID != 0 {
		h.History = append(h.History, HitStep{Time: now, What: "passage", Detail: fmt.Sprintf("passage=%d", passageID)})
	}
	h.Alerted = now
	b.hits = append(b.hits, h)
	b.byID[h.ID] = h
	if len(b.hits) > hitsKept {
		old := b.hits[0]
		delete(b.byID, old.ID)
		b.hits = slices.Delete(b.hits, 0, 1)
	}
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

// Hits returns the hits held in memory, newest first.
func (c *Desk) Hits(s *identity.Session) ([]Hit, error) {
	return c.SearchHits(s, HitFilter{})
}

// HitFilter selects hits; zero fields do not filter.
type HitFilter struct {
	Status       HitStatus
	RejectReason RejectReason
	List         string
	Camera       string
	From, To     time.Time
	// Limit caps the result (newest first); 0 returns every match.
	Limit int
}

// SearchHits returns the hits in memory that match f, newest first (the
// reject reasons are searchable; the audit trail holds them all as well).
func (c *Desk) SearchHits(s *identity.Session, f HitFilter) ([]Hit, error) {
	if err := c.mayHandleHits(s); err != nil {
		return nil, err
	}
	out := c.findHits(s, f)
	// Hits carry plates, crops and vehicle images: a search of them is a
	// consultation, audited with its criteria and its result count.
	if _, err := c.access.Check(context.Background(), s, policy.ActHitHandle, policy.Resource{Target: "hits:search"}, s.Shift,
		trail.HitView{What: "search", Filter: f.String(), Results: len(out)}); err != nil {
		return nil, err
	}
	return out, nil
}

// String describes the filter in the audit detail.
func (f HitFilter) String() string {
	var p []string
	add := func(k, v string) {
		if v != "" {
			p = append(p, k+"="+v)
		}
	}
	add("status", string(f.Status))
	add("reject", string(f.RejectReason))
	add("list", f.List)
	add("camera", f.Camera)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	if f.Limit > 0 {
		add("limit", fmt.Sprint(f.Limit))
	}
	return strings.Join(p, " ")
}

func (c *Desk) findHits(s *identity.Session, f HitFilter) []Hit {
	b := c.book
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Hit
	for i := len(b.hits) - 1; i >= 0; i-- {
		h := b.hits[i]
		if (f.Status != "" && h.Status != f.Status) || (f.RejectReason != "" && h.RejectReason != f.RejectReason) ||
			(f.List != "" && h.List != f.List) || (f.Camera != "" && h.Camera.ID != f.Camera) ||
			(!f.From.IsZero() && h.Time.Before(f.From)) || (!f.To.IsZero() && !h.Time.Before(f.To)) {
			continue
		}
		if !c.mayHandleHit(s, h) {
			continue
		}
		out = append(out, h.clone())
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

// Hit returns one hit to a session that handles hits; false when there is
// no such hit or the session may not see it.
func (c *Desk) Hit(s *identity.Session, id string) (Hit, bool) {
	if c.mayHandleHits(s) != nil {
		return Hit{}, false
	}
	h, ok := c.hitByID(id)
	if !ok || !c.mayHandleHit(s, &h) {
		return Hit{}, false
	}
	return h, true
}

func (c *Desk) hitByID(id string) (Hit, bool) {
	b := c.book
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.byID[id]
	if !ok {
		return Hit{}, false
	}
	return h.clone(), true
}

func (h *Hit) auditDetail() trail.Hit {
	return trail.Hit{Hit: h.ID, Camera: h.Camera.ID, List: h.List, Version: h.ListVersion, Listed: h.Listed, Read: h.Plate,
		Confidence: h.Confidence, Match: string(h.Match), Priority: h.Priority, Passage: h.PassageID}
}

// ConfirmHit records that the dispatcher compared the crop with the listed
// plate and the read is right: checked and audited as hit.confirm.
func (c *Desk) ConfirmHit(ctx context.Context, s *identity.Session, hitID string) error {
	return c.handleHit(ctx, s, hitID, audit.ActHitConfirm, "", "")
}

// RejectHit records a wrong hit with one of RejectReasons (and a note,
// required for RejectOther): checked and audited as hit.reject.
func (c *Desk) RejectHit(ctx context.Context, s *identity.Session, hitID string, why RejectReason, note string) error {
	note = strings.TrimSpace(note)
	if !slices.Contains(RejectReasons(), why) || (why == RejectOther && note == "") || len(note) > policy.MaxReasonText ||
		strings.ContainsFunc(note, func(r rune) bool { return r < ' ' }) {
		return fmt.Errorf("%w: %q", ErrRejectReason, why)
	}
	return c.handleHit(ctx, s, hitID, audit.ActHitReject, why, note)
}

func (c *Desk) handleHit(ctx context.Context, s *identity.Session, hitID string, act audit.Action, why RejectReason, note string) error {
	b := c.book
	b.mu.Lock()
	h, ok := b.byID[hitID]
	if !ok {
		b.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrHitUnknown, hitID)
	}
	if h.Status != HitNew || h.handling {
		st := h.Status
		b.mu.Unlock()
		return fmt.Errorf("%w: %s is %s", ErrHitHandled, hitID, st)
	}
	h.handling = true
	detail := h.auditDetail()
	res := c.hitResource(h)
	b.mu.Unlock()
	if why != "" {
		detail = detail.AsReject(string(why), note)
	}
	if s == nil {
		return c.endHandling(h, identity.ErrNoSession)
	}
	if _, err := c.access.Check(ctx, s, policy.ActHitHandle, res, s.Shift, detail); err != nil {
		return c.endHandling(h, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h.handling = false
	step := HitStep{Time: c.now(), User: s.User.Name}
	if why == "" {
		h.Status, step.What = HitConfirmed, "confirm"
	} else {
		h.Status, h.RejectReason, h.Note, step.What = HitRejected, why, note, "reject"
		step.Detail = fmt.Sprintf("reason=%s %s", why, note)
	}
	h.History = append(h.History, step)
	b.emitLocked(HitUpdate, h)
	return nil
}

func (c *Desk) endHandling(h *Hit, err error) error {
	b := c.book
	b.mu.Lock()
	h.handling = false
	b.mu.Unlock()
	return err
}

// addHitStep appends to a hit's history and tells the subscribers.
func (c *Desk) addHitStep(hitID string, st HitStep, fn func(*Hit)) {
	b := c.book
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.byID[hitID]
	if !ok {
		return
	}
	if fn != nil {
		fn(h)
	}
	h.History = append(h.History, st)
	b.emitLocked(HitUpdate, h)
}

// SessionActive reports whether the session is still logged in, so that a
// screen's background work ends with the session that opened it.
func (c *Desk) SessionActive(s *identity.Session) bool { return c.sessions.IsActive(s) }

// LinkPassage gives the hits raised by the passage's reads its id and
// vehicle image.
func (c *Desk) LinkPassage(p anpr.Passage) { c.book.linkPassage(p) }
