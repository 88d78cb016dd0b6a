package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

// ShellAdmin changes users from the command line of the console's machine,
// for the first administrator of a real zone and for recovery. Whoever can
// run it can read the data directory anyway; every change is still audited,
// under the operating-system account that made it.
type ShellAdmin struct {
	users *Users
	log   *audit.Log
	who   string
}

// OpenShellAdmin opens the user and audit stores of dataDir; osUser names the
// operating-system account in the audit trail.
func OpenShellAdmin(dataDir, osUser string, log *slog.Logger) (*ShellAdmin, error) {
	users, err := OpenUsers(filepath.Join(dataDir, "users.db"), log)
	if err != nil {
		return nil, err
	}
	al, err := audit.Open(filepath.Join(dataDir, "audit.db"), audit.Options{
		KeyPath: filepath.Join(dataDir, "keys", "audit.ed25519"), Logger: log})
	if err != nil {
		users.Close()
		return nil, err
	}
	return &ShellAdmin{users: users, log: al, who: "shell:" + osUser}, nil
}

// Close closes both stores.
func (a *ShellAdmin) Close() error {
	err1 := a.users.Close()
	err2 := a.log.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// record writes the change to the audit trail before it is made: a change
// that cannot be audited is not made.
func (a *ShellAdmin) record(ctx context.Context, subject string, d trail.Settings) error {
	_, err := a.log.Append(ctx, audit.Entry{User: a.who, Role: string(policy.RoleAdmin), Console: "shell",
		Action: d.Action(), Subject: subject, Outcome: audit.OutcomeAllowed, Detail: trail.MustEncode(d, trail.Facts{})})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AddUser creates a user; the password policy applies (a PasswordError
// says why a password is refused, before anything is audited).
func (a *ShellAdmin) AddUser(ctx context.Context, u User, password string) error {
	u.Name = normName(u.Name)
	if err := u.validate(); err != nil {
		return err
	}
	if err := CheckPassword(u.Name, password); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	if err := a.record(ctx, "user:"+u.Name, trail.Settings{Change: ChangeUserAdd, User: u.Name, Role: string(u.Role), Municipality: u.Municipality}); err != nil {
		return err
	}
	return a.users.Add(ctx, u, password)
}

// SetPassword replaces a user's password (and lifts its login back-off).
func (a *ShellAdmin) SetPassword(ctx context.Context, name, password string) error {
	name = normName(name)
	if err := CheckPassword(name, password); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	if _, err := a.users.Get(ctx, name); err != nil {
		return err
	}
	if err := a.record(ctx, "user:"+name, trail.Settings{Change: ChangeUserPassword, User: name}); err != nil {
		return err
	}
	return a.users.SetPassword(ctx, name, password)
}

// DisableUser disables a user. A console running on the same data ends the
// user's sessions within its recheck interval (DefaultUserRecheck).
func (a *ShellAdmin) DisableUser(ctx context.Context, name string) error {
	name = normName(name)
	return a.change(ctx, trail.Settings{Change: ChangeUserDisable, User: name},
		func(User) bool { return true }, func() error { return a.users.Disable(ctx, name) })
}

// EnableUser enables a disabled user.
func (a *ShellAdmin) EnableUser(ctx context.Context, name string) error {
	name = normName(name)
	return a.change(ctx, trail.Settings{Change: ChangeUserEnable, User: name},
		func(User) bool { return false }, func() error { return a.users.Enable(ctx, name) })
}

// SetRole gives a user another role (municipality: for a municipal
// operator); running sessions end as for DisableUser.
func (a *ShellAdmin) SetRole(ctx context.Context, name string, role policy.Role, municipality string) error {
	name = normName(name)
	if role != policy.RoleMunicipal {
		municipality = ""
	}
	if err := (User{Name: name, Role: role, Municipality: municipality}).validate(); err != nil {
		return err
	}
	return a.change(ctx, trail.Settings{Change: ChangeUserRole, User: name, Role: string(role), Municipality: municipality},
		func(User) bool { return role != policy.RoleAdmin }, func() error { return a.users.SetRole(ctx, name, role, municipality) })
}

// DeleteUser deletes a user; running sessions end as for DisableUser.
func (a *ShellAdmin) DeleteUser(ctx context.Context, name string) error {
	name = normName(name)
	return a.change(ctx, trail.Settings{Change: ChangeUserDelete, User: name},
		func(User) bool { return true }, func() error { return a.users.Delete(ctx, name) })
}

// change checks what the store would refuse, audits, then makes the change.
func (a *ShellAdmin) change(ctx context.Context, d trail.Settings, removesAdmin func(User) bool, apply func() error) error {
	if err := a.users.precheck(ctx, d.User, removesAdmin); err != nil {
		return err
	}
	if err := a.record(ctx, "user:"+d.User, d); err != nil {
		return err
	}
	return apply()
}

// Users lists the users.
func (a *ShellAdmin) Users(ctx context.Context) ([]User, error) { return a.users.List(ctx) }

// SetCameraCredential stores a camera's login in the encrypted credential
// store of dataDir (audited first, without the password).
func (a *ShellAdmin) SetCameraCredential(ctx context.Context, dataDir, name string, cred Credential) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t\n") || cred.Username == "" || cred.Password == "" {
		return errors.New("credential: a name without spaces, a user name and a password are needed")
	}
	creds, err := OpenCredentials(dataDir)
	if err != nil {
		return err
	}
	if err := a.record(ctx, "credential:"+name, trail.Settings{Change: "credential.set", User: cred.Username}); err != nil {
		return err
	}
	return creds.Set(name, cred)
}

// RemoveCameraCredential deletes a camera login (audited first).
func (a *ShellAdmin) RemoveCameraCredential(ctx context.Context, dataDir, name string) error {
	creds, err := OpenCredentials(dataDir)
	if err != nil {
		return err
	}
	if _, ok := creds.Get(name); !ok {
		return fmt.Errorf("credential %q: %w", name, ErrNoCredential)
	}
	if err := a.record(ctx, "credential:"+name, trail.Settings{Change: "credential.remove"}); err != nil {
		return err
	}
	return creds.Remove(name)
}

// CameraCredentials lists the camera logins (names and users only).
func (a *ShellAdmin) CameraCredentials(dataDir string) ([]Login, error) {
	creds, err := OpenCredentials(dataDir)
	if err != nil {
		return nil, err
	}
	return creds.List(), nil
}
