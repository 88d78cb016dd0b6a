package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/sqlitedb"
	"golang.org/x/crypto/argon2"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// User is one account of the console.
type User struct {
	Name         string // login name: lowercase letters, digits, '.', '_', '-'
	FullName     string
	Role         policy.Role
	Municipality string // the municipality a municipal operator works for
	Disabled     bool
}

// Login and account errors. Authenticate gives ErrBadCredentials for an unknown user and
// for a wrong password alike, so a login screen cannot be used to find names.
var (
	ErrBadCredentials = errors.New("unknown user or wrong password")
	ErrLocked         = errors.New("account locked after repeated failed logins")
	ErrDisabled       = errors.New("account disabled")
	ErrUserNotFound   = errors.New("user not found")
	ErrUserExists     = errors.New("user already exists")
	ErrLastAdmin      = errors.New("the last enabled administrator cannot be disabled, deleted or given another role")
)

// argonParams are the argon2id cost parameters. 64 MiB, one pass, two lanes
// take 50-100 ms on the 2-core build machine: slow for a guesser, unnoticed
// at a login screen. They are written into every hash, so raising them later
// still verifies old hashes (which are rehashed at their next login).
type argonParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen int
}

var defaultArgon = argonParams{Memory: 64 * 1024, Time: 1, Threads: 2, KeyLen: 32, SaltLen: 16}

// Users is the account store: DATA/users.db, SQLite in WAL mode. Passwords
// are kept only as argon2id hashes with a per-user salt.
type Users struct {
	db     *sql.DB
	log    *slog.Logger
	params argonParams
	// dummy is verified against when the name is unknown, so an unknown name
	// costs the same time as a wrong password.
	dummy string
	// verify checks a password against a hash (verifyPassword; tests count
	// the calls).
	verify func(h, password string) (bool, error)

	// mu guards the login throttle: the failure rows and the attempts in
	// flight (throttle.go).
	mu            sync.Mutex
	pendingName   map[string]int // name\x00source -> attempts in flight
	pendingSource map[string]int
	// onChange is told of each account changed through this store
	// (replica.go); guarded by mu.
	onChange func(name string)

	closeOnce sync.Once
	closeErr  error
}

const usersSchema = `
CREATE TABLE IF NOT EXISTS users (
	name         TEXT PRIMARY KEY,
	full_name    TEXT NOT NULL,
	role         TEXT NOT NULL,
	municipality TEXT NOT NULL DEFAULT '',
	disabled     INTEGER NOT NULL DEFAULT 0,
	pw_hash      TEXT NOT NULL,
	changed      INTEGER NOT NULL
);
-- The per-name lock of earlier releases; its rows were short-lived.
DROP TABLE IF EXISTS login_failures;
-- Keyed by the name as typed, known or not, so unknown names slow down too,
-- and by the source, so a stranger's guesses slow down only their console.
CREATE TABLE IF NOT EXISTS login_backoff (
	name         TEXT NOT NULL,
	source       TEXT NOT NULL,
	count        INTEGER NOT NULL,
	last_failure INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (name, source)
);
-- Tombstones: when an account was deleted, so that a dispatch room's
-- copy of it (replica.go) does not bring it back.
CREATE TABLE IF NOT EXISTS deleted_users (
	name    TEXT PRIMARY KEY,
	changed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS source_failures (
	source       TEXT PRIMARY KEY,
	count        INTEGER NOT NULL,
	window_start INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
);`

