package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// Two consoles' account stores copy each other's changes (as a room does):
// the newer change wins, an older copy is ignored, a deletion is not
// undone by a console that still has the account, and only local changes
// are announced.
func TestAccountsCopiedBetweenStores(t *testing.T) {
	ctx := context.Background()
	a, _ := openTestUsers(t, true)
	b, _ := openTestUsers(t, true)
	var announced []string
	a.OnChange(func(name string) { announced = append(announced, name) })
	b.OnChange(func(name string) { t.Errorf("an applied copy was announced: %s", name) })
	copyTo := func(dst *Users, name string) bool {
		t.Helper()
		acc, err := a.Account(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := dst.ApplyAccount(ctx, acc)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	mustAdd(t, a, User{Name: "an", Role: policy.RoleDispatcher}, pwGood)
	if !copyTo(b, "an") {
		t.Fatal("a new account was not copied")
	}
	if _, err := b.Authenticate(ctx, "an", pwGood, time.Now()); err != nil {
		t.Fatalf("the copied account's password: %v", err)
	}
	if copyTo(b, "an") {
		t.Error("the same change was applied twice")
	}
	if err := a.Disable(ctx, "an"); err != nil {
		t.Fatal(err)
	}
	copyTo(b, "an")
	if u, _ := b.Get(ctx, "an"); !u.Disabled {
		t.Fatal("disabling at one console did not reach the other")
	}
	// An older copy (the other console was away) does not undo it.
	stale := Account{User: User{Name: "an", Role: policy.RoleDispatcher}, PasswordHash: "x", Changed: time.Unix(0, 1)}
	if ok, err := b.ApplyAccount(ctx, stale); ok || err != nil {
		t.Fatalf("a stale copy applied: %v, %v", ok, err)
	}
	if err := a.Delete(ctx, "an"); err != nil {
		t.Fatal(err)
	}
	copyTo(b, "an")
	if _, err := b.Get(ctx, "an"); !errors.Is(err, ErrUserNotFound) {
		t.Fatalf("a deleted account is still at the other console: %v", err)
	}
	old := Account{User: User{Name: "an", Role: policy.RoleDispatcher}, PasswordHash: "x", Changed: time.Now().Add(-time.Hour)}
	if ok, _ := b.ApplyAccount(ctx, old); ok {
		t.Fatal("a copy older than the deletion brought the account back")
	}
	if len(announced) != 3 {
		t.Errorf("announced %v, want the add, the disable and the delete", announced)
	}
}
