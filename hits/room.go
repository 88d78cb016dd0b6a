package hits

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Room shares the hits with the dispatch room's other consoles (a room
// database; nil in Config: the console is alone). Every console reads the
// plates of its cameras, so each raises the same vehicle; the room knows
// it as one hit with one decision, taken by the first dispatcher.
type Room interface {
	// Raised gives the room's key for a hit this console raised, and the
	// decision already taken on it at another console, if any.
	Raised(ctx context.Context, camera, list, listed string, seen time.Time) (key int64, taken *RoomDecision, err error)
	// Decide takes the room's decision on key, unless one was taken:
	// won is false then, and stands is the decision that stands.
	Decide(ctx context.Context, key int64, d RoomDecision) (stands RoomDecision, won bool, err error)
	// Undo gives back a decision this console's user took whose audit
	// entry could not be written.
	Undo(ctx context.Context, key int64, user string) error
	RoomPatrols
}

// RoomDecision is a confirm or a reject as the room records it.
type RoomDecision struct {
	Status  HitStatus // HitConfirmed or HitRejected
	User    string
	Console string
	At      time.Time
	Reason  RejectReason
	Note    string
}

// roomTimeout bounds one call to the room: a server that hangs must not
// hold a dispatcher's confirm for long (the decision is then taken here
// and written when the room answers again).
const roomTimeout = 3 * time.Second

// roomDecidedKept bounds the room decisions remembered for hits whose key
// has not arrived yet.
const roomDecidedKept = 1000

// roomState is a hit's link to the room.
type roomState struct {
	key     int64 // 0: not (yet) known to the room
	pending bool  // decided here while the room did not answer: to write
}

// raiseInRoom asks the room for the key of a new hit, off the hit's lock
// (the call goes over the network).
func (c *Desk) raiseInRoom(h *Hit) {
	if c.room == nil {
		return
	}
	camera, list, listed, seen := h.Camera.ID, h.List, h.Listed, h.Time
	id := h.ID
	c.roomWG.Add(1)
	go func() {
		defer c.roomWG.Done()
		ctx, cancel := context.WithTimeout(context.Background(), roomTimeout)
		defer cancel()
		key, taken, err := c.room.Raised(ctx, camera, list, listed, seen)
		if err != nil {
			c.log.Warn("hit not shared with the room yet", "hit", id, "err", err)
			return // SyncRoom tries again
		}
		c.linkRoom(id, key, taken)
	}()
}

// linkRoom gives the hit its room key, and applies a decision the room
// already has.
func (c *Desk) linkRoom(hitID string, key int64, taken *RoomDecision) {
	b := c.book
	b.mu.Lock()
	h, ok := b.byID[hitID]
	if ok {
		h.room.key = key
	}
	if d, early := b.roomDecided[key]; early && taken == nil {
		// The decision's notification came before the key: keep it.
		taken = &d
	}
	b.mu.Unlock()
	if ok && taken != nil {
		c.ApplyRoomDecision(key, *taken)
	}
}

// ApplyRoomDecision records a decision taken at another console of the
// room on the hit it has under key: a hit still new here takes it (with
// who decided and where in its history), so no second dispatcher acts on
// it. A hit decided here already keeps its own decision (the room's one
// was logged as a conflict when this console wrote its own).
func (c *Desk) ApplyRoomDecision(key int64, d RoomDecision) {
	if key == 0 || d.Console == c.console {
		return
	}
	b := c.book
	b.mu.Lock()
	defer b.mu.Unlock()
	// Kept for a hit whose key is still on its way (linkRoom), bounded:
	// the room's decisions of the last few minutes are plenty.
	if len(b.roomDecided) >= roomDecidedKept {
		clear(b.roomDecided)
	}
	b.roomDecided[key] = d
	for _, h := range b.hits {
		if h.room.key != key || h.Status != HitNew || h.handling {
			continue
		}
		step := HitStep{Time: d.At, User: d.User, What: "room." + string(d.Status), Detail: "console=" + d.Console}
		h.Status = d.Status
		if d.Status == HitRejected {
			h.RejectReason, h.Note = d.Reason, d.Note
			step.Detail += fmt.Sprintf(" reason=%s %s", d.Reason, d.Note)
		}
		h.Quiet = false
		h.History = append(h.History, step)
		b.emitLocked(HitUpdate, h)
	}
}

