package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// IsActive reports whether sess may act now: logged in, not locked for
// idleness, and its account still as it was at login (not disabled,
// deleted or given another role or municipality). Every access decision
// and every recheck of a live view asks it, so an account change ends the
// rights of its sessions at once when made through Sessions, and within
// the recheck interval (WithUserRecheck) when made elsewhere (the CLI).
// A store that cannot answer makes it false (fail closed) without ending
// the session.
func (s *Sessions) IsActive(sess *Session) bool {
	if sess == nil {
		return false
	}
	now := s.now()
	s.mu.Lock()
	l, ok := s.byID[sess.ID]
	if !ok || l.sess != sess {
		s.mu.Unlock()
		return false
	}
	idle := s.cfg.idleLock > 0 && now.Sub(l.active) >= s.cfg.idleLock
	stale := now.Sub(l.checked) >= s.cfg.userRecheck
	s.mu.Unlock()
	if idle {
		return false
	}
	if stale {
		return s.recheck(sess, now)
	}
	return true
}

// Locked reports whether sess is logged in but locked for idleness: the
// UI shows the unlock prompt instead of the console.
func (s *Sessions) Locked(sess *Session) bool {
	if sess == nil || s.cfg.idleLock <= 0 {
		return false
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.byID[sess.ID]
	return ok && l.sess == sess && now.Sub(l.active) >= s.cfg.idleLock
}

// Touch records activity on sess (a key, a click): the idle lock counts
// from the last one. It does not unlock a locked session (that takes the
// password, Unlock) and reports whether sess is logged in and unlocked.
func (s *Sessions) Touch(sess *Session) bool {
	if sess == nil {
		return false
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.byID[sess.ID]
	if !ok || l.sess != sess || s.cfg.idleLock > 0 && now.Sub(l.active) >= s.cfg.idleLock {
		return false
	}
	l.active = now
	return true
}

// Unlock reopens a session locked for idleness with its user's password,
// typed at its console (the login throttle applies). Both outcomes are
// audited: a login entry with reason CodeUnlocked, or login.failed; the
// session stays locked when the entry cannot be written.
func (s *Sessions) Unlock(ctx context.Context, sess *Session, password string) error {
	if sess == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	l, ok := s.byID[sess.ID]
	s.mu.Unlock()
	if !ok || l.sess != sess {
		return ErrNoSession
	}
	now := s.now()
	usr, err := s.users.AuthenticateFrom(ctx, sess.User.Name, password, sess.Console, now)
	if err != nil {
		return s.loginFailed(ctx, now, sess.User.Name, sess.Console, sess.Room, err)
	}
	if accountChanged(usr, sess.User) {
		s.endSessionsOf(ctx, sess.User.Name)
		return ErrNoSession
	}
	e := s.entry(sess, "user:"+sess.User.Name, policy.Reason{}, audit.OutcomeAllowed, CodeUnlocked,
		trail.Login{Session: sess.ID, Room: sess.Room})
	if _, err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("user %s: unlock not audited, refused: %w", sess.User.Name, err)
	}
	s.mu.Lock()
	if l, ok := s.byID[sess.ID]; ok && l.sess == sess {
		l.active, l.checked = now, now
	}
	s.mu.Unlock()
	return nil
}

func accountChanged(now, then User) bool {
	return now.Disabled || now.Role != then.Role || now.Municipality != then.Municipality
}

// recheckTimeout bounds the store read of a recheck, which runs inside
// IsActive (no caller context).
const recheckTimeout = 2 * time.Second

// recheck compares the accounts of every session due for it with the
// store, ends the sessions of changed accounts, and reports whether sess
// is still active. One pass serves all sessions, so a team chief disabled
// from the CLI stops counting as supervisor for the guards of the room
// as soon as any of them is checked.
func (s *Sessions) recheck(sess *Session, now time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), recheckTimeout)
	defer cancel()
	s.mu.Lock()
	due := map[string]User{}
	for _, l := range s.byID {
		if now.Sub(l.checked) >= s.cfg.userRecheck {
			due[l.sess.User.Name] = l.sess.User
		}
	}
	s.mu.Unlock()
	fresh := map[string]bool{}
	for name, then := range due {
		cur, err := s.users.Get(ctx, name)
		switch {
		case errors.Is(err, ErrUserNotFound) || err == nil && accountChanged(cur, then):
			s.endSessionsOf(ctx, name)
		case err != nil:
			s.users.log.Error("account recheck failed: sessions refused until it works", "user", name, "err", err)
		default:
			fresh[name] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.byID {
		if fresh[l.sess.User.Name] && now.Sub(l.checked) >= s.cfg.userRecheck {
			l.checked = now
		}
	}
	l, ok := s.byID[sess.ID]
	return ok && l.sess == sess && fresh[sess.User.Name]
}

// endSessionsOf ends every session of the user name and the grants given to
// it, now: the account was disabled, deleted or re-roled. The logouts are
// audited with CodeAccountChanged; their failure is logged, never a reason
// to keep a session.
func (s *Sessions) endSessionsOf(ctx context.Context, name string) {
	now := s.now()
	var ended []*Session
	s.mu.Lock()
	for id, l := range s.byID {
		if l.sess.User.Name == name {
			ended = append(ended, l.sess)
			delete(s.byID, id)
		}
	}
	var endedGrants []string
	for _, g := range s.grantsLocked() {
		if g.To == name && g.Until.After(now) {
			endedGrants = append(endedGrants, g.ID)
		}
	}
	var store []policy.Grant
	for i := range s.grants {
		if s.grants[i].To == name && s.grants[i].Until.After(now) {
			s.grants[i].Until = now
			store = append(store, s.grants[i].Clone())
		}
	}
	s.mu.Unlock()
	for _, g := range store {
		s.storeGrant(g)
	}
	for _, id := range endedGrants {
		s.grantEnded(id, now)
	}
	for _, sess := range ended {
		s.unpublished(sess)
		if err := s.auditLogout(ctx, sess, CodeAccountChanged); err != nil {
			s.users.log.Error("session ended, logout not audited", "user", name, "session", sess.ID, "err", err)
		}
	}
}
