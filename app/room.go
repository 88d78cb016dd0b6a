package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/hits"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/rounds"
	"github.com/politiezone/zoneconsole/trail"
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
// supervised by a team chief at any console.
//
// The console's own SQLite trail stays: it is what this console's reviews
// and exports read, signed with the console's key, and it is a witness of
// the room's chain for the entries this console wrote.
type room struct {
	db       *roomdb.Room
	spool    *roomdb.Spool
	presence *roomdb.Presence
	zone     Zone
	now      func() time.Time

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
	for _, o := range s.r.presence.Sessions() {
		if policy.Role(o.Role) == policy.RoleTeamChief && o.User != user {
			return true
		}
	}
	return false
}

func (s roomSessions) GrantGiven(g policy.Grant) {
	s.r.presence.PutGrant(roomdb.Grant{ID: g.ID, To: g.To, By: g.By, Cameras: g.Cameras, From: g.From, Until: g.Until,
		Reason: encodeReason(g.Reason)})
}

func (s roomSessions) GrantEnded(id string, at time.Time) { s.r.presence.EndGrant(id, at) }

func (s roomSessions) RoomGrants() []policy.Grant {
	gs := s.r.presence.Grants()
	out := make([]policy.Grant, len(gs))
	for i, g := range gs {
		out[i] = policy.Grant{ID: g.ID, To: g.To, By: g.By, Cameras: g.Cameras, From: g.From, Until: g.Until, Reason: decodeReason(g.Reason)}
	}
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

// roomHits is the room as the hit desk sees it.
type roomHits struct{ r *room }

// errRoomOffline spares a dispatcher the wait for a server known to be
// away: the decision is taken here and written when it is back.
var errRoomOffline = fmt.Errorf("room offline: %w", roomdb.ErrUnavailable)

func (h roomHits) online() bool { on, _ := h.r.presence.Online(); return on }

func (h roomHits) Raised(ctx context.Context, camera, list, listed string, seen time.Time) (int64, *hits.RoomDecision, error) {
	if !h.online() {
		return 0, nil, errRoomOffline
	}
	rh, err := h.r.db.RaiseHit(ctx, camera, list, listed, seen)
	if err != nil {
		return 0, nil, err
	}
	if rh.Status == roomdb.HitNew {
		return rh.ID, nil, nil
	}
	d := decisionOf(rh)
	return rh.ID, &d, nil
}

func (h roomHits) Decide(ctx context.Context, key int64, d hits.RoomDecision) (hits.RoomDecision, bool, error) {
	if !h.online() {
		return hits.RoomDecision{}, false, errRoomOffline
	}
	rh, won, err := h.r.db.DecideHit(ctx, key, roomdb.HitStatus(d.Status), d.User, string(d.Reason), d.Note)
	if err != nil {
		return hits.RoomDecision{}, false, err
	}
	return decisionOf(rh), won, nil
}

func (h roomHits) Undo(ctx context.Context, key int64, user string) error {
	return h.r.db.UndecideHit(ctx, key, user)
}

func (h roomHits) ClaimPatrol(ctx context.Context, callSign, user, hitID string, lat, lon float64) (string, bool, error) {
	if !h.online() {
		return "", false, errRoomOffline
	}
	cl, won, err := h.r.db.ClaimPatrol(ctx, callSign, user, hitID, lat, lon)
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("%s (%s)", cl.Console, cl.User), won, nil
}

func (h roomHits) FreePatrol(ctx context.Context, callSign string) error {
	if !h.online() {
		return errRoomOffline
	}
	return h.r.db.FreePatrol(ctx, callSign)
}

func claimOf(cl roomdb.PatrolClaim) hits.RoomClaim {
	return hits.RoomClaim{CallSign: cl.CallSign, Console: cl.Console, User: cl.User, Lat: cl.Lat, Lon: cl.Lon}
}

// onRoomPatrol applies a unit sent or freed at any console.
func (c *Console) onRoomPatrol(ev roomdb.Event) {
	d := c.roomDesk.Load()
	if d == nil {
		return
	}
	if ev.Kind == roomdb.PatrolFreed {
		d.ApplyRoomFree(ev.Claim.CallSign)
		return
	}
	d.ApplyRoomClaim(claimOf(ev.Claim))
}

func decisionOf(rh roomdb.Hit) hits.RoomDecision {
	return hits.RoomDecision{Status: hits.HitStatus(rh.Status), User: rh.DecidedBy, Console: rh.DecidedConsole,
		At: rh.DecidedAt, Reason: hits.RejectReason(rh.Reason), Note: rh.Note}
}

// roomSyncEvery is how often the console writes to the room what it could
// not write at once (a hit raised or decided while the server was away).
const roomSyncEvery = 2 * time.Second

// syncRoom keeps the hit desk and the room in step: decisions of the other
// consoles come through the change feed (onHit); after an outage the ones
// taken meanwhile are read back, and what this console raised or decided
// meanwhile is written.
func (c *Console) syncRoom(ctx context.Context) {
	t := time.NewTicker(roomSyncEvery)
	defer t.Stop()
	var offlineSince time.Time
	loaded := false // the room's open patrol claims read since the feed last connected
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		on, since := c.room.presence.Online()
		if !on {
			if offlineSince.IsZero() {
				offlineSince = since
			}
			loaded = false
			continue
		}
		if !loaded {
			cls, err := c.room.db.PatrolClaims(ctx)
			if err != nil {
				c.log.Warn("room: reading the units sent at other consoles", "err", err)
				continue
			}
			open := make([]hits.RoomClaim, len(cls))
			for i, cl := range cls {
				open[i] = claimOf(cl)
			}
			c.Desk.ResetRoomClaims(open)
			if err := c.syncAccounts(ctx); err != nil {
				c.log.Warn("room: accounts not brought together yet", "err", err)
				continue
			}
			loaded = true
		}
		if !offlineSince.IsZero() {
			hs, err := c.room.db.DecidedSince(ctx, offlineSince.Add(-roomdb.HitWindow))
			if err != nil {
				c.log.Warn("room: reading the hits decided during the outage", "err", err)
				continue
			}
			for _, h := range hs {
				c.Desk.ApplyRoomDecision(h.ID, decisionOf(h))
			}
			offlineSince = time.Time{}
		}
		if err := c.Desk.SyncRoom(ctx); err != nil {
			c.log.Warn("room: hits not written yet", "err", err)
		}
	}
}

