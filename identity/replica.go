package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// Account is an account as the consoles of a dispatch room copy it to
// each other: the user, the password's hash (never the password), and when
// it last changed (the newest change wins). Deleted accounts travel as
// tombstones, so a console that was away does not bring one back.
type Account struct {
	User
	PasswordHash string
	Changed      time.Time
	Deleted      bool
}

// OnChange sets the function called with an account's name after each
// change made through this store (add, update, password, role, disable,
// enable, delete), so a room can copy it to the other consoles. Changes
// applied with ApplyAccount do not call it.
func (u *Users) OnChange(fn func(name string)) {
	u.mu.Lock()
	u.onChange = fn
	u.mu.Unlock()
}

func (u *Users) changed(name string) {
	u.mu.Lock()
	fn := u.onChange
	u.mu.Unlock()
	if fn != nil {
		fn(name)
	}
}

// Account reads one account as it is copied; a deleted one is a
// tombstone with the time of its deletion.
func (u *Users) Account(ctx context.Context, name string) (Account, error) {
	name = normName(name)
	var a Account
	var role string
	var changed int64
	err := u.db.QueryRowContext(ctx, `SELECT name, full_name, role, municipality, disabled, pw_hash, changed FROM users WHERE name=?`, name).
		Scan(&a.Name, &a.FullName, &role, &a.Municipality, &a.Disabled, &a.PasswordHash, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		var at int64
		if err := u.db.QueryRowContext(ctx, `SELECT changed FROM deleted_users WHERE name=?`, name).Scan(&at); err == nil {
			return Account{User: User{Name: name}, Changed: time.Unix(0, at).UTC(), Deleted: true}, nil
		}
		return Account{}, fmt.Errorf("user %s: %w", name, ErrUserNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("user %s: %w", name, err)
	}
	a.Role, a.Changed = policy.Role(role), time.Unix(0, changed).UTC()
	return a, nil
}

// Accounts are every account and tombstone of this store.
func (u *Users) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := u.db.QueryContext(ctx, `SELECT name FROM users UNION SELECT name FROM deleted_users`)
	if err != nil {
		return nil, fmt.Errorf("users: accounts: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("users: accounts: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := make([]Account, 0, len(names))
	for _, n := range names {
		a, err := u.Account(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ApplyAccount takes an account changed at another console when it is
// newer than this store's copy, and says whether it did. The sessions see
// it at their next comparison with the store (DefaultUserRecheck): a
// disabled or demoted account loses its rights here too.
func (u *Users) ApplyAccount(ctx context.Context, a Account) (bool, error) {
	a.Name = normName(a.Name)
	if !a.Deleted {
		if err := a.validate(); err != nil {
			return false, err
		}
		if a.PasswordHash == "" {
			return false, fmt.Errorf("user %s: a copied account without a password hash", a.Name)
		}
	}
	at := a.Changed.UnixNano()
	tx, err := u.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("user %s: apply: %w", a.Name, err)
	}
	defer tx.Rollback()
	// This store's newest change of the name, an account's or a deletion's.
	var mine sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(c) FROM (SELECT changed AS c FROM users WHERE name=?
		UNION ALL SELECT changed FROM deleted_users WHERE name=?)`, a.Name, a.Name).Scan(&mine); err != nil {
		return false, fmt.Errorf("user %s: apply: %w", a.Name, err)
	}
	if mine.Valid && at <= mine.Int64 {
		return false, nil
	}
	if a.Deleted {
		_, err = tx.ExecContext(ctx, `DELETE FROM users WHERE name=?`, a.Name)
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO deleted_users(name, changed) VALUES(?,?) ON CONFLICT(name) DO UPDATE SET changed=excluded.changed`, a.Name, at)
		}
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO users(name, full_name, role, municipality, disabled, pw_hash, changed) VALUES(?,?,?,?,?,?,?)
ON CONFLICT(name) DO UPDATE SET full_name=excluded.full_name, role=excluded.role, municipality=excluded.municipality,
	disabled=excluded.disabled, pw_hash=excluded.pw_hash, changed=excluded.changed`,
			a.Name, a.FullName, string(a.Role), a.Municipality, a.Disabled, a.PasswordHash, at)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM deleted_users WHERE name=?`, a.Name)
		}
	}
	if err != nil {
		return false, fmt.Errorf("user %s: apply: %w", a.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("user %s: apply: %w", a.Name, err)
	}
	u.log.Info("account copied from the room", "user", a.Name, "deleted", a.Deleted, "role", a.Role, "disabled", a.Disabled)
	return true, nil
}