// decideInRoom takes the room's decision before this console audits its
// own. It returns the decision that stands when another console's
// dispatcher was first (ErrHitHandled for the caller), and whether this
// console holds the room's decision (to give back if the audit fails).
func (c *Desk) decideInRoom(h *Hit, key int64, d RoomDecision) (stands *RoomDecision, won bool) {
	if c.room == nil {
		return nil, false
	}
	if key == 0 {
		c.markPending(h)
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), roomTimeout)
	defer cancel()
	st, won, err := c.room.Decide(ctx, key, d)
	switch {
	case err != nil:
		c.log.Warn("room unreachable: the decision is taken here and written to the room later", "hit", h.ID, "err", err)
		c.markPending(h)
		return nil, false
	case !won:
		return &st, false
	}
	return nil, true
}

func (c *Desk) markPending(h *Hit) {
	c.book.mu.Lock()
	h.room.pending = true
	c.book.mu.Unlock()
}

// errDecidedElsewhere says who decided first, wrapped in ErrHitHandled.
func errDecidedElsewhere(hitID string, d RoomDecision) error {
	return fmt.Errorf("%w: %s was %s by %s at console %s", ErrHitHandled, hitID, d.Status, d.User, d.Console)
}

// SyncRoom writes to the room what it missed while it did not answer: the
// hits raised here without a key, and the decisions taken here since. A
// decision the room holds otherwise (another console decided during the
// outage) is logged and put in the hit's history: both were audited, and
// a team chief settles it.
func (c *Desk) SyncRoom(ctx context.Context) error {
	if c.room == nil {
		return nil
	}
	type todo struct {
		id, camera, list, listed string
		seen                     time.Time
		key                      int64
		pending                  bool
		d                        RoomDecision
	}
	var work []todo
	b := c.book
	b.mu.Lock()
	for _, h := range b.hits {
		if h.room.key == 0 || h.room.pending {
			w := todo{id: h.ID, camera: h.Camera.ID, list: h.List, listed: h.Listed, seen: h.Time, key: h.room.key, pending: h.room.pending}
			if h.room.pending {
				w.d = decisionOf(h)
			}
			work = append(work, w)
		}
	}
	b.mu.Unlock()
	var errs []error
	for _, w := range work {
		if w.key == 0 {
			key, taken, err := c.room.Raised(ctx, w.camera, w.list, w.listed, w.seen)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			w.key = key
			if !w.pending {
				c.linkRoom(w.id, key, taken)
				continue
			}
			c.linkRoom(w.id, key, nil)
		}
		stands, won, err := c.room.Decide(ctx, w.key, w.d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.mu.Lock()
		if h, ok := b.byID[w.id]; ok {
			h.room.pending = false
			if !won && (stands.Status != w.d.Status || stands.User != w.d.User) {
				c.log.Warn("hit decided twice during the room's outage", "hit", w.id, "here", w.d.Status, "room", stands.Status,
					"by", stands.User, "console", stands.Console)
				h.History = append(h.History, HitStep{Time: c.now(), What: "room.conflict",
					Detail: fmt.Sprintf("room=%s by=%s console=%s", stands.Status, stands.User, stands.Console)})
				b.emitLocked(HitUpdate, h)
			}
		}
		b.mu.Unlock()
	}
	return errors.Join(errs...)
}

// decisionOf is a decided hit's decision as the room records it (b.mu
// held).
func decisionOf(h *Hit) RoomDecision {
	d := RoomDecision{Status: h.Status, Reason: h.RejectReason, Note: h.Note}
	for i := len(h.History) - 1; i >= 0; i-- {
		if st := h.History[i]; st.What == "confirm" || st.What == "reject" {
			d.User, d.At = st.User, st.Time
			break
		}
	}
	return d
}
