package roomdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/roomdb"
)

// An account written at one console reaches the other's feed; the room
// keeps the newer of two changes whatever order they arrive in.
func TestAccountsAcrossConsoles(t *testing.T) {
	_, open := newRoom(t)
	ra, rb := open("pos-1"), open("pos-2")
	got := make(chan roomdb.Account, 4)
	b := rb.Presence(roomdb.PresenceConfig{OnAccount: func(a roomdb.Account) { got <- a }})
	t.Cleanup(func() { b.Close(context.Background()) })
	waitFor(t, 30*time.Second, "presence online", func() bool { on, _ := b.Online(); return on })
	a := presence(t, ra)

	a.PutAccount(roomdb.Account{Name: "an", Role: "dispatcher", PasswordHash: "h1", ChangedNS: 200})
	select {
	case acc := <-got:
		if acc.Name != "an" || acc.PasswordHash != "h1" || acc.Console != "pos-1" {
			t.Fatalf("fed %+v", acc)
		}
	case <-time.After(time.Second):
		t.Fatal("the account did not reach pos-2 within a second")
	}
	ctx := context.Background()
	if err := rb.PutAccount(ctx, roomdb.Account{Name: "an", Role: "dispatcher", PasswordHash: "old", ChangedNS: 100}); err != nil {
		t.Fatal(err)
	}
	as, err := rb.Accounts(ctx)
	if err != nil || len(as) != 1 || as[0].PasswordHash != "h1" {
		t.Fatalf("after an older change: %+v, %v; want the newer kept", as, err)
	}
}
