package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/roomdb"
	"github.com/politiezone/zoneconsole/rounds"
	"github.com/politiezone/zoneconsole/trail"
)

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
