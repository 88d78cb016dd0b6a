package audit

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
)

// Before this change Open checked only the newest entry and the head, and
// went on appending to a chain broken anywhere before them. Now it walks
// the whole chain and refuses, naming the break.
func TestOpenRefusesAChainBrokenMidway(t *testing.T) {
	cases := []struct {
		name    string
		corrupt func(t *testing.T, db *sql.DB)
		seq     int64
		kind    ChainErrorKind
	}{
		{"entry edited", func(t *testing.T, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET user='mallory' WHERE seq=17`)
		}, 17, KindHash},
		{"entry deleted", func(t *testing.T, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq=23`)
		}, 23, KindGap},
		{"entry edited and the rest rehashed", func(t *testing.T, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET user='mallory' WHERE seq=12`)
			rehashFrom(t, db, 12)
		}, 20, KindCheckpoint},
		{"checkpoint signature", func(t *testing.T, db *sql.DB) {
			sqlExec(t, db, `UPDATE checkpoints SET sig=zeroblob(64) WHERE seq=30`)
		}, 30, KindSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.build(t, 50, Options{CheckpointEvery: 10})
			c.corrupt(t, f.rawDB(t))
			var before int
			f.rawDB(t).QueryRow(`SELECT count(*) FROM entries`).Scan(&before)
			l, err := Open(f.db, Options{KeyPath: f.key})
			if l != nil {
				l.Close()
			}
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != c.seq || ce.Kind != c.kind || !errors.Is(err, ErrBroken) {
				t.Fatalf("Open(store with %s) = %v, want refused at seq %d (%s)", c.name, err, c.seq, c.kind)
			}
			if !strings.Contains(err.Error(), "refusing to append") {
				t.Errorf("Open error does not say it refuses: %v", err)
			}
			var after int
			f.rawDB(t).QueryRow(`SELECT count(*) FROM entries`).Scan(&after)
			if after != before {
				t.Fatalf("Open of a broken store changed it: %d entries, then %d", before, after)
			}
		})
	}
	// An intact store opens and goes on.
	f := newFixture(t)
	f.build(t, 50, Options{CheckpointEvery: 10})
	l := f.open(t, Options{})
	if rc, err := l.Append(context.Background(), sample(50)); err != nil || rc.Seq != 51 {
		t.Fatalf("Append after Open = %+v, %v", rc, err)
	}
}
