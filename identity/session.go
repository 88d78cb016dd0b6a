package identity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// auditLog is the part of audit.Log that app writes to.
type auditLog interface {
	Append(ctx context.Context, e audit.Entry) (audit.Receipt, error)
}

// Reasons of a login.failed audit entry (Entry.Reason), for the review screen.
const (
	CodeBadCredentials = "bad_credentials" // unknown user or wrong password
	CodeLocked         = "locked"          // too many failures, wait LockoutPeriod
	CodeDisabled       = "disabled"        // the account is disabled
	CodeStoreError     = "store_error"     // the user store could not answer
)

// Reasons of other session entries.
const (
	// CodeUnlocked: a login entry that records an idle session unlocked by
	// its password, not a new session.
	CodeUnlocked = "unlocked"
	// CodeAccountChanged: a logout entry of a session ended because its
	// account was disabled, deleted or given another role.
	CodeAccountChanged = "account_changed"
)

// ErrNoSession is returned for a nil session or one that has logged out.
var ErrNoSession = errors.New("no active session")

// Session is one user logged in on one console in one dispatch room. Its
// fields do not change after Login.
type Session struct {
	ID      string
	User    User
	Console string
	Room    string
	Started time.Time
	// Shift is the justification the prompt offers first ("operational"):
	// one click to confirm it, a free reason for the rest.
	Shift policy.Reason
}

// Sessions knows who is logged in on which console in which room, and the
// live-view grants team chiefs gave. It is in memory: a restart logs everyone
// out and ends every grant.
type Sessions struct {
	users  *Users
	log    auditLog
	now    func() time.Time
	policy policy.Policy
	cfg    config

	mu     sync.Mutex
	byID   map[string]*live
	grants []policy.Grant
}

// live is a session in the table and what the table knows of it.
type live struct {
	sess *Session
	// active is the last Login, Unlock or Touch: the idle lock counts from it.
	active time.Time
	// checked is when the account was last compared with the store.
	checked time.Time
}

// NewSessions builds the session table. now is the clock (nil: time.Now).
// Without options there is no idle lock, grants last at most
// policy.DefaultGrant, no camera can be granted (WithCameras), and accounts
// are compared with the store every DefaultUserRecheck.
func NewSessions(users *Users, log auditLog, now func() time.Time, opts ...Option) *Sessions {
	if now == nil {
		now = time.Now
	}
	cfg := config{maxGrant: policy.DefaultGrant, userRecheck: DefaultUserRecheck}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Sessions{users: users, log: log, now: func() time.Time { return now().UTC() }, cfg: cfg, byID: map[string]*live{}}
	// The grants of an earlier run still in force (or ended less than
	// keepEnded ago) hold again.
	gs, err := users.loadGrants(context.Background(), s.now().Add(-keepEnded))
	if err != nil {
		users.log.Error("grants of an earlier run not loaded", "err", err)
	}
	s.grants = gs
	return s
}

// Login checks the password and opens a session. Every attempt is audited;
// when the audit store cannot take the login entry, there is no session
// (fail closed). Errors: ErrBadCredentials, ErrLocked (*LockedError),
// ErrDisabled, or the audit failure.
//
// The console name is the source of the login throttle: failures slow down
// further guesses from this console only (see throttle.go).
func (s *Sessions) Login(ctx context.Context, name, password, console, room string) (*Session, error) {
	now := s.now()
	usr, err := s.users.AuthenticateFrom(ctx, name, password, console, now)
	if err != nil {
		return nil, s.loginFailed(ctx, now, name, console, room, err)
	}
	sess := &Session{ID: newToken(), User: usr, Console: console, Room: room, Started: now,
		Shift: policy.Reason{Kind: policy.JustShift}}
	e := s.entry(sess, "user:"+usr.Name, policy.Reason{}, audit.OutcomeAllowed, policy.CodeAllowed, trail.Login{Session: sess.ID, Room: room})
	if _, err := s.log.Append(ctx, e); err != nil {
		return nil, fmt.Errorf("user %s: login not audited, refused: %w", usr.Name, err)
	}
	s.mu.Lock()
	s.byID[sess.ID] = &live{sess: sess, active: now, checked: now}
	s.mu.Unlock()
	s.published(sess)
	return sess, nil
}

