package identity

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

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

// AddUser creates a user.
func (a *ShellAdmin) AddUser(ctx context.Context, u User, password string) error {
	if err := a.record(ctx, "user:"+u.Name, trail.Settings{Change: "user.add", User: u.Name, Role: string(u.Role), Municipality: u.Municipality}); err != nil {
		return err
	}
	return a.users.Add(ctx, u, password)
}

// SetPassword replaces a user's password (and so lifts nothing else).
func (a *ShellAdmin) SetPassword(ctx context.Context, name, password string) error {
	if err := a.record(ctx, "user:"+name, trail.Settings{Change: "user.password", User: name}); err != nil {
		return err
	}
	return a.users.SetPassword(ctx, name, password)
}

// Users lists the users.
func (a *ShellAdmin) Users(ctx context.Context) ([]User, error) { return a.users.List(ctx) }