// onRoomHit applies a hit decided at another console.
func (c *Console) onRoomHit(h roomdb.Hit) {
	if d := c.roomDesk.Load(); d != nil && h.Status != roomdb.HitNew {
		d.ApplyRoomDecision(h.ID, decisionOf(h))
	}
}

// witnessInRoom writes a checkpoint (or head) of this console's own audit
// store to the room's chain: the other consoles then hold it, and `audit
// verify --room` finds a local chain that was cut or re-signed after it.
// It runs in the audit writer's goroutine (audit.Options.OnWitness), so it
// goes to the spool, never to the console's own trail.
func (c *Console) witnessInRoom(r audit.WitnessRecord) {
	sp := c.roomSpool.Load()
	if sp == nil {
		return
	}
	e := audit.Entry{User: WitnessUser, Console: c.cfg.Console, Action: trail.ActAuditWitness,
		Subject: WitnessSubject(c.cfg.Console), Outcome: audit.OutcomeAllowed,
		Detail: trail.MustEncode(trail.WitnessOf(r), trail.Facts{})}
	if _, err := sp.Append(context.Background(), e); err != nil {
		c.log.Error("audit checkpoint not witnessed in the room", "seq", r.Seq, "err", err)
	}
}

// WitnessUser is the user of the room's audit.witness entries.
const WitnessUser = "system:audit"

// WitnessSubject is the subject of console's audit.witness entries in the
// room's chain.
func WitnessSubject(console string) string { return "audit:" + console }

// RoomWitness reads the checkpoints console wrote of its own audit store
// to the room's chain (witnessInRoom), oldest first, for audit verify.
// Only the console's own audit.witness entries count: another console
// cannot vouch for this store.
func RoomWitness(ctx context.Context, r *roomdb.Room, console string) ([]audit.WitnessRecord, error) {
	var out []audit.WitnessRecord
	q := roomdb.ReviewQuery{Subject: WitnessSubject(console), Limit: 1000}
	for {
		es, err := r.Audit().Review(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("room witness of %s: %w", console, err)
		}
		for _, e := range es {
			if e.Action != trail.ActAuditWitness || e.Console != console || e.User != WitnessUser {
				continue
			}
			d, err := trail.Decode(e.Action, e.Detail)
			if err != nil {
				return nil, fmt.Errorf("room witness of %s: entry %d: %w", console, e.Seq, err)
			}
			w, ok := d.(trail.AuditWitness)
			if !ok {
				return nil, fmt.Errorf("room witness of %s: entry %d: detail %T", console, e.Seq, d)
			}
			rec, err := w.Record()
			if err != nil {
				return nil, fmt.Errorf("room witness of %s: entry %d: %w", console, e.Seq, err)
			}
			out = append(out, rec)
		}
		if len(es) < q.Limit {
			break
		}
		q.After = &es[len(es)-1]
	}
	slices.Reverse(out)
	return out, nil
}

