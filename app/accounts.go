package app

import (
	"context"

	"github.com/politiezone/zoneconsole/trail"
)

// Accounts (identity): an administrator's changes, each checked and
// audited by identity.Sessions before it is made; a disabled, deleted or
// re-roled user's sessions end at once.

// ListUsers lists the accounts for an administrator (checked and audited:
// names and roles are personal data).
func (c *Console) ListUsers(ctx context.Context, s *Session) ([]User, error) {
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "users"}, s.Shift, trail.Settings{Change: "user.list"}); err != nil {
		return nil, err
	}
	return c.users.List(ctx)
}

// AddUser creates an account (the password policy applies).
func (c *Console) AddUser(ctx context.Context, s *Session, u User, password string) error {
	return c.sessions.AddUser(ctx, s, u, password, Reason{})
}

// SetUserPassword replaces a user's password.
func (c *Console) SetUserPassword(ctx context.Context, s *Session, name, password string) error {
	return c.sessions.SetUserPassword(ctx, s, name, password, Reason{})
}

// DisableUser, EnableUser, SetUserRole and DeleteUser change an account.
func (c *Console) DisableUser(ctx context.Context, s *Session, name string) error {
	return c.sessions.DisableUser(ctx, s, name, Reason{})
}

func (c *Console) EnableUser(ctx context.Context, s *Session, name string) error {
	return c.sessions.EnableUser(ctx, s, name, Reason{})
}

func (c *Console) SetUserRole(ctx context.Context, s *Session, name string, role Role, municipality string) error {
	return c.sessions.SetUserRole(ctx, s, name, role, municipality, Reason{})
}

func (c *Console) DeleteUser(ctx context.Context, s *Session, name string) error {
	return c.sessions.DeleteUser(ctx, s, name, Reason{})
}

// Touch tells the console the session's user is at the screen (the idle
// lock counts from the last touch); false when the session is locked.
func (c *Console) Touch(s *Session) bool { return c.sessions.Touch(s) }

// Locked reports whether the session is locked by the idle lock.
func (c *Console) Locked(s *Session) bool { return c.sessions.Locked(s) }

// Unlock reopens an idle-locked session with the user's password (audited).
func (c *Console) Unlock(ctx context.Context, s *Session, password string) error {
	return c.sessions.Unlock(ctx, s, password)
}
