package hits

import (
	"errors"
	"image"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
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

	// Quiet is set on a near hit the AlertPolicy kept from the alarm: it is
	// stored and listed ("stil") but raises no sound or badge until a
	// dispatcher promotes it (PromoteHit) or a better read makes it alert.
	Quiet bool

	Status       HitStatus
	RejectReason RejectReason
	Note         string
	Unit         string // the patrol sent
	History      []HitStep

	handling bool      // a confirm or reject is being audited
	room     roomState // the hit's link to the room's one hit (Config.Room)
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
