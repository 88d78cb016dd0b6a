package roomdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotOpen is returned when closing a session or view that is not open.
var ErrNotOpen = errors.New("not open")

// Config names a console's place in a room.
type Config struct {
	DSN     string // postgres://zoneconsole_console@host/db (password from the credential store)
	Room    string // the dispatch room's name
	Console string // this console's name in the room
	Audit   AuditConfig
	// AllowOffline opens the room although its server does not answer
	// now: a console that starts during an outage spools its audit and
	// writes its presence when the server is back (the schema is then
	// checked by the first write, which fails on a wrong one).
	AllowOffline bool
}

// Room is one console's handle on the room's database: the audit chain,
// who is logged in where, who watches which camera, and the change feed.
// Times of sessions and views are the server's clock, so every console of
// the room reads one clock for "since when".
type Room struct {
	cfg   Config
	pool  *pgxpool.Pool
	audit *AuditAppender
}

// Open connects to the room's database (checking that it answers and is
// migrated) and starts the audit writer.
func Open(ctx context.Context, cfg Config) (*Room, error) {
	if cfg.Room == "" || cfg.Console == "" {
		return nil, errors.New("roomdb: open: room and console names are required")
	}
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("roomdb: open: %w", err) // pgconn's message leaves the password out
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("roomdb: open: %w", classify(err))
	}
	var v int
	if err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM room.schema_version").Scan(&v); err != nil {
		if err = classify(err); cfg.AllowOffline && errors.Is(err, ErrUnavailable) {
			return &Room{cfg: cfg, pool: pool, audit: NewAuditAppender(pool, cfg.Audit)}, nil
		}
		pool.Close()
		return nil, fmt.Errorf("roomdb: open room %s: reading the schema version (run `zoneconsole db migrate`): %w", cfg.Room, classify(err))
	}
	if v != SchemaVersion {
		pool.Close()
		return nil, fmt.Errorf("roomdb: open room %s: database at schema version %d, this console needs %d", cfg.Room, v, SchemaVersion)
	}
	return &Room{cfg: cfg, pool: pool, audit: NewAuditAppender(pool, cfg.Audit)}, nil
}

// Name is the room's name.
func (r *Room) Name() string { return r.cfg.Room }

// Audit is the room's audit chain.
func (r *Room) Audit() *AuditAppender { return r.audit }

// Close stops the audit writer and closes the connections.
func (r *Room) Close() {
	r.audit.Close()
	r.pool.Close()
}

// Session is one user logged in at one console of a room.
type Session struct {
	ID      int64     `json:"id"`
	Room    string    `json:"room"`
	Console string    `json:"console"`
	User    string    `json:"user_name"`
	Role    string    `json:"role"`
	Since   time.Time `json:"started_at"`
	Ended   time.Time `json:"-"` // zero while open
}

// View is one user watching one camera live, and why.
type View struct {
	ID        int64     `json:"id"`
	Room      string    `json:"room"`
	Console   string    `json:"console"`
	User      string    `json:"user_name"`
	Camera    string    `json:"camera"`
	Reason    string    `json:"reason"`
	SessionID int64     `json:"-"` // 0 when not tied to a session
	Since     time.Time `json:"started_at"`
	Ended     time.Time `json:"-"` // zero while open
}

// OpenSession records that user (role) logged in at this console, now.
func (r *Room) OpenSession(ctx context.Context, user, role string) (Session, error) {
	s := Session{Room: r.cfg.Room, Console: r.cfg.Console, User: user, Role: role}
	err := r.pool.QueryRow(ctx, `INSERT INTO room.sessions (room, console, user_name, role) VALUES ($1, $2, $3, $4)
RETURNING id, started_at`, s.Room, s.Console, s.User, s.Role).Scan(&s.ID, &s.Since)
	if err != nil {
		return Session{}, fmt.Errorf("roomdb: open session of %s at %s: %w", user, r.cfg.Console, classify(err))
	}
	s.Since = s.Since.UTC()
	return s, nil
}

// CloseSession ends the session id, now.
func (r *Room) CloseSession(ctx context.Context, id int64) error {
	return r.end(ctx, "sessions", "session", id)
}

