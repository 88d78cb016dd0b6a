package identity

import (
	"context"
	"fmt"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// The Change names of account entries (trail.Settings.Change).
const (
	ChangeUserAdd      = "user.add"
	ChangeUserPassword = "user.password"
	ChangeUserDisable  = "user.disable"
	ChangeUserEnable   = "user.enable"
	ChangeUserRole     = "user.role"
	ChangeUserDelete   = "user.delete"
)

// accountChange is one administrator action: the audit detail, what the
// store would refuse (checked before the entry is written, so the trail
// does not hold changes that were not made), and the change itself.
type accountChange struct {
	detail trail.Settings
	pre    func(ctx context.Context) error
	apply  func(ctx context.Context) error
	// ends: the account's sessions and grants end once it is made.
	ends bool
}

// administer is the console path of an account change, made by the
// administrator's session by: the policy decides (ActSettings; a zero why
// stands for the session's shift justification), the attempt is audited
// (a refused one too), and only then is the change made. A change that
// cannot be audited is not made; a refusal is a *policy.DeniedError.
func (s *Sessions) administer(ctx context.Context, by *Session, why policy.Reason, c accountChange) error {
	if !s.IsActive(by) {
		return ErrNoSession
	}
	if why.Kind == "" {
		why = by.Shift
	}
	subject := "user:" + c.detail.User
	dec := s.policy.Decide(s.Subject(by), policy.ActSettings, policy.Resource{Target: subject}, why, s.now())
	if dec.Allow {
		if err := c.pre(ctx); err != nil {
			return err
		}
	}
	e := s.entry(by, subject, why, Outcome(dec), dec.Code, c.detail)
	if _, err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("%s of %s not audited, refused (%s): %w", c.detail.Change, c.detail.User, policy.CodeAuditUnavailable, err)
	}
	if !dec.Allow {
		return &policy.DeniedError{Decision: dec}
	}
	if err := c.apply(ctx); err != nil {
		return err
	}
	if c.ends {
		s.endSessionsOf(ctx, c.detail.User)
	}
	return nil
}

// AddUser creates an account from the console (password policy applies).
func (s *Sessions) AddUser(ctx context.Context, by *Session, usr User, password string, why policy.Reason) error {
	usr.Name = normName(usr.Name)
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserAdd, User: usr.Name, Role: string(usr.Role), Municipality: usr.Municipality},
		pre: func(ctx context.Context) error {
			if err := usr.validate(); err != nil {
				return err
			}
			if err := CheckPassword(usr.Name, password); err != nil {
				return fmt.Errorf("user %s: %w", usr.Name, err)
			}
			if _, err := s.users.Get(ctx, usr.Name); err == nil {
				return fmt.Errorf("user %s: %w", usr.Name, ErrUserExists)
			}
			return nil
		},
		apply: func(ctx context.Context) error { return s.users.Add(ctx, usr, password) },
	})
}

// SetUserPassword replaces an account's password from the console.
func (s *Sessions) SetUserPassword(ctx context.Context, by *Session, name, password string, why policy.Reason) error {
	name = normName(name)
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserPassword, User: name},
		pre: func(ctx context.Context) error {
			if err := CheckPassword(name, password); err != nil {
				return fmt.Errorf("user %s: %w", name, err)
			}
			_, err := s.users.Get(ctx, name)
			return err
		},
		apply: func(ctx context.Context) error { return s.users.SetPassword(ctx, name, password) },
	})
}

// DisableUser disables an account; its sessions end now.
func (s *Sessions) DisableUser(ctx context.Context, by *Session, name string, why policy.Reason) error {
	name = normName(name)
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserDisable, User: name},
		pre:    func(ctx context.Context) error { return s.users.precheck(ctx, name, func(User) bool { return true }) },
		apply:  func(ctx context.Context) error { return s.users.Disable(ctx, name) },
		ends:   true,
	})
}

// EnableUser enables a disabled account again.
func (s *Sessions) EnableUser(ctx context.Context, by *Session, name string, why policy.Reason) error {
	name = normName(name)
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserEnable, User: name},
		pre:    func(ctx context.Context) error { _, err := s.users.Get(ctx, name); return err },
		apply:  func(ctx context.Context) error { return s.users.Enable(ctx, name) },
	})
}

// SetUserRole gives an account another role (and, for a municipal
// operator, its municipality); its sessions end now, so the user logs in
// again under the new role.
func (s *Sessions) SetUserRole(ctx context.Context, by *Session, name string, role policy.Role, municipality string, why policy.Reason) error {
	name = normName(name)
	if role != policy.RoleMunicipal {
		municipality = ""
	}
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserRole, User: name, Role: string(role), Municipality: municipality},
		pre: func(ctx context.Context) error {
			if err := (User{Name: name, Role: role, Municipality: municipality}).validate(); err != nil {
				return err
			}
			return s.users.precheck(ctx, name, func(User) bool { return role != policy.RoleAdmin })
		},
		apply: func(ctx context.Context) error { return s.users.SetRole(ctx, name, role, municipality) },
		ends:  true,
	})
}

// DeleteUser deletes an account; its sessions end now.
func (s *Sessions) DeleteUser(ctx context.Context, by *Session, name string, why policy.Reason) error {
	name = normName(name)
	return s.administer(ctx, by, why, accountChange{
		detail: trail.Settings{Change: ChangeUserDelete, User: name},
		pre:    func(ctx context.Context) error { return s.users.precheck(ctx, name, func(User) bool { return true }) },
		apply:  func(ctx context.Context) error { return s.users.Delete(ctx, name) },
		ends:   true,
	})
}
