package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/zone"
)

// RoomCredential is the credential store entry with the console's login
// to the room's database (zoneconsole camera credential set room
// --username zoneconsole_console). Without it the zone's URL is used as
// is (a server that trusts the console by certificate or peer).
const RoomCredential = "room"

// presenceGrace is how long the last known sessions of the other consoles
// still count while the room's server is out of reach: a guard supervised
// by a team chief at another console is not cut off by a network blip, and
// not left unsupervised for long when the team chief may have gone.
const presenceGrace = 2 * time.Minute

// room is the console's place in a dispatch room of several consoles on
// one PostgreSQL (the zone's database): every audit entry also goes to the
// room's one chain (through the offline spool, so nothing is lost while the
// server is away), and sessions and live views are shared, so the team
// chief sees every position's "who watches what" and a guard is
// supervised by a team chief at any console. Hits and units (room_desk.go),
// accounts, round reports and audit checkpoints (room_share.go) too.
//
// The console's own SQLite trail stays, signed with its key: reviews read
// it while the room is away, and its checkpoints, witnessed in the room,
// show it was not cut afterwards.
type room struct {
	db       *roomdb.Room
	spool    *roomdb.Spool
	presence *roomdb.Presence
	zone     Zone
	now      func() time.Time

	grantsMu  sync.Mutex // the room's grants as policy grants (RoomGrants)
	grants    []policy.Grant
	grantsGen uint64
	grantsOK  bool

	verifyMu    sync.Mutex // the last walk of the room's chain (verified)
	verifiedAt  time.Time
	verifiedRep audit.Report
	verifiedErr error
}

// openRoom joins the zone's dispatch room. onChange is called when another
// console's sessions or views change, or the server goes or comes back;
// onHit with every hit decided in the room, onPatrol with every unit sent
// or freed, onAccount with every account changed.
func openRoom(ctx context.Context, cfg Config, creds *identity.Credentials, now func() time.Time, onChange func(), onHit func(roomdb.Hit), onPatrol func(roomdb.Event), onAccount func(roomdb.Account)) (*room, error) {
	dsn := cfg.Zone.Database
	if cr, ok := creds.Get(RoomCredential); ok {
		var err error
		if dsn, err = roomdb.WithPassword(dsn, cr.Username, cr.Password); err != nil {
			return nil, fmt.Errorf("room %s: %w", cfg.Room, err)
		}
	}
	db, err := roomdb.Open(ctx, roomdb.Config{DSN: dsn, Room: cfg.Room, Console: cfg.Console, AllowOffline: true})
	if err != nil {
		return nil, fmt.Errorf("room %s: %w", cfg.Room, err)
	}
	r := &room{db: db, zone: cfg.Zone, now: now}
	r.spool, err = roomdb.OpenSpool(db.Audit(), roomdb.SpoolConfig{Path: filepath.Join(cfg.DataDir, "room-spool.db"),
		Log: cfg.Logger, Now: now})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("room %s: %w", cfg.Room, err)
	}
	r.presence = db.Presence(roomdb.PresenceConfig{OnChange: onChange, OnHit: onHit, OnPatrol: onPatrol, OnAccount: onAccount, Log: cfg.Logger, Now: now})
	return r, nil
}

// close leaves the room: this console's sessions and views are closed in
// it (bounded: an unreachable server gets them closed at the next start),
// and the spool keeps what was not yet written.
func (r *room) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := r.presence.Close(ctx)
	if errors.Is(err, roomdb.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		err = nil // the next start closes them
	}
	err = errors.Join(err, r.spool.Close())
	r.db.Close()
	return err
}

// RoomStatus is what the window shows of the room.
type RoomStatus struct {
	// Shared: the console is one of a room's consoles (the zone names a
	// database); false for a console on its own.
	Shared bool
	// Online: the room's server answers; Since is when that last changed.
	Online bool
	Since  time.Time
	// Queued are the audit entries waiting on this console's disk for the
	// server.
	Queued int
}

// RoomStatus says whether the room's server answers and what waits for it.
func (c *Console) RoomStatus() RoomStatus {
	if c.room == nil {
		return RoomStatus{}
	}
	on, since := c.room.presence.Online()
	q := c.room.spool.Pending()
	return RoomStatus{Shared: true, Online: on && q == 0, Since: since, Queued: q}
}

// trailLog writes every entry to the console's own trail and then to the
// room's chain, stamped with the same time. The room's copy goes through
// the spool, so an unreachable server queues it on disk; an error of
// either is the caller's refusal (fail closed).
type trailLog struct {
	local *audit.Log
	room  *roomdb.Spool
}

