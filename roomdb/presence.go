package roomdb

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Presence is a console's live share of the room: the sessions and views
// this console has open, written to the room's tables, and a copy of every
// console's open rows, kept current by the change feed. The console asks it
// questions many times a second (is a team chief logged in anywhere in the
// room? who watches what?), so they are answered from memory, never with a
// query.
//
// The console states what it has open (OpenSession, OpenView, and their
// Close); one goroutine brings the room's tables to that state: at once
// while the server answers, and, after an outage, as soon as it is back.
// Rows this console left open in an earlier run (a crash, a power cut) are
// closed at the first connection, so the room never shows a dead console's
// dispatcher still watching.
type Presence struct {
	room *Room
	cfg  PresenceConfig

	mu        sync.Mutex
	mine      map[string]*ownRow // by the console's own key (session or view id)
	sessions  map[int64]Session  // the room's open sessions, every console
	views     map[int64]View     // the room's open views, every console
	grants    map[string]Grant   // the room's grants (presence_grants.go)
	unwritten map[string]Grant   // grants given here not yet in the room
	grantGen  uint64             // counts the changes of grants (GrantsVersion)
	// outbox holds the other writes stated here, in order (presence_outbox.go).
	outbox []outboxOp
	online bool
	since  time.Time // when online last changed

	kick chan struct{}
	stop context.CancelFunc
	done chan struct{}
}

// PresenceConfig tunes a Presence.
type PresenceConfig struct {
	// OnChange is called, from the presence goroutine, after the copy of
	// the room changed or the server went away or came back. It must not
	// block for long.
	OnChange func()
	// OnHit is called, from the presence goroutine, with each hit decided
	// at any console of the room (this one's too). Decisions taken while
	// the feed was down are not replayed: read them with DecidedSince when
	// OnChange reports the room back.
	OnHit func(Hit)
	// OnPatrol is called, likewise, with each unit claimed or freed at any
	// console (ev.Kind PatrolClaimed or PatrolFreed); after an outage read
	// PatrolClaims again.
	OnPatrol func(Event)
	// OnAccount is called, likewise, with each account changed at any
	// console (this one's too); after an outage read Accounts again.
	OnAccount func(Account)
	// Retry is how often the server is tried again while it is out of
	// reach (default 2 s).
	Retry time.Duration
	Log   *slog.Logger
	Now   func() time.Time
}

// ownRow is one session or view of this console as the room should show
// it. id is the room's row id once written; closed means the console ended
// it and the row must be closed (or, when never written, forgotten).
type ownRow struct {
	session *Session
	view    *View
	key     string // for a view: the key of its session (0 session id until written)
	id      int64
	closed  bool
}

