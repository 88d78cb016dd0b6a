package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// grantsSchema keeps the grants in the account store, so that a console
// restarted in the middle of an event (a crash, an update) does not cut the
// town's operator off, nor forget a revocation.
const grantsSchema = `
CREATE TABLE IF NOT EXISTS grants (
	id      TEXT PRIMARY KEY,
	grant_json TEXT NOT NULL,
	until   INTEGER NOT NULL
);`

// putGrant stores g (again: its end is replaced, as a revocation does).
func (u *Users) putGrant(ctx context.Context, g policy.Grant) error {
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("grant %s: %w", g.ID, err)
	}
	if _, err := u.db.ExecContext(ctx, `INSERT INTO grants (id, grant_json, until) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET grant_json = excluded.grant_json, until = excluded.until`, g.ID, string(b), g.Until.UnixNano()); err != nil {
		return fmt.Errorf("grant %s: store: %w", g.ID, err)
	}
	return nil
}

// loadGrants are the stored grants that ended after since.
func (u *Users) loadGrants(ctx context.Context, since time.Time) ([]policy.Grant, error) {
	rows, err := u.db.QueryContext(ctx, `SELECT grant_json FROM grants WHERE until > ? ORDER BY until`, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	defer rows.Close()
	var out []policy.Grant
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("grants: %w", err)
		}
		var g policy.Grant
		if err := json.Unmarshal([]byte(s), &g); err != nil {
			return nil, fmt.Errorf("grants: a stored grant: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	if _, err := u.db.ExecContext(ctx, `DELETE FROM grants WHERE until <= ?`, since.UnixNano()); err != nil {
		return nil, fmt.Errorf("grants: pruning: %w", err)
	}
	return out, nil
}

// storeGrant keeps g across a restart; a failure is logged: the grant is
// in force (and audited) in this run all the same.
func (s *Sessions) storeGrant(g policy.Grant) {
	if err := s.users.putGrant(context.Background(), g); err != nil {
		s.users.log.Error("grant not kept for a restart", "grant", g.ID, "err", err)
	}
}
