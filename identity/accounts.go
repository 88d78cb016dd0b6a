package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// Administrator actions on accounts (issue 16 item 3). The Users methods
// change the store only; their callers audit first: Sessions (an
// administrator's session at a console) and ShellAdmin (the CLI).
// Whichever path, a session of a disabled, deleted or re-roled account
// loses its rights: at once through Sessions, within the recheck interval
// otherwise (Sessions.IsActive compares the account with the store).

// Disable refuses the account's logins from now on; its password stays.
func (u *Users) Disable(ctx context.Context, name string) error {
	return u.change(ctx, name, "disable", func(usr *User) error { usr.Disabled = true; return nil })
}

// Enable lets a disabled account log in again.
func (u *Users) Enable(ctx context.Context, name string) error {
	return u.change(ctx, name, "enable", func(usr *User) error { usr.Disabled = false; return nil })
}

// SetRole gives the account another role; municipality is kept for a
// municipal operator only (and required for one).
func (u *Users) SetRole(ctx context.Context, name string, role policy.Role, municipality string) error {
	return u.change(ctx, name, "set role", func(usr *User) error {
		usr.Role, usr.Municipality = role, ""
		if role == policy.RoleMunicipal {
			usr.Municipality = municipality
		}
		return usr.validate()
	})
}

// Delete removes the account and its login failures. The audit trail keeps
// its name: entries are never rewritten.
func (u *Users) Delete(ctx context.Context, name string) error {
	return u.change(ctx, name, "delete", nil)
}

// change reads, edits (nil: deletes) and writes one account in a
// transaction, refusing to leave the zone without an enabled administrator
// (ErrLastAdmin): the console could not be administered any more but from
// the shell of its machine.
func (u *Users) change(ctx context.Context, name, what string, edit func(*User) error) error {
	name = normName(name)
	tx, err := u.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("user %s: %s: %w", name, what, err)
	}
	defer tx.Rollback()
	var usr User
	var role string
	err = tx.QueryRowContext(ctx, `SELECT name, full_name, role, municipality, disabled FROM users WHERE name=?`, name).
		Scan(&usr.Name, &usr.FullName, &role, &usr.Municipality, &usr.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %s: %w", name, ErrUserNotFound)
	}
	if err != nil {
		return fmt.Errorf("user %s: %s: %w", name, what, err)
	}
	usr.Role = policy.Role(role)
	old := usr
	if edit != nil {
		if err := edit(&usr); err != nil {
			return err
		}
	}
	wasAdmin := old.Role == policy.RoleAdmin && !old.Disabled
	staysAdmin := edit != nil && usr.Role == policy.RoleAdmin && !usr.Disabled
	if wasAdmin && !staysAdmin {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role=? AND disabled=0 AND name<>?`,
			string(policy.RoleAdmin), name).Scan(&others); err != nil {
			return fmt.Errorf("user %s: %s: %w", name, what, err)
		}
		if others == 0 {
			return fmt.Errorf("user %s: %w", name, ErrLastAdmin)
		}
	}
	if edit == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM users WHERE name=?`, name)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM login_backoff WHERE name=?`, name)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO deleted_users(name, changed) VALUES(?,?) ON CONFLICT(name) DO UPDATE SET changed=excluded.changed`,
				name, time.Now().UTC().UnixNano())
		}
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE users SET role=?, municipality=?, disabled=?, changed=? WHERE name=?`,
			string(usr.Role), usr.Municipality, usr.Disabled, time.Now().UTC().UnixNano(), name)
	}
	if err != nil {
		return fmt.Errorf("user %s: %s: %w", name, what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("user %s: %s: %w", name, what, err)
	}
	u.log.Info("user changed", "user", name, "change", what, "role", usr.Role, "disabled", usr.Disabled)
	u.changed(name)
	return nil
}

// precheck is what an account change would refuse, asked before its audit
// entry is written so the trail does not record changes that were not made.
func (u *Users) precheck(ctx context.Context, name string, removesAdmin func(User) bool) error {
	usr, err := u.Get(ctx, name)
	if err != nil {
		return err
	}
	if usr.Role != policy.RoleAdmin || usr.Disabled || !removesAdmin(usr) {
		return nil
	}
	list, err := u.List(ctx)
	if err != nil {
		return err
	}
	for _, o := range list {
		if o.Name != usr.Name && o.Role == policy.RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return fmt.Errorf("user %s: %w", usr.Name, ErrLastAdmin)
}