func (t trailLog) Append(ctx context.Context, e audit.Entry) (audit.Receipt, error) {
	rc, err := t.local.Append(ctx, e)
	if err != nil || t.room == nil {
		return rc, err
	}
	e.Time = rc.Time
	if _, err := t.room.Append(ctx, e); err != nil {
		return rc, fmt.Errorf("room audit: %w", err)
	}
	return rc, nil
}

// roomSessions is the room as the session table sees it.
type roomSessions struct{ r *room }

func (s roomSessions) SessionOpened(sess *identity.Session) {
	s.r.presence.OpenSession(sess.ID, sess.User.Name, string(sess.User.Role))
}

func (s roomSessions) SessionEnded(sess *identity.Session) { s.r.presence.End(sess.ID) }

func (s roomSessions) TeamChiefElsewhere(roomName, user string) bool {
	if roomName != s.r.db.Name() {
		return false
	}
	if on, since := s.r.presence.Online(); !on && s.r.now().Sub(since) > presenceGrace {
		return false
	}
	return s.r.presence.AnySession(func(o roomdb.Session) bool {
		return policy.Role(o.Role) == policy.RoleTeamChief && o.User != user
	})
}

func (s roomSessions) GrantGiven(g policy.Grant) {
	s.r.presence.PutGrant(roomdb.Grant{ID: g.ID, To: g.To, By: g.By, Cameras: g.Cameras, From: g.From, Until: g.Until,
		Reason: encodeReason(g.Reason)})
}

func (s roomSessions) GrantEnded(id string, at time.Time) { s.r.presence.EndGrant(id, at) }

// RoomGrants is asked on every policy decision (identity's Subject): the
// converted copy is kept until the presence's grants change. Callers read
// it, never change it.
func (s roomSessions) RoomGrants() []policy.Grant {
	r := s.r
	gen := r.presence.GrantsVersion()
	r.grantsMu.Lock()
	defer r.grantsMu.Unlock()
	if r.grantsOK && r.grantsGen == gen {
		return r.grants
	}
	gs := r.presence.Grants()
	out := make([]policy.Grant, len(gs))
	for i, g := range gs {
		out[i] = policy.Grant{ID: g.ID, To: g.To, By: g.By, Cameras: g.Cameras, From: g.From, Until: g.Until, Reason: decodeReason(g.Reason)}
	}
	r.grants, r.grantsGen, r.grantsOK = out, gen, true
	return out
}

// roomViews is the room as the live views see it.
type roomViews struct{ r *room }

func (v roomViews) ViewOpened(sess *identity.Session, w live.Watch) {
	v.r.presence.OpenView(w.ViewID, sess.ID, w.User, w.Camera.ID, encodeReason(w.Reason))
}

func (v roomViews) ViewEnded(viewID string) { v.r.presence.End(viewID) }

func (v roomViews) Elsewhere() []live.Watch {
	roles := map[int64]policy.Role{}
	for _, s := range v.r.presence.Sessions() {
		roles[s.ID] = policy.Role(s.Role)
	}
	vs := v.r.presence.Views()
	out := make([]live.Watch, 0, len(vs))
	for _, rv := range vs {
		cam, ok := v.r.zone.Camera(rv.Camera)
		if !ok {
			cam = zone.Camera{ID: rv.Camera, Name: rv.Camera}
		}
		out = append(out, live.Watch{ViewID: fmt.Sprintf("room:%d", rv.ID), User: rv.User, Role: roles[rv.SessionID],
			Console: rv.Console, Camera: cam, Since: rv.Since, Reason: decodeReason(rv.Reason)})
	}
	return out
}

// maxRoomReason is the room table's bound on a view's reason.
const maxRoomReason = 500

// encodeReason is a view's justification as the room's reason column
// holds it: the typed reason as JSON, its free text shortened to fit.
func encodeReason(why policy.Reason) string {
	for {
		b, _ := json.Marshal(why)
		if len(b) <= maxRoomReason || why.Text == "" {
			return string(b[:min(len(b), maxRoomReason)])
		}
		if r := []rune(why.Text); len(r) < 8 {
			why.Text = ""
		} else {
			why.Text = string(r[:len(r)*3/4]) + "…"
		}
	}
}

// decodeReason reads encodeReason's form; a reason written otherwise (by
// hand, or a console of another version) is shown as its text.
func decodeReason(s string) policy.Reason {
	var why policy.Reason
	if err := json.Unmarshal([]byte(s), &why); err != nil {
		return policy.Reason{Text: s}
	}
	return why
}
