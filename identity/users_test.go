package identity

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// cheapArgon keeps the tests that only count failures fast; the round-trip
// test uses the real parameters.
var cheapArgon = argonParams{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func openTestUsers(t *testing.T, cheap bool) (*Users, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.db")
	u, err := OpenUsers(path, nil)
	if err != nil {
		t.Fatalf("OpenUsers: %v", err)
	}
	if cheap {
		u.params = cheapArgon
		if u.dummy, err = u.hash("dummy"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { u.Close() })
	return u, path
}

func mustAdd(t *testing.T, u *Users, usr User, pw string) {
	t.Helper()
	if err := u.Add(context.Background(), usr, pw); err != nil {
		t.Fatalf("Add(%s): %v", usr.Name, err)
	}
}

func TestArgon2idRoundTrip(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, false)
	mustAdd(t, u, User{Name: "an", FullName: "An Peeters", Role: policy.RoleDispatcher}, "correct horse battery staple")
	mustAdd(t, u, User{Name: "luc", FullName: "Luc Janssens", Role: policy.RoleTeamChief}, "correct horse battery staple")

	got, err := u.Authenticate(ctx, "An", "correct horse battery staple", t0)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if want := (User{Name: "an", FullName: "An Peeters", Role: policy.RoleDispatcher}); got != want {
		t.Errorf("Authenticate = %+v, want %+v", got, want)
	}
	_, h1, _ := u.get(ctx, "an")
	_, h2, _ := u.get(ctx, "luc")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash %q is not the PHC argon2id form with the default parameters", h1)
	}
	if h1 == h2 {
		t.Error("same password, same hash: the salt is not per user")
	}
	p, salt, key, err := decodeHash(h1)
	if err != nil || len(salt) != 16 || len(key) != 32 || p.Memory != 64*1024 {
		t.Errorf("decodeHash = %+v, %d-byte salt, %d-byte key, %v", p, len(salt), len(key), err)
	}
}

func TestWrongPasswordAndUnknownUserLookAlike(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, false)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "s3cret-enough")

	median := func(f func() error) (time.Duration, error) {
		var ds []time.Duration
		var err error
		for range 4 { // below MaxFailures: the name must not lock
			start := time.Now()
			err = f()
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[2], err
	}
	wrongT, wrongErr := median(func() error { _, err := u.Authenticate(ctx, "an", "guess", t0); return err })
	unknownT, unknownErr := median(func() error { _, err := u.Authenticate(ctx, "nobody", "guess", t0); return err })
	if !errors.Is(wrongErr, ErrBadCredentials) || !errors.Is(unknownErr, ErrBadCredentials) {
		t.Fatalf("wrong password: %v, unknown user: %v; want both ErrBadCredentials", wrongErr, unknownErr)
	}
	if wrongErr.Error() != unknownErr.Error() {
		t.Errorf("messages differ: %q vs %q", wrongErr, unknownErr)
	}
	// Both run argon2id; the bound is loose because the machine is shared.
	if unknownT < wrongT/4 || wrongT < unknownT/4 {
		t.Errorf("unknown user took %s, wrong password %s: timing tells them apart", unknownT, wrongT)
	}
	t.Logf("login check: wrong password %s, unknown user %s", wrongT, unknownT)
}

func TestLockoutAndUnlock(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "right")

	now := t0
	for i := 1; i < MaxFailures; i++ {
		if _, err := u.Authenticate(ctx, "an", "wrong", now); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v, want ErrBadCredentials", i, err)
		}
		now = now.Add(time.Minute)
	}
	_, err := u.Authenticate(ctx, "an", "wrong", now)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("failure %d: %v, want *LockedError", MaxFailures, err)
	}
	if want := now.Add(LockoutPeriod); !le.Until.Equal(want) {
		t.Errorf("locked until %s, want %s", le.Until, want)
	}
	// The right password does not open a locked account.
	if _, err := u.Authenticate(ctx, "an", "right", now.Add(LockoutPeriod-time.Second)); !errors.Is(err, ErrLocked) {
		t.Errorf("right password while locked: %v, want ErrLocked", err)
	}
	// After the period it does, and the count starts afresh.
	if _, err := u.Authenticate(ctx, "an", "right", now.Add(LockoutPeriod)); err != nil {
		t.Errorf("right password after the lockout: %v", err)
	}
	now = now.Add(LockoutPeriod + time.Minute)
	for i := 1; i < MaxFailures; i++ {
		if _, err := u.Authenticate(ctx, "an", "wrong", now); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("after unlock, failure %d: %v, want ErrBadCredentials", i, err)
		}
	}
	if _, err := u.Authenticate(ctx, "an", "right", now); err != nil {
		t.Errorf("a success resets the count, but got %v", err)
	}
	if _, err := u.Authenticate(ctx, "an", "wrong", now); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("first failure after a success: %v, want ErrBadCredentials", err)
	}
}