// Sessions are the room's open sessions, oldest first.
func (r *Room) Sessions(ctx context.Context) ([]Session, error) {
	rows, err := r.pool.Query(ctx, `SELECT id, room, console, user_name, role, started_at FROM room.sessions
WHERE room = $1 AND ended_at IS NULL ORDER BY started_at, id`, r.cfg.Room)
	if err != nil {
		return nil, fmt.Errorf("roomdb: sessions of room %s: %w", r.cfg.Room, classify(err))
	}
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Session, error) {
		var s Session
		err := row.Scan(&s.ID, &s.Room, &s.Console, &s.User, &s.Role, &s.Since)
		s.Since = s.Since.UTC()
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("roomdb: sessions of room %s: %w", r.cfg.Room, classify(err))
	}
	return ss, nil
}

// OpenView records that v.User, at this console, watches v.Camera from
// now, for v.Reason; it returns v with its ID, room, console and Since.
func (r *Room) OpenView(ctx context.Context, v View) (View, error) {
	v.Room, v.Console, v.Ended = r.cfg.Room, r.cfg.Console, time.Time{}
	var sid *int64
	if v.SessionID != 0 {
		sid = &v.SessionID
	}
	err := r.pool.QueryRow(ctx, `INSERT INTO room.views (room, console, user_name, camera, reason, session_id)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, started_at`, v.Room, v.Console, v.User, v.Camera, v.Reason, sid).Scan(&v.ID, &v.Since)
	if err != nil {
		return View{}, fmt.Errorf("roomdb: open view of camera %s by %s: %w", v.Camera, v.User, classify(err))
	}
	v.Since = v.Since.UTC()
	return v, nil
}

// CloseView ends the view id, now.
func (r *Room) CloseView(ctx context.Context, id int64) error {
	return r.end(ctx, "views", "view", id)
}

// Views are the room's open views ("who watches what"), oldest first.
func (r *Room) Views(ctx context.Context) ([]View, error) {
	rows, err := r.pool.Query(ctx, `SELECT id, room, console, user_name, camera, reason, coalesce(session_id, 0), started_at
FROM room.views WHERE room = $1 AND ended_at IS NULL ORDER BY started_at, id`, r.cfg.Room)
	if err != nil {
		return nil, fmt.Errorf("roomdb: views of room %s: %w", r.cfg.Room, classify(err))
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (View, error) {
		var v View
		err := row.Scan(&v.ID, &v.Room, &v.Console, &v.User, &v.Camera, &v.Reason, &v.SessionID, &v.Since)
		v.Since = v.Since.UTC()
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("roomdb: views of room %s: %w", r.cfg.Room, classify(err))
	}
	return vs, nil
}

// end sets ended_at on an open row of table (sessions or views: fixed
// names, never input) in this room.
func (r *Room) end(ctx context.Context, table, what string, id int64) error {
	tag, err := r.pool.Exec(ctx, "UPDATE room."+table+" SET ended_at = now() WHERE id = $1 AND room = $2 AND ended_at IS NULL", id, r.cfg.Room)
	if err != nil {
		return fmt.Errorf("roomdb: close %s %d: %w", what, id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("roomdb: close %s %d in room %s: %w", what, id, r.cfg.Room, ErrNotOpen)
	}
	return nil
}

// closeConsoleRows ends the open sessions and views of this console name
// whose ids are not in keep, and says how many it ended.
func (r *Room) closeConsoleRows(ctx context.Context, keep map[int64]bool) (int64, error) {
	ids := make([]int64, 0, len(keep))
	for id := range keep {
		ids = append(ids, id)
	}
	var n int64
	for _, table := range []string{"views", "sessions"} {
		tag, err := r.pool.Exec(ctx, "UPDATE room."+table+` SET ended_at = now()
WHERE room = $1 AND console = $2 AND ended_at IS NULL AND NOT (id = ANY($3))`, r.cfg.Room, r.cfg.Console, ids)
		if err != nil {
			return n, fmt.Errorf("roomdb: closing the %s an earlier run of %s left open: %w", table, r.cfg.Console, classify(err))
		}
		n += tag.RowsAffected()
	}
	return n, nil
}
