package audit

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/politiezone/zoneconsole/audit/chain"
)

// rehashFrom recomputes the hashes of every entry from seq on, as an
// intruder without the key can: the chain alone then looks whole.
func rehashFrom(t *testing.T, db *sql.DB, seq int64) {
	t.Helper()
	rows, err := db.Query(`SELECT `+selectColumns+` FROM entries WHERE seq >= ? ORDER BY seq`, seq-1)
	if err != nil {
		t.Fatal(err)
	}
	var (
		es []Entry
		sc scanner
	)
	for rows.Next() {
		var e Entry
		if err := sc.scan(rows, &e); err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	rows.Close()
	prev := es[0].Hash
	for _, e := range es[1:] {
		e.PrevHash = prev
		e.Hash = EntryHash(prev, &e)
		prev = e.Hash
		if _, err := db.Exec(`UPDATE entries SET prev_hash=?, hash=? WHERE seq=?`, e.PrevHash[:], e.Hash[:], e.Seq); err != nil {
			t.Fatal(err)
		}
	}
}

func forge(t *testing.T, db *sql.DB, seq int64, rehash bool) {
	t.Helper()
	var prev []byte
	if err := db.QueryRow(`SELECT hash FROM entries WHERE seq=?`, seq-1).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	e := sample(7)
	e.Seq, e.User, e.Time = seq, "mallory", e.Time.Add(1e12)
	copy(e.PrevHash[:], prev)
	e.Hash = Digest{0xde, 0xad}
	if rehash {
		e.Hash = EntryHash(e.PrevHash, &e)
	}
	if _, err := db.Exec(`INSERT INTO entries (`+entryColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, timeNanos(e.Time), e.User, e.Role, e.Console, string(e.Action), e.Subject, e.JustKind, e.JustText,
		e.JustRef, e.AuthRef, string(e.Outcome), e.Reason, e.Detail, e.PrevHash[:], e.Hash[:]); err != nil {
		t.Fatal(err)
	}
}

func sqlExec(t *testing.T, db *sql.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestCorruptionProbes corrupts a good 50-entry chain (checkpoints every
// 10, and one at 50 from Close) in each way an intruder with the database
// but not the key could, and asserts Verify names the right entry.
func TestCorruptionProbes(t *testing.T) {
	const n = 50
	probes := []struct {
		name    string
		corrupt func(t *testing.T, f fixture, db *sql.DB)
		seq     int64
		kind    ChainErrorKind
	}{
		{"edit user", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET user='mallory' WHERE seq=17`)
		}, 17, KindHash},
		{"edit time by 1ns", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET time=time+1 WHERE seq=5`)
		}, 5, KindHash},
		{"edit justification", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET auth_ref='' WHERE seq=3`)
		}, 3, KindHash},
		{"edit outcome", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET outcome='allowed', reason='' WHERE seq=11`)
		}, 11, KindHash},
		{"edit prev hash", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET prev_hash=zeroblob(32) WHERE seq=9`)
		}, 9, KindLink},
		{"NUL smuggled into a field", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET role=role||char(0)||'x' WHERE seq=8`)
		}, 8, KindHash},
		{"table rebuilt without STRICT to hide a row from the user filter", func(t *testing.T, f fixture, db *sql.DB) {
			var ddl string
			if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE name='entries'`).Scan(&ddl); err != nil {
				t.Fatal(err)
			}
			sqlExec(t, db, `ALTER TABLE entries RENAME TO old`, strings.TrimSuffix(ddl, " STRICT"),
				`INSERT INTO entries SELECT * FROM old`, `DROP TABLE old`,
				`UPDATE entries SET user=CAST(user AS BLOB) WHERE seq=13`)
		}, 0, KindSchema},
		{"a column retyped", func(t *testing.T, f fixture, db *sql.DB) {
			var ddl string
			if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE name='entries'`).Scan(&ddl); err != nil {
				t.Fatal(err)
			}
			sqlExec(t, db, `ALTER TABLE entries RENAME TO old`, strings.Replace(ddl, "user      TEXT", "user      ANY", 1),
				`INSERT INTO entries SELECT * FROM old`, `DROP TABLE old`)
		}, 0, KindSchema},
		{"a byte moved from user into hash", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET hash=CAST(hash||substr(user,1,1) AS BLOB), user=substr(user,2) WHERE seq=15`)
		}, 15, KindHash},
		{"short hash", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET hash=x'00' WHERE seq=1`)
		}, 1, KindHash},
		{"delete row", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq=23`)
		}, 23, KindGap},
		{"delete the row that ends a range", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq=16`)
		}, 16, KindGap},
		{"delete the row that starts a range", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq=34`)
		}, 34, KindGap},
		{"swap across a range boundary", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET seq=-33 WHERE seq=33`, `UPDATE entries SET seq=33 WHERE seq=34`, `UPDATE entries SET seq=34 WHERE seq=-33`)
		}, 33, KindLink},
		{"delete first row", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq=1`)
		}, 1, KindGap},
		{"swap two rows", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET seq=-30 WHERE seq=30`, `UPDATE entries SET seq=30 WHERE seq=31`, `UPDATE entries SET seq=31 WHERE seq=-30`)
		}, 30, KindLink},
		{"swap contents keeping seq", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET user = CASE seq WHEN 40 THEN (SELECT user FROM entries WHERE seq=41) ELSE (SELECT user FROM entries WHERE seq=40) END WHERE seq IN (40,41)`)
		}, 40, KindHash},
		{"insert forged row", func(t *testing.T, f fixture, db *sql.DB) {
			forge(t, db, n+1, false)
		}, n + 1, KindHash},
		{"insert forged row with a correct hash", func(t *testing.T, f fixture, db *sql.DB) {
			forge(t, db, n+1, true)
		}, n + 1, KindUnsigned},
		{"renumber and insert in the middle", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET seq=seq+1000 WHERE seq>=25`, `UPDATE entries SET seq=seq-999 WHERE seq>=1000`)
			forge(t, db, 25, true)
			rehashFrom(t, db, 26)
		}, 30, KindCheckpoint},
		{"edit and rehash the rest", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE entries SET user='mallory' WHERE seq=12`)
			rehashFrom(t, db, 12)
		}, 20, KindCheckpoint},
		{"truncate tail", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq>45`)
		}, 46, KindTruncated},
		{"truncate tail and its checkpoints", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries WHERE seq>45`, `DELETE FROM checkpoints WHERE seq>45`)
		}, 46, KindTruncated},
		{"truncate everything", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries`, `DELETE FROM checkpoints`)
		}, 1, KindTruncated},
		{"truncate everything and remove the head file", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `DELETE FROM entries`, `DELETE FROM checkpoints`)
			if err := os.Remove(f.key + ".head"); err != nil {
				t.Fatal(err)
			}
		}, 1, KindSignature},
		{"bad checkpoint signature", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE checkpoints SET sig=zeroblob(64) WHERE seq=20`)
		}, 20, KindSignature},
		{"checkpoint moved", func(t *testing.T, f fixture, db *sql.DB) {
			sqlExec(t, db, `UPDATE checkpoints SET seq=21 WHERE seq=20`)
		}, 21, KindSignature},
		{"head file removed", func(t *testing.T, f fixture, db *sql.DB) {
			if err := os.Remove(f.key + ".head"); err != nil {
				t.Fatal(err)
			}
		}, n, KindSignature},
		{"head file forged", func(t *testing.T, f fixture, db *sql.DB) {
			b, err := os.ReadFile(f.key + ".head")
			if err != nil {
				t.Fatal(err)
			}
			for off := 0; off < len(b); off += chain.HeadSlotSize {
				b[off+20]++ // committed seq, in both slots
			}
			if err := os.WriteFile(f.key+".head", b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, n, KindSignature},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			f := newFixture(t)
			f.build(t, n, Options{CheckpointEvery: 10})
			r, err := OpenReader(f.db, Options{KeyPath: f.key})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for _, ranges := range []int{1, 3} {
				r.ranges = ranges
				rep, err := r.Verify(context.Background())
				if err != nil || rep.Entries != n || rep.Checkpoints != 5 || rep.LastCheckpoint != n || rep.HeadSeq != n {
					t.Fatalf("Verify(%d ranges) before corruption = %+v, %v", ranges, rep, err)
				}
			}
			p.corrupt(t, f, f.rawDB(t))
			// One range, and the chain split in parallel ranges whose
			// boundaries (16, 33) fall next to several probes.
			for _, ranges := range []int{1, 3} {
				r.ranges = ranges
				_, err := r.Verify(context.Background())
				var ce *ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("Verify(%d ranges) after %s = %v, want *ChainError", ranges, p.name, err)
				}
				if ce.Seq != p.seq || ce.Kind != p.kind {
					t.Fatalf("Verify(%d ranges) after %s = seq %d %q, want seq %d %q (%v)", ranges, p.name, ce.Seq, ce.Kind, p.seq, p.kind, ce)
				}
			}
		})
	}
}

// A store whose tail was cut does not open for writing: appending to it
// would bury the evidence.
func TestOpenRefusesCutTail(t *testing.T) {
	f := newFixture(t)
	f.build(t, 30, Options{CheckpointEvery: 10})
	sqlExec(t, f.rawDB(t), `DELETE FROM entries WHERE seq>28`)
	_, err := Open(f.db, Options{KeyPath: f.key})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Kind != KindTruncated || ce.Seq != 29 {
		t.Fatalf("Open(cut store) = %v, want truncated at 29", err)
	}
	if err := os.Remove(f.key); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f.db, Options{KeyPath: f.key}); err == nil {
		t.Fatalf("Open(store with entries, key removed) = nil error")
	}
}

// A store emptied by an intruder who also removed the head file does not
// open as a fresh chain: the key says there was one.
func TestOpenRefusesRemovedHead(t *testing.T) {
	f := newFixture(t)
	f.build(t, 5, Options{})
	sqlExec(t, f.rawDB(t), `DELETE FROM entries`, `DELETE FROM checkpoints`)
	if err := os.Remove(f.key + ".head"); err != nil {
		t.Fatal(err)
	}
	if l, err := Open(f.db, Options{KeyPath: f.key}); err == nil {
		l.Close()
		t.Fatal("Open(emptied store, head file removed) = nil error")
	}
}

func testChain(t *testing.T, n int) []Entry {
	t.Helper()
	var prev Digest
	es := make([]Entry, n)
	for i := range es {
		e := sample(i)
		e.Seq, e.PrevHash = int64(i+1), prev
		e.Hash = EntryHash(prev, &e)
		prev, es[i] = e.Hash, e
	}
	return es
}
