package roomdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is one change feed of the room, a PostgreSQL notification
// channel that triggers send to at commit.
type Channel string

// The room's channels.
const (
	ChannelSessions Channel = "room_sessions" // a session opened or closed
	ChannelViews    Channel = "room_views"    // a view opened or closed
	ChannelHits     Channel = "room_hits"     // a hit decided
	ChannelPatrols  Channel = "room_patrols"  // a unit claimed or freed
	ChannelGrants   Channel = "room_grants"   // a grant given or revoked
	ChannelAccounts Channel = "room_accounts" // an account changed
)

// EventKind says what changed.
type EventKind string

// The kinds of event.
const (
	SessionOpened  EventKind = "session.opened"
	SessionClosed  EventKind = "session.closed"
	ViewOpened     EventKind = "view.opened"
	ViewClosed     EventKind = "view.closed"
	HitDecided     EventKind = "hit.decided"
	PatrolClaimed  EventKind = "patrol.claimed"
	PatrolFreed    EventKind = "patrol.freed"
	GrantChanged   EventKind = "grant.changed"
	AccountChanged EventKind = "account.changed"
)

// Event is one change in the room, as committed by any console. Session is
// set for the session kinds, View for the view kinds, Hit for HitDecided.
type Event struct {
	Kind    EventKind
	Session Session
	View    View
	Hit     Hit
	Claim   PatrolClaim
	Grant   Grant
	Account Account
}

// Listener receives the room's changes on one connection of its own
// (LISTEN is a property of a session, so it cannot share the pool's).
// Notifications sent while no listener was connected are lost: after an
// error, open a new Listener and read the state again (Sessions, Views)
// before applying its events.
type Listener struct {
	conn *pgx.Conn
	room string
}

// Listen opens a Listener for the room's events on channels (all of them
// when none is given). Only this room's events are delivered.
func (r *Room) Listen(ctx context.Context, channels ...Channel) (*Listener, error) {
	if len(channels) == 0 {
		channels = []Channel{ChannelSessions, ChannelViews, ChannelHits, ChannelPatrols, ChannelGrants, ChannelAccounts}
	}
	for _, c := range channels {
		switch c {
		case ChannelSessions, ChannelViews, ChannelHits, ChannelPatrols, ChannelGrants, ChannelAccounts:
		default:
			return nil, fmt.Errorf("roomdb: listen: unknown channel %q", c)
		}
	}
	conn, err := pgx.ConnectConfig(ctx, r.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("roomdb: listen: connecting: %w", classify(err))
	}
	for _, c := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{string(c)}.Sanitize()); err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("roomdb: listen %s: %w", c, classify(err))
		}
	}
	return &Listener{conn: conn, room: r.cfg.Room}, nil
}

// Next blocks until the next event of the room, ctx's end or the loss of
// the connection (errors.Is(err, ErrUnavailable)).
func (l *Listener) Next(ctx context.Context) (Event, error) {
	for {
		n, err := l.conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return Event{}, fmt.Errorf("roomdb: listen: %w", ctx.Err())
			}
			return Event{}, fmt.Errorf("roomdb: listen: %w", classify(err))
		}
		ev, room, err := decodeEvent(Channel(n.Channel), n.Payload)
		if err != nil {
			return Event{}, fmt.Errorf("roomdb: listen: %w", err)
		}
		if room == l.room {
			return ev, nil
		}
	}
}

// Close closes the listener's connection. It is idempotent.
func (l *Listener) Close(ctx context.Context) error {
	if l.conn.IsClosed() {
		return nil
	}
	if err := l.conn.Close(ctx); err != nil {
		return fmt.Errorf("roomdb: listen: close: %w", err)
	}
	return nil
}

// wireRow is a presence row as room.notify_row sends it (row_to_json).
type wireRow struct {
	ID        int64      `json:"id"`
	Room      string     `json:"room"`
	Console   string     `json:"console"`
	User      string     `json:"user_name"`
	Role      string     `json:"role"`
	Camera    string     `json:"camera"`
	Reason    string     `json:"reason"`
	SessionID *int64     `json:"session_id"`
	Since     time.Time  `json:"started_at"`
	Ended     *time.Time `json:"ended_at"`
}

func decodeEvent(c Channel, payload string) (Event, string, error) {
	if c == ChannelAccounts {
		var a Account
		if err := json.Unmarshal([]byte(payload), &a); err != nil {
			return Event{}, "", fmt.Errorf("notification on %s: %w", c, err)
		}
		return Event{Kind: AccountChanged, Account: a}, a.Room, nil
	}
	if c == ChannelGrants {
		var w grantRow
		if err := json.Unmarshal([]byte(payload), &w); err != nil {
			return Event{}, "", fmt.Errorf("notification on %s: %w", c, err)
		}
		return Event{Kind: GrantChanged, Grant: w.grant()}, w.Room, nil
	}
	if c == ChannelPatrols {
		var w claimRow
		if err := json.Unmarshal([]byte(payload), &w); err != nil {
			return Event{}, "", fmt.Errorf("notification on %s: %w", c, err)
		}
		ev := Event{Kind: PatrolClaimed, Claim: w.claim()}
		if w.Released != nil {
			ev.Kind = PatrolFreed
		}
		return ev, w.Room, nil
	}
	if c == ChannelHits {
		var h hitRow
		if err := json.Unmarshal([]byte(payload), &h); err != nil {
			return Event{}, "", fmt.Errorf("notification on %s: %w", c, err)
		}
		return Event{Kind: HitDecided, Hit: h.hit()}, h.Room, nil
	}
	var w wireRow
	if err := json.Unmarshal([]byte(payload), &w); err != nil {
		return Event{}, "", fmt.Errorf("notification on %s: %w", c, err)
	}
	var ended time.Time
	if w.Ended != nil {
		ended = w.Ended.UTC()
	}
	switch c {
	case ChannelSessions:
		ev := Event{Kind: SessionOpened, Session: Session{ID: w.ID, Room: w.Room, Console: w.Console, User: w.User,
			Role: w.Role, Since: w.Since.UTC(), Ended: ended}}
		if w.Ended != nil {
			ev.Kind = SessionClosed
		}
		return ev, w.Room, nil
	case ChannelViews:
		ev := Event{Kind: ViewOpened, View: View{ID: w.ID, Room: w.Room, Console: w.Console, User: w.User,
			Camera: w.Camera, Reason: w.Reason, Since: w.Since.UTC(), Ended: ended}}
		if w.SessionID != nil {
			ev.View.SessionID = *w.SessionID
		}
		if w.Ended != nil {
			ev.Kind = ViewClosed
		}
		return ev, w.Room, nil
	}
	return Event{}, "", fmt.Errorf("notification on unknown channel %q", c)
}