// Presence starts the room's presence for this console. Close it before
// the Room.
func (r *Room) Presence(cfg PresenceConfig) *Presence {
	if cfg.Retry <= 0 {
		cfg.Retry = 2 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OnChange == nil {
		cfg.OnChange = func() {}
	}
	if cfg.OnHit == nil {
		cfg.OnHit = func(Hit) {}
	}
	if cfg.OnPatrol == nil {
		cfg.OnPatrol = func(Event) {}
	}
	if cfg.OnAccount == nil {
		cfg.OnAccount = func(Account) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Presence{room: r, cfg: cfg, mine: map[string]*ownRow{}, sessions: map[int64]Session{}, views: map[int64]View{}, grants: map[string]Grant{}, unwritten: map[string]Grant{},
		since: cfg.Now(), kick: make(chan struct{}, 1), stop: cancel, done: make(chan struct{})}
	go p.run(ctx)
	return p
}

// OpenSession states that user (role) is logged in at this console under
// key (the console's session id). It returns at once: the row is written
// by the presence goroutine, now or when the server is back.
func (p *Presence) OpenSession(key, user, role string) {
	p.set(key, &ownRow{session: &Session{User: user, Role: role}})
}

// OpenView states that the session sessionKey watches camera under key
// (the console's view id), for reason.
func (p *Presence) OpenView(key, sessionKey, user, camera, reason string) {
	p.set(key, &ownRow{view: &View{User: user, Camera: camera, Reason: reason}, key: sessionKey})
}

// End states that the session or view key ended.
func (p *Presence) End(key string) {
	p.mu.Lock()
	if o, ok := p.mine[key]; ok {
		o.closed = true
	}
	p.mu.Unlock()
	p.poke()
}

func (p *Presence) set(key string, o *ownRow) {
	p.mu.Lock()
	p.mine[key] = o
	p.mu.Unlock()
	p.poke()
}

func (p *Presence) poke() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Online says whether the copy is current: the change feed is connected.
// since is when that last changed.
func (p *Presence) Online() (online bool, since time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.online, p.since
}

// Sessions are the room's open sessions at other consoles, oldest first,
// as last seen.
func (p *Presence) Sessions() []Session {
	return copyOf(p, p.sessions, func(s Session) bool { return s.Console != p.room.cfg.Console },
		func(a, b Session) int { return byStart(a.Since, b.Since, a.ID, b.ID) })
}

// AnySession reports whether a session open at another console satisfies
// f, without copying or sorting: the policy asks it on every decision.
func (p *Presence) AnySession(f func(Session) bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.sessions {
		if s.Console != p.room.cfg.Console && f(s) {
			return true
		}
	}
	return false
}

// Views are the room's open views at other consoles, oldest first, as
// last seen.
func (p *Presence) Views() []View {
	return copyOf(p, p.views, func(v View) bool { return v.Console != p.room.cfg.Console },
		func(a, b View) int { return byStart(a.Since, b.Since, a.ID, b.ID) })
}

// copyOf is the rows of one of p's maps that keep selects, sorted by cmp,
// copied under p's lock.
func copyOf[K comparable, T any](p *Presence, m map[K]T, keep func(T) bool, cmp func(a, b T) int) []T {
	p.mu.Lock()
	out := make([]T, 0, len(m))
	for _, v := range m {
		if keep(v) {
			out = append(out, v)
		}
	}
	p.mu.Unlock()
	slices.SortFunc(out, cmp)
	return out
}

// byStart orders rows oldest first, then by id.
func byStart[I cmp.Ordered](a, b time.Time, ia, ib I) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return cmp.Compare(ia, ib)
}

// Close stops the presence and closes this console's rows while the
// server answers (bounded by ctx); rows it cannot close now are closed by
// the console's next start.
func (p *Presence) Close(ctx context.Context) error {
	p.stop()
	<-p.done
	p.mu.Lock()
	for _, o := range p.mine {
		o.closed = true
	}
	p.mu.Unlock()
	return p.reconcile(ctx, false)
}

func (p *Presence) run(ctx context.Context) {
	defer close(p.done)
	first := true
	for ctx.Err() == nil {
		err := p.connected(ctx, first)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			first = false
		}
		p.setOnline(false)
		p.cfg.Log.Warn("roomdb: presence offline; retrying", "room", p.room.cfg.Room, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(p.cfg.Retry):
		}
	}
}

// connected serves one connection of the change feed: listen first (so no
// change is missed between the read and the feed), write this console's
// state, read the room's, then apply changes as they come.
func (p *Presence) connected(ctx context.Context, first bool) error {
	l, err := p.room.Listen(ctx)
	if err != nil {
		return err
	}
	defer l.Close(context.WithoutCancel(ctx))
	if err := p.reconcile(ctx, first); err != nil {
		return err
	}
	if err := p.reload(ctx); err != nil {
		return err
	}
	if err := p.reloadGrants(ctx); err != nil {
		return err
	}
	p.setOnline(true)
	events := make(chan Event)
	failed := make(chan error, 1)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for {
			ev, err := l.Next(lctx)
			if err != nil {
				failed <- err
				return
			}
			select {
			case events <- ev:
			case <-lctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-failed:
			return err
		case ev := <-events:
			switch ev.Kind {
			case HitDecided:
				p.cfg.OnHit(ev.Hit)
				continue
			case PatrolClaimed, PatrolFreed:
				p.cfg.OnPatrol(ev)
				continue
			case AccountChanged:
				p.cfg.OnAccount(ev.Account)
				continue
			}
			p.apply(ev)
			p.cfg.OnChange()
		case <-p.kick:
			if err := p.reconcile(ctx, false); err != nil {
				return err
			}
		}
	}
}