func TestFailuresFarApartDoNotLock(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "right")
	now := t0
	for i := 0; i < 2*MaxFailures; i++ {
		if _, err := u.Authenticate(ctx, "an", "wrong", now); !errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrLocked) {
			t.Fatalf("failure %d, %s after the previous: %v", i, LockoutPeriod+time.Minute, err)
		}
		now = now.Add(LockoutPeriod + time.Minute)
	}
}

func TestUnknownNamesLockToo(t *testing.T) {
	// Otherwise a locked answer would tell which names exist.
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	var err error
	for range MaxFailures {
		_, err = u.Authenticate(ctx, "ghost", "x", t0)
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("unknown name after %d failures: %v, want ErrLocked", MaxFailures, err)
	}
}

func TestSetPasswordLiftsLockout(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "old")
	for range MaxFailures {
		u.Authenticate(ctx, "an", "wrong", t0)
	}
	if err := u.SetPassword(ctx, "an", "new"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Authenticate(ctx, "an", "old", t0); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password: %v, want ErrBadCredentials", err)
	}
	if _, err := u.Authenticate(ctx, "an", "new", t0); err != nil {
		t.Errorf("new password: %v", err)
	}
	if err := u.SetPassword(ctx, "nobody", "x"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("SetPassword(nobody) = %v, want ErrUserNotFound", err)
	}
}

func TestDisabledAccount(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "tom", Role: policy.RoleSecurityGuard, Disabled: true}, "pw")
	if _, err := u.Authenticate(ctx, "tom", "pw", t0); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled, right password: %v, want ErrDisabled", err)
	}
	if _, err := u.Authenticate(ctx, "tom", "nope", t0); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("disabled, wrong password: %v, want ErrBadCredentials (no hint the account exists)", err)
	}
	if err := u.Update(ctx, User{Name: "tom", Role: policy.RoleSecurityGuard}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Authenticate(ctx, "tom", "pw", t0); err != nil {
		t.Errorf("enabled again: %v", err)
	}
}

func TestNoPlaintextInUsersDB(t *testing.T) {
	ctx := context.Background()
	u, path := openTestUsers(t, true)
	secrets := []string{"Plaintext-Sentinel-One", "Plaintext-Sentinel-Two", "Plaintext-Sentinel-Typo"}
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, secrets[0])
	if err := u.SetPassword(ctx, "an", secrets[1]); err != nil {
		t.Fatal(err)
	}
	u.Authenticate(ctx, "an", secrets[2], t0) // a failed attempt stores nothing typed
	if _, err := u.Authenticate(ctx, "an", secrets[1], t0); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("users.db mode %v: readable by others", st.Mode().Perm())
	}
	files, _ := filepath.Glob(path + "*") // the db, and -wal / -shm if left
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the password %q in plain text", filepath.Base(f), s)
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no database file to check")
	}
}