// OpenUsers opens (or creates) the account store at path.
func OpenUsers(path string, log *slog.Logger) (*Users, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := sqlitedb.Open(path, sqlitedb.Options{Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	// One connection: the store is small and one writer avoids SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(usersSchema + grantsSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("users %s: schema: %w", path, err)
	}
	u := &Users{db: db, log: log.With("component", "users"), params: defaultArgon, verify: verifyPassword,
		pendingName: map[string]int{}, pendingSource: map[string]int{}}
	if u.dummy, err = u.hash(newToken()); err != nil {
		db.Close()
		return nil, fmt.Errorf("users %s: %w", path, err)
	}
	return u, nil
}

// Close closes the store; it is safe to call more than once.
func (u *Users) Close() error {
	u.closeOnce.Do(func() { u.closeErr = u.db.Close() })
	return u.closeErr
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// normName is how a typed login name is compared: trimmed and lowercased.
func normName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (u User) validate() error {
	if !nameRE.MatchString(u.Name) {
		return fmt.Errorf("user name %q: use 1-64 lowercase letters, digits, '.', '_' or '-'", u.Name)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("user %s: unknown role %q", u.Name, u.Role)
	}
	if u.Role == policy.RoleMunicipal && (strings.TrimSpace(u.Municipality) == "") {
		return fmt.Errorf("user %s: a municipal operator needs a municipality", u.Name)
	}
	return nil
}

// Add creates an account whose password meets the policy (CheckPassword;
// a refusal is a PasswordError). The caller audits the change (ActSettings).
func (u *Users) Add(ctx context.Context, usr User, password string) error {
	if err := CheckPassword(usr.Name, password); err != nil {
		return fmt.Errorf("user %s: %w", normName(usr.Name), err)
	}
	return u.add(ctx, usr, password)
}

// AddDemo creates an account without the password policy. It exists for
// the simulated zone only (package simzone), whose demo accounts share the
// password "demo" so that a visitor can try every role; a real zone's
// accounts are made with Add. It still refuses an empty password.
func (u *Users) AddDemo(ctx context.Context, usr User, password string) error {
	if err := checkPasswordSize(password); err != nil {
		return fmt.Errorf("user %s: %w", normName(usr.Name), err)
	}
	return u.add(ctx, usr, password)
}

func (u *Users) add(ctx context.Context, usr User, password string) error {
	usr.Name = normName(usr.Name)
	if err := usr.validate(); err != nil {
		return err
	}
	h, err := u.hash(password)
	if err != nil {
		return fmt.Errorf("user %s: %w", usr.Name, err)
	}
	res, err := u.db.ExecContext(ctx, `INSERT INTO users(name, full_name, role, municipality, disabled, pw_hash, changed)
		VALUES(?,?,?,?,?,?,?) ON CONFLICT(name) DO NOTHING`,
		usr.Name, usr.FullName, string(usr.Role), usr.Municipality, usr.Disabled, h, time.Now().UTC().UnixNano())
	if err != nil {
		return fmt.Errorf("user %s: add: %w", usr.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %s: %w", usr.Name, ErrUserExists)
	}
	if _, err := u.db.ExecContext(ctx, `DELETE FROM deleted_users WHERE name=?`, usr.Name); err != nil {
		u.log.Error("tombstone of a re-made account not removed", "user", usr.Name, "err", err)
	}
	u.log.Info("user added", "user", usr.Name, "role", usr.Role)
	u.changed(usr.Name)
	return nil
}

// Update changes an account's name fields, role, municipality and disabled
// flag (not its password).
func (u *Users) Update(ctx context.Context, usr User) error {
	usr.Name = normName(usr.Name)
	if err := usr.validate(); err != nil {
		return err
	}
	res, err := u.db.ExecContext(ctx, `UPDATE users SET full_name=?, role=?, municipality=?, disabled=?, changed=? WHERE name=?`,
		usr.FullName, string(usr.Role), usr.Municipality, usr.Disabled, time.Now().UTC().UnixNano(), usr.Name)
	if err != nil {
		return fmt.Errorf("user %s: update: %w", usr.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %s: %w", usr.Name, ErrUserNotFound)
	}
	u.changed(usr.Name)
	return nil
}

// SetPassword replaces a password (it must meet the policy, CheckPassword)
// and lifts the back-off of the account.
func (u *Users) SetPassword(ctx context.Context, name, password string) error {
	name = normName(name)
	if err := CheckPassword(name, password); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	h, err := u.hash(password)
	if err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	res, err := u.db.ExecContext(ctx, `UPDATE users SET pw_hash=?, changed=? WHERE name=?`, h, time.Now().UTC().UnixNano(), name)
	if err != nil {
		return fmt.Errorf("user %s: set password: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %s: %w", name, ErrUserNotFound)
	}
	if _, err := u.db.ExecContext(ctx, `DELETE FROM login_backoff WHERE name=?`, name); err != nil {
		return fmt.Errorf("user %s: clear back-off: %w", name, err)
	}
	u.changed(name)
	return nil
}

// Get returns one account, or ErrUserNotFound.
func (u *Users) Get(ctx context.Context, name string) (User, error) {
	usr, _, err := u.get(ctx, normName(name))
	return usr, err
}

func (u *Users) get(ctx context.Context, name string) (User, string, error) {
	var usr User
	var role, h string
	err := u.db.QueryRowContext(ctx, `SELECT name, full_name, role, municipality, disabled, pw_hash FROM users WHERE name=?`, name).
		Scan(&usr.Name, &usr.FullName, &role, &usr.Municipality, &usr.Disabled, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", fmt.Errorf("user %s: %w", name, ErrUserNotFound)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("user %s: %w", name, err)
	}
	usr.Role = policy.Role(role)
	return usr, h, nil
}

// List returns every account, by name.
func (u *Users) List(ctx context.Context) ([]User, error) {
	rows, err := u.db.QueryContext(ctx, `SELECT name, full_name, role, municipality, disabled FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var usr User
		var role string
		if err := rows.Scan(&usr.Name, &usr.FullName, &role, &usr.Municipality, &usr.Disabled); err != nil {
			return nil, fmt.Errorf("users: list: %w", err)
		}
		usr.Role = policy.Role(role)
		out = append(out, usr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	return out, nil
}

// Authenticate is AuthenticateFrom with no source (all such logins share
// one source's limits).
func (u *Users) Authenticate(ctx context.Context, name, password string, now time.Time) (User, error) {
	return u.AuthenticateFrom(ctx, name, password, "", now)
}

// AuthenticateFrom checks a login typed at source (the console) at time
// now. An unknown name and a wrong password give the same error after the
// same work. Failures slow further guesses down (throttle.go): a refused
// attempt is a *LockedError, checked before any password is. A disabled
// account gives ErrDisabled, but only with the right password.
func (u *Users) AuthenticateFrom(ctx context.Context, name, password, source string, now time.Time) (User, error) {
	name = normName(name)
	if err := u.admit(ctx, name, source, now); err != nil {
		return User{}, err
	}
	settled := false
	defer func() {
		if !settled {
			u.release(name, source)
		}
	}()
	usr, h, err := u.get(ctx, name)
	known := err == nil
	if err != nil && !errors.Is(err, ErrUserNotFound) {
		return User{}, err
	}
	if !known {
		h = u.dummy
	}
	ok, err := u.verify(h, password)
	if err != nil {
		// A hash we cannot read is a broken store, not a wrong password.
		u.log.Error("password hash unreadable", "user", name, "err", err)
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	if !ok || !known {
		settled = true
		until, err := u.settle(ctx, name, source, true, now)
		if err != nil {
			return User{}, err
		}
		if !until.IsZero() {
			return User{}, &LockedError{Until: until}
		}
		return User{}, ErrBadCredentials
	}
	if usr.Disabled {
		return User{}, fmt.Errorf("user %s: %w", name, ErrDisabled)
	}
	settled = true
	if _, err := u.settle(ctx, name, source, false, now); err != nil {
		return User{}, err
	}
	u.rehashIfWeak(ctx, name, h, password)
	return usr, nil
}

func (u *Users) rehashIfWeak(ctx context.Context, name, h, password string) {
	p, _, _, err := decodeHash(h)
	if err != nil || p.Memory >= u.params.Memory && p.Time >= u.params.Time && p.Threads >= u.params.Threads {
		return
	}
	nh, err := u.hash(password)
	if err == nil {
		_, err = u.db.ExecContext(ctx, `UPDATE users SET pw_hash=? WHERE name=?`, nh, name)
	}
	if err != nil {
		u.log.Warn("password not rehashed with current parameters", "user", name, "err", err)
	}
}

// hash gives a PHC-style string: $argon2id$v=19$m=65536,t=1,p=2$<salt>$<key>.
func (u *Users) hash(password string) (string, error) {
	p := u.params
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func decodeHash(h string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash: not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q: %w", parts[3], err)
	}
	// Bounds, so a tampered row cannot make a login eat the machine.
	if p.Memory < 8 || p.Memory > 1<<21 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q out of bounds", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errors.New("password hash: bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errors.New("password hash: bad key")
	}
	p.KeyLen, p.SaltLen = uint32(len(key)), len(salt)
	return p, salt, key, nil
}

func verifyPassword(h, password string) (bool, error) {
	p, salt, key, err := decodeHash(h)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}
