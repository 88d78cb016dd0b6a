package roomdb

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Account is an account as the room copies it between consoles (its JSON
// names are the table's columns, as the change feed sends a row).
type Account struct {
	Room         string `json:"room"`
	Name         string `json:"name"`
	FullName     string `json:"full_name"`
	Role         string `json:"role"`
	Municipality string `json:"municipality"`
	Disabled     bool   `json:"disabled"`
	PasswordHash string `json:"pw_hash"`
	ChangedNS    int64  `json:"changed_ns"`
	Deleted      bool   `json:"deleted"`
	Console      string `json:"console"` // where it last changed
}

// PutAccount writes an account changed at this console, unless the room
// holds a newer change of it.
func (r *Room) PutAccount(ctx context.Context, a Account) error {
	if _, err := r.pool.Exec(ctx, `INSERT INTO room.accounts (room, name, full_name, role, municipality, disabled, pw_hash, changed_ns, deleted, console)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (room, name) DO UPDATE SET full_name = excluded.full_name, role = excluded.role, municipality = excluded.municipality,
	disabled = excluded.disabled, pw_hash = excluded.pw_hash, changed_ns = excluded.changed_ns, deleted = excluded.deleted,
	console = excluded.console
WHERE room.accounts.changed_ns < excluded.changed_ns`,
		r.cfg.Room, a.Name, a.FullName, a.Role, a.Municipality, a.Disabled, a.PasswordHash, a.ChangedNS, a.Deleted, r.cfg.Console); err != nil {
		return fmt.Errorf("roomdb: account %s: %w", a.Name, classify(err))
	}
	return nil
}

// Accounts are the room's accounts and tombstones.
func (r *Room) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := r.pool.Query(ctx, `SELECT room, name, full_name, role, municipality, disabled, pw_hash, changed_ns, deleted, console
FROM room.accounts WHERE room = $1 ORDER BY name`, r.cfg.Room)
	if err != nil {
		return nil, fmt.Errorf("roomdb: accounts of room %s: %w", r.cfg.Room, classify(err))
	}
	as, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Account])
	if err != nil {
		return nil, fmt.Errorf("roomdb: accounts of room %s: %w", r.cfg.Room, classify(err))
	}
	return as, nil
}