// reload replaces the copy with the room's open rows.
func (p *Presence) reload(ctx context.Context) error {
	ss, err := p.room.Sessions(ctx)
	if err != nil {
		return err
	}
	vs, err := p.room.Views(ctx)
	if err != nil {
		return err
	}
	p.mu.Lock()
	clear(p.sessions)
	clear(p.views)
	for _, s := range ss {
		p.sessions[s.ID] = s
	}
	for _, v := range vs {
		p.views[v.ID] = v
	}
	p.mu.Unlock()
	return nil
}

func (p *Presence) apply(ev Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev.Kind {
	case SessionOpened:
		p.sessions[ev.Session.ID] = ev.Session
	case SessionClosed:
		delete(p.sessions, ev.Session.ID)
	case ViewOpened:
		p.views[ev.View.ID] = ev.View
	case ViewClosed:
		delete(p.views, ev.View.ID)
	case GrantChanged:
		p.grants[ev.Grant.ID] = ev.Grant
		p.grantGen++
	}
}

// reconcile writes what this console stated since the last call: new rows
// are inserted, ended ones closed. With stale, the rows of this console
// that this run did not write (an earlier run's) are closed first.
func (p *Presence) reconcile(ctx context.Context, stale bool) error {
	if stale {
		if err := p.closeStale(ctx); err != nil {
			return err
		}
	}
	// Sessions before views: a view row names its session's row.
	for _, sessionsFirst := range []bool{true, false} {
		for _, key := range p.pending(sessionsFirst) {
			if err := p.write(ctx, key); err != nil {
				return err
			}
		}
	}
	return p.writeOutbox(ctx)
}

// pending lists the keys whose rows need writing, sessions or views.
func (p *Presence) pending(sessions bool) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keys []string
	for k, o := range p.mine {
		if (o.session != nil) == sessions && (o.id == 0) != o.closed {
			keys = append(keys, k)
		}
	}
	for k, o := range p.mine {
		if o.closed && o.id == 0 {
			delete(p.mine, k) // ended before it was ever written
		}
	}
	return keys
}

func (p *Presence) write(ctx context.Context, key string) error {
	p.mu.Lock()
	o, ok := p.mine[key]
	var sessionID int64
	if ok && o.view != nil {
		if s, ok := p.mine[o.key]; ok {
			sessionID = s.id
		}
	}
	p.mu.Unlock()
	if !ok {
		return nil
	}
	switch {
	case o.closed:
		var err error
		if o.session != nil {
			err = p.room.CloseSession(ctx, o.id)
		} else {
			err = p.room.CloseView(ctx, o.id)
		}
		if err != nil && !errors.Is(err, ErrNotOpen) {
			return err
		}
		p.mu.Lock()
		delete(p.mine, key)
		p.mu.Unlock()
	case o.session != nil:
		s, err := p.room.OpenSession(ctx, o.session.User, o.session.Role)
		if err != nil {
			return err
		}
		p.mu.Lock()
		o.id = s.ID
		p.mu.Unlock()
	default:
		v := *o.view
		v.SessionID = sessionID
		v, err := p.room.OpenView(ctx, v)
		if err != nil {
			return err
		}
		p.mu.Lock()
		o.id = v.ID
		p.mu.Unlock()
	}
	return nil
}

// closeStale closes the open rows of this console name that this run did
// not write: an earlier run's, ended without a goodbye.
func (p *Presence) closeStale(ctx context.Context) error {
	ours := map[int64]bool{}
	p.mu.Lock()
	for _, o := range p.mine {
		if o.id != 0 {
			ours[o.id] = true
		}
	}
	p.mu.Unlock()
	n, err := p.room.closeConsoleRows(ctx, ours)
	if err != nil {
		return err
	}
	if n > 0 {
		p.cfg.Log.Warn("roomdb: closed sessions and views an earlier run of this console left open", "console", p.room.cfg.Console, "rows", n)
	}
	return nil
}

func (p *Presence) setOnline(on bool) {
	p.mu.Lock()
	changed := p.online != on
	if changed {
		p.online, p.since = on, p.cfg.Now()
	}
	p.mu.Unlock()
	if changed {
		p.cfg.OnChange()
	}
}