// loginFailed audits a refused login (or unlock) and returns err, joined
// with the audit failure if the entry could not be written.
func (s *Sessions) loginFailed(ctx context.Context, now time.Time, name, console, room string, err error) error {
	code := CodeStoreError
	switch {
	case errors.Is(err, ErrBadCredentials):
		code = CodeBadCredentials
	case errors.Is(err, ErrLocked):
		code = CodeLocked
	case errors.Is(err, ErrDisabled):
		code = CodeDisabled
	}
	typed := normName(name)
	if len(typed) > 64 {
		typed = typed[:64]
	}
	e := audit.Entry{Time: now, User: typed, Console: console, Action: trail.ActLoginFailed,
		Subject: "user:" + typed, Outcome: audit.OutcomeDenied, Reason: code, Detail: trail.MustEncode(trail.LoginFailed{Room: room}, trail.Facts{})}
	if _, aerr := s.log.Append(ctx, e); aerr != nil {
		return errors.Join(err, fmt.Errorf("audit login.failed: %w", aerr))
	}
	return err
}

// Logout ends a session. It cannot be refused: the session is gone even when
// the logout entry could not be written (that error is returned). A second
// Logout of the same session does nothing.
func (s *Sessions) Logout(ctx context.Context, sess *Session) error {
	if sess == nil {
		return ErrNoSession
	}
	s.mu.Lock()
	l, ok := s.byID[sess.ID]
	ok = ok && l.sess == sess
	if ok {
		delete(s.byID, sess.ID)
	}
	s.mu.Unlock()
	if !ok {
		return nil
	}
	s.unpublished(sess)
	return s.auditLogout(ctx, sess, policy.CodeAllowed)
}

func (s *Sessions) auditLogout(ctx context.Context, sess *Session, code string) error {
	dur := s.now().Sub(sess.Started).Round(time.Second)
	e := s.entry(sess, "user:"+sess.User.Name, policy.Reason{}, audit.OutcomeAllowed, code,
		trail.Logout{Session: sess.ID, Duration: trail.Duration(dur)})
	if _, err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("user %s: audit logout: %w", sess.User.Name, err)
	}
	return nil
}

// Active lists the open sessions, oldest first.
func (s *Sessions) Active() []*Session {
	s.mu.Lock()
	out := make([]*Session, 0, len(s.byID))
	for _, v := range s.byID {
		out = append(out, v.sess)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Started.Equal(out[j].Started) {
			return out[i].Started.Before(out[j].Started)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Subject is what the policy needs to know about a session now: its user,
// whether a team chief is logged in in the same room, and its grants.
func (s *Sessions) Subject(sess *Session) policy.Subject {
	if sess == nil {
		return policy.Subject{}
	}
	sub := policy.Subject{User: sess.User.Name, Role: sess.User.Role, Console: sess.Console, Room: sess.Room,
		Municipality: sess.User.Municipality}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.byID {
		o := l.sess
		if o.User.Role == policy.RoleTeamChief && o.Room != "" && o.Room == sess.Room && o.User.Name != sess.User.Name {
			sub.SupervisorPresent = true
			break
		}
	}
	if !sub.SupervisorPresent {
		sub.SupervisorPresent = s.supervisedElsewhere(sess)
	}
	for _, g := range s.grantsLocked() {
		if g.To == sess.User.Name {
			sub.Grants = append(sub.Grants, g.Clone())
		}
	}
	return sub
}

// entry fills the who of an audit entry from a session.
func (s *Sessions) entry(sess *Session, subject string, why policy.Reason, out audit.Outcome, reason string, d trail.Detail) audit.Entry {
	return audit.Entry{Time: s.now(), User: sess.User.Name, Role: string(sess.User.Role), Console: sess.Console,
		Action: d.Action(), Subject: subject, JustKind: string(why.Kind), JustText: why.Text, JustRef: why.Ref,
		AuthRef: why.AuthRef, Outcome: out, Reason: reason, Detail: trail.MustEncode(d, trail.Facts{})}
}

// newToken gives an unguessable id (128 random bits) for sessions and grants.
func newToken() string { return rand.Text() }
