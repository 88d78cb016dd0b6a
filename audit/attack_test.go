package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// rewrite is what an intruder with the console account's file access does
// to make a changed chain verify: cut the tail at cut, optionally edit an
// entry and rehash every later one, then re-sign every checkpoint and the
// head with key (the stolen key, or a fresh one written over DATA/keys).
type rewrite struct {
	cut   int64 // keep entries 1..cut
	edit  int64 // change the user of this entry (0: none) and rehash the rest
	every int64 // re-sign a checkpoint every so many entries
	key   ed25519.PrivateKey
	fresh bool // write key over DATA/keys (a fresh key pair)
}

func freshKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func stolenKey(t testing.TB, f fixture) ed25519.PrivateKey {
	t.Helper()
	seed, err := os.ReadFile(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed)
}

func (rw rewrite) apply(t *testing.T, f fixture) {
	t.Helper()
	db := f.rawDB(t)
	sqlExec(t, db, `DELETE FROM checkpoints`)
	if _, err := db.Exec(`DELETE FROM entries WHERE seq > ?`, rw.cut); err != nil {
		t.Fatal(err)
	}
	if rw.edit > 0 {
		if _, err := db.Exec(`UPDATE entries SET user='mallory' WHERE seq=?`, rw.edit); err != nil {
			t.Fatal(err)
		}
		if rw.edit == 1 {
			t.Fatal("rewrite: edit from seq 2 on")
		}
		rehashFrom(t, db, rw.edit)
	}
	var head Head
	for seq := int64(1); seq <= rw.cut; seq++ {
		var h []byte
		if err := db.QueryRow(`SELECT hash FROM entries WHERE seq=?`, seq).Scan(&h); err != nil {
			t.Fatal(err)
		}
		head = Head{Seq: seq}
		copy(head.Hash[:], h)
		if seq%rw.every == 0 || seq == rw.cut {
			cp := chain.SignCheckpoint(rw.key, seq, head.Hash, t0)
			if err := insertCheckpoint(t.Context(), db, cp); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rw.fresh {
		pub := rw.key.Public().(ed25519.PublicKey)
		if err := os.WriteFile(f.key, rw.key.Seed(), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.key+".pub", []byte(hex.EncodeToString(pub)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	forgeHead(t, f, rw.key, head)
}

// forgeHead writes a fresh, validly signed head file naming h.
func forgeHead(t *testing.T, f fixture, key ed25519.PrivateKey, h Head) {
	t.Helper()
	b := make([]byte, 2*chain.HeadSlotSize)
	for c := uint64(1); c <= 2; c++ {
		sh := chain.SignHead(key, SignedHead{Counter: c, Committed: h, Pending: h, Time: t0})
		copy(b[int(c%2)*chain.HeadSlotSize:], sh.Slot())
	}
	if err := os.WriteFile(f.key+".head", b, 0o600); err != nil {
		t.Fatal(err)
	}
}