func TestUsersCRUD(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "stad", FullName: "Jan Willems", Role: policy.RoleMunicipal, Municipality: "Borgloon"}, "pw")
	mustAdd(t, u, User{Name: "dpo", FullName: "Els Wouters", Role: policy.RoleDPO}, "pw")
	for _, tc := range []struct {
		name string
		usr  User
		want error
	}{
		{"duplicate", User{Name: "DPO", Role: policy.RoleDPO}, ErrUserExists},
		{"bad name", User{Name: "an peeters", Role: policy.RoleDPO}, nil},
		{"empty name", User{Role: policy.RoleDPO}, nil},
		{"bad role", User{Name: "x", Role: "mayor"}, nil},
		{"municipal without municipality", User{Name: "y", Role: policy.RoleMunicipal}, nil},
	} {
		err := u.Add(ctx, tc.usr, "pw")
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("Add(%s: %+v) = %v, want an error (%v)", tc.name, tc.usr, err, tc.want)
		}
	}
	if err := u.Add(ctx, User{Name: "z", Role: policy.RoleDPO}, ""); err == nil {
		t.Error("Add with an empty password succeeded")
	}
	if _, err := u.Get(ctx, "nobody"); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("Get(nobody) = %v, want ErrUserNotFound", err)
	}
	if err := u.Update(ctx, User{Name: "nobody", Role: policy.RoleDPO}); !errors.Is(err, ErrUserNotFound) {
		t.Errorf("Update(nobody) = %v, want ErrUserNotFound", err)
	}
	if err := u.Update(ctx, User{Name: "dpo", FullName: "Els W.", Role: policy.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	list, err := u.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []User{{Name: "dpo", FullName: "Els W.", Role: policy.RoleAdmin}, {Name: "stad", FullName: "Jan Willems", Role: policy.RoleMunicipal, Municipality: "Borgloon"}}
	if !slices.Equal(list, want) {
		t.Errorf("List = %+v, want %+v", list, want)
	}
	var mode string
	if err := u.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := u.Close(); err != nil || u.Close() != nil {
		t.Errorf("Close twice: %v", err)
	}
}

func TestUsersSurviveReopen(t *testing.T) {
	ctx := context.Background()
	u, path := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "pw")
	for range MaxFailures {
		u.Authenticate(ctx, "an", "wrong", t0)
	}
	u.Close()
	u2, err := OpenUsers(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer u2.Close()
	if _, err := u2.Authenticate(ctx, "an", "pw", t0.Add(time.Minute)); !errors.Is(err, ErrLocked) {
		t.Errorf("after reopen: %v, want the lockout to persist", err)
	}
	if _, err := u2.Authenticate(ctx, "an", "pw", t0.Add(LockoutPeriod+time.Minute)); err != nil {
		t.Errorf("after reopen and the lockout: %v", err)
	}
}

func TestWeakHashIsUpgradedAtLogin(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "pw")
	u.params = defaultArgon
	if _, err := u.Authenticate(ctx, "an", "pw", t0); err != nil {
		t.Fatal(err)
	}
	_, h, _ := u.get(ctx, "an")
	if !strings.Contains(h, "m=65536,t=1,p=2") {
		t.Errorf("hash after login %q: not rehashed with the current parameters", h)
	}
	if _, err := u.Authenticate(ctx, "an", "pw", t0); err != nil {
		t.Errorf("login with the upgraded hash: %v", err)
	}
}

func TestTamperedHashIsAnErrorNotAHang(t *testing.T) {
	ctx := context.Background()
	u, _ := openTestUsers(t, true)
	mustAdd(t, u, User{Name: "an", Role: policy.RoleDispatcher}, "pw")
	for _, h := range []string{
		"$argon2id$v=19$m=4194304000,t=1,p=2$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5", // 4 TiB of memory
		"plain-text-password",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
	} {
		if _, err := u.db.Exec(`UPDATE users SET pw_hash=? WHERE name='an'`, h); err != nil {
			t.Fatal(err)
		}
		_, err := u.Authenticate(ctx, "an", "pw", t0)
		if err == nil || errors.Is(err, ErrBadCredentials) {
			t.Errorf("hash %q: Authenticate = %v, want a store error", h, err)
		}
	}
}

func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	u, err := OpenUsers(filepath.Join(b.TempDir(), "users.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	if err := u.Add(ctx, User{Name: "an", Role: policy.RoleDispatcher}, "pw"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Authenticate(ctx, "an", "pw", t0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/login")
}

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
