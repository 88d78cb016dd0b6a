package identity

import (
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// Room shares the session table with the dispatch room's other consoles:
// the sessions of this console are published to it, and it says who is
// logged in at the others (a room database's presence, kept in memory:
// Subject asks it on every decision). Without it (WithRoom not given) the
// console is a room of its own.
type Room interface {
	// SessionOpened and SessionEnded publish a session of this console;
	// they must not block on the network.
	SessionOpened(s *Session)
	SessionEnded(s *Session)
	// TeamChiefElsewhere says whether a team chief other than user is
	// logged in at another console of room.
	TeamChiefElsewhere(room, user string) bool
	// GrantGiven and GrantEnded publish a grant given here, or one given
	// at any console and revoked here; they must not block.
	GrantGiven(g policy.Grant)
	GrantEnded(id string, at time.Time)
	// RoomGrants are the grants given at any console of the room, as last
	// seen.
	RoomGrants() []policy.Grant
}

// WithRoom shares the sessions with the room's other consoles: a guard is
// supervised by a team chief logged in at any console of the room.
func WithRoom(r Room) Option { return func(c *config) { c.room = r } }

func (s *Sessions) published(sess *Session) {
	if s.cfg.room != nil {
		s.cfg.room.SessionOpened(sess)
	}
}

func (s *Sessions) unpublished(sess *Session) {
	if s.cfg.room != nil {
		s.cfg.room.SessionEnded(sess)
	}
}

// supervisedElsewhere is the room's half of Subject's supervision rule.
func (s *Sessions) supervisedElsewhere(sess *Session) bool {
	return s.cfg.room != nil && sess.Room != "" && s.cfg.room.TeamChiefElsewhere(sess.Room, sess.User.Name)
}

// grantsLocked are this console's grants and the room's, one per id: a
// grant revoked at any console ends at its earliest end. s.mu is held.
func (s *Sessions) grantsLocked() []policy.Grant {
	if s.cfg.room == nil {
		return s.grants
	}
	out := slices.Clone(s.grants)
	at := make(map[string]int, len(out))
	for i, g := range out {
		at[g.ID] = i
	}
	for _, g := range s.cfg.room.RoomGrants() {
		if i, ok := at[g.ID]; ok {
			if g.Until.Before(out[i].Until) {
				out[i].Until = g.Until
			}
			continue
		}
		at[g.ID] = len(out)
		out = append(out, g)
	}
	return out
}

func (s *Sessions) grantGiven(g policy.Grant) {
	if s.cfg.room != nil {
		s.cfg.room.GrantGiven(g.Clone())
	}
}

func (s *Sessions) grantEnded(id string, at time.Time) {
	if s.cfg.room != nil {
		s.cfg.room.GrantEnded(id, at)
	}
}
