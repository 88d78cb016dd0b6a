package hits

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

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
	// Quiet selects the quiet list ("stil") instead of the hits that
	// alerted: a search never mixes the two, so the alarm list stays short.
	Quiet bool
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
	if f.Quiet {
		add("quiet", "1")
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
		if h.Quiet != f.Quiet || (f.Status != "" && h.Status != f.Status) || (f.RejectReason != "" && h.RejectReason != f.RejectReason) ||
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
	h, err := b.claimLocked(hitID)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	detail := h.auditDetail()
	res := c.hitResource(h)
	key := h.room.key
	b.mu.Unlock()
	if why != "" {
		detail = detail.AsReject(string(why), note)
	}
	if s == nil {
		return c.endHandling(h, identity.ErrNoSession)
	}
	// The room first: of two dispatchers at two consoles only the first
	// decides, and the other is told who did. A session the policy will
	// refuse takes nothing there (its refusal is audited below).
	var wonRoom bool
	if c.access.Recheck(s, policy.ActHitHandle, res, s.Shift).Allow {
		status := HitConfirmed
		if why != "" {
			status = HitRejected
		}
		var stands *RoomDecision
		stands, wonRoom = c.decideInRoom(h, key, RoomDecision{Status: status, User: s.User.Name, Console: c.console, Reason: why, Note: note})
		if stands != nil {
			c.endHandling(h, nil)
			c.ApplyRoomDecision(key, *stands)
			return errDecidedElsewhere(hitID, *stands)
		}
	}
	if _, err := c.access.Check(ctx, s, policy.ActHitHandle, res, s.Shift, detail); err != nil {
		if wonRoom {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), roomTimeout)
			if uerr := c.room.Undo(uctx, key, s.User.Name); uerr != nil {
				c.log.Error("a decision not audited here stays in the room", "hit", hitID, "err", uerr)
			}
			cancel()
		}
		return c.endHandling(h, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h.handling = false
	step := HitStep{Time: c.now(), User: s.User.Name}
	if why == "" {
		h.Status, step.What = HitConfirmed, "confirm"
		if h.Quiet {
			// Confirmed from the quiet list: a real hit now, in the alarm list
			// (without the alarm: the dispatcher already acted on it).
			h.Quiet, h.Alerted = false, step.Time
		}
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

// claimLocked marks a new hit as being handled, so that of two dispatchers
// deciding at once only one gets to: the other gets ErrHitHandled. b.mu is
// held.
func (b *hitBook) claimLocked(hitID string) (*Hit, error) {
	h, ok := b.byID[hitID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrHitUnknown, hitID)
	}
	if h.Status != HitNew || h.handling {
		return nil, fmt.Errorf("%w: %s is %s", ErrHitHandled, hitID, h.Status)
	}
	h.handling = true
	return h, nil
}