// accountToRoom and accountFromRoom convert an account between the
// console's store and the room's table.
func accountToRoom(a identity.Account) roomdb.Account {
	return roomdb.Account{Name: a.Name, FullName: a.FullName, Role: string(a.Role), Municipality: a.Municipality,
		Disabled: a.Disabled, PasswordHash: a.PasswordHash, ChangedNS: a.Changed.UnixNano(), Deleted: a.Deleted}
}

func accountFromRoom(a roomdb.Account) identity.Account {
	return identity.Account{User: identity.User{Name: a.Name, FullName: a.FullName, Role: policy.Role(a.Role),
		Municipality: a.Municipality, Disabled: a.Disabled}, PasswordHash: a.PasswordHash,
		Changed: time.Unix(0, a.ChangedNS).UTC(), Deleted: a.Deleted}
}

// publishAccount copies an account changed at this console to the room.
func (c *Console) publishAccount(name string) {
	a, err := c.users.Account(context.Background(), name)
	if err != nil {
		c.log.Error("room: account change not copied", "user", name, "err", err)
		return
	}
	c.room.presence.PutAccount(accountToRoom(a))
}

// onRoomAccount takes an account changed at another console.
func (c *Console) onRoomAccount(a roomdb.Account) {
	if a.Console == c.cfg.Console {
		return
	}
	if _, err := c.users.ApplyAccount(context.Background(), accountFromRoom(a)); err != nil {
		c.log.Error("room: account from another console not taken", "user", a.Name, "console", a.Console, "err", err)
	}
}

// syncAccounts brings this console's accounts and the room's together
// after (re)connecting: the room's newer ones are taken, this console's
// are written (the room keeps the newer of each).
func (c *Console) syncAccounts(ctx context.Context) error {
	theirs, err := c.room.db.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range theirs {
		if _, err := c.users.ApplyAccount(ctx, accountFromRoom(a)); err != nil {
			c.log.Error("room: account not taken", "user", a.Name, "err", err)
		}
	}
	mine, err := c.users.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range mine {
		c.room.presence.PutAccount(accountToRoom(a))
	}
	return nil
}

// roomVerifyEvery is how long a walk of the room's chain stands for the
// review screen: the chain of a busy room holds millions of entries, and a
// search every few seconds must not walk them all each time.
const roomVerifyEvery = 5 * time.Minute

// verified is the last walk of the room's chain, walked again when older
// than roomVerifyEvery.
func (r *room) verified(ctx context.Context) (audit.Report, error) {
	r.verifyMu.Lock()
	defer r.verifyMu.Unlock()
	if !r.verifiedAt.IsZero() && r.now().Sub(r.verifiedAt) < roomVerifyEvery {
		return r.verifiedRep, r.verifiedErr
	}
	r.verifiedRep, r.verifiedErr = r.db.Audit().Verify(ctx)
	r.verifiedAt = r.now()
	return r.verifiedRep, r.verifiedErr
}

// roomRounds is the room as the virtual patrols see it: finished reports
// go to it, and the team chief's reports come from it.
type roomRounds struct{ r *room }

func (rr roomRounds) Finished(rep rounds.Report) {
	b, err := json.Marshal(rep)
	if err != nil {
		return // a report is plain data; nothing to share if it will not encode
	}
	rr.r.presence.Later("round report "+rep.RunID, func(ctx context.Context, db *roomdb.Room) error {
		return db.PutRoundReport(ctx, rep.RunID, rep.Started, b)
	})
}

func (rr roomRounds) Reports(ctx context.Context, from, to time.Time) ([]rounds.Report, error) {
	if on, _ := rr.r.presence.Online(); !on {
		return nil, errRoomOffline
	}
	raw, err := rr.r.db.RoundReports(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]rounds.Report, 0, len(raw))
	for _, b := range raw {
		var rep rounds.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return nil, fmt.Errorf("room round report: %w", err)
		}
		out = append(out, rep)
	}
	return out, nil
}
