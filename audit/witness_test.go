package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit/keys"
)

// TestWitnessCatchesARewrittenStore rewrites a witnessed store the ways an
// intruder with the console account's files can, with a fresh key or with
// the key found in DATA/keys, re-signing every checkpoint and the head. The
// store then verifies on its own (what `audit verify` said before); checked
// against the witness it is broken at the witnessed checkpoint named, and
// Open refuses it.
func TestWitnessCatchesARewrittenStore(t *testing.T) {
	cases := []struct {
		name  string
		rw    func(t *testing.T, f fixture) rewrite
		seq   int64
		fresh bool
	}{
		{"fresh key over DATA/keys, cut to 35 and re-signed: the first witnessed checkpoint is by another key",
			func(t *testing.T, f fixture) rewrite {
				return rewrite{cut: 35, every: 10, key: freshKey(t), fresh: true}
			}, 10, true},
		{"stolen key, cut after witnessed checkpoint 30 and re-signed",
			func(t *testing.T, f fixture) rewrite { return rewrite{cut: 35, every: 10, key: stolenKey(t, f)} }, 40, false},
		{"stolen key, entry 12 edited, the rest rehashed and re-signed",
			func(t *testing.T, f fixture) rewrite {
				return rewrite{cut: 50, edit: 12, every: 10, key: stolenKey(t, f)}
			}, 20, false},
		{"stolen key, cut to a single entry",
			func(t *testing.T, f fixture) rewrite { return rewrite{cut: 1, every: 10, key: stolenKey(t, f)} }, 10, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			wdir := filepath.Join(t.TempDir(), "witness")
			f.build(t, 50, Options{CheckpointEvery: 10, Witness: wdir})
			ctx := context.Background()
			rep, err := VerifyPathWith(ctx, f.db, f.key, VerifyOptions{Witness: wdir})
			if err != nil || rep.Witnessed < 5 || rep.WitnessSeq != 50 {
				t.Fatalf("verify of the good store with its witness = %+v, %v", rep, err)
			}
			c.rw(t, f).apply(t, f)
			if rep, err := f.verify(t); err != nil {
				t.Fatalf("rewritten store without the witness = %+v, %v; the attack must pass there", rep, err)
			}
			_, err = VerifyPathWith(ctx, f.db, f.key, VerifyOptions{Witness: wdir})
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Kind != KindWitness || ce.Seq != c.seq {
				t.Fatalf("VerifyPathWith(witness) = %v, want %s at witnessed checkpoint %d", err, KindWitness, c.seq)
			}
			if c.fresh && !strings.Contains(ce.Error(), "witness began under key") {
				t.Errorf("a re-keyed store's error does not name the witnessed key: %v", ce)
			}
			t.Logf("%v", ce)
			if l, err := Open(f.db, Options{KeyPath: f.key, Witness: wdir}); !errors.Is(err, ErrBroken) || !errors.As(err, &ce) || ce.Seq != c.seq {
				if l != nil {
					l.Close()
				}
				t.Fatalf("Open(rewritten store, witness) = %v, want refused at %d", err, c.seq)
			}
		})
	}
}

// Between checkpoints the head is witnessed (WitnessEvery), so a cut of
// the newest entries re-signed with the stolen key is caught too.
func TestWitnessedHeadCatchesACutTail(t *testing.T) {
	f := newFixture(t)
	wdir := t.TempDir()
	l := f.open(t, Options{Witness: wdir, WitnessEvery: time.Nanosecond})
	for i := range 20 {
		if _, err := l.Append(context.Background(), sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rewrite{cut: 15, every: 1000, key: stolenKey(t, f)}.apply(t, f)
	_, err := VerifyPathWith(context.Background(), f.db, f.key, VerifyOptions{Witness: wdir})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Kind != KindWitness || ce.Seq != 16 {
		t.Fatalf("verify of a tail cut after witnessed head 16 = %v, want %s at 16", err, KindWitness)
	}
}

// An emptied store with a fresh key and head looks like a new console; the
// witness remembers the old chain, and Open refuses to start afresh.
func TestWitnessRefusesAFreshStart(t *testing.T) {
	f := newFixture(t)
	wdir := t.TempDir()
	f.build(t, 25, Options{CheckpointEvery: 10, Witness: wdir})
	for _, p := range []string{f.db, f.db + "-wal", f.db + "-shm", f.key, f.key + ".pub", f.key + ".head"} {
		os.Remove(p)
	}
	_, err := Open(f.db, Options{KeyPath: f.key, Witness: wdir})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Kind != KindWitness || ce.Seq != 10 {
		t.Fatalf("Open(wiped store, witness) = %v, want %s at 10", err, KindWitness)
	}
}

func TestWitnessFile(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	f := newFixture(t)
	wdir := filepath.Join(t.TempDir(), "share", "witness")
	if err := os.MkdirAll(wdir, 0o777); err != nil {
		t.Fatal(err)
	}
	f.build(t, 25, Options{CheckpointEvery: 10, Witness: wdir})
	path, err := WitnessFile(wdir, f.db)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, wdir: 0o700 | os.ModeDir} {
		if fi, err := os.Stat(p); err != nil || fi.Mode() != want {
			t.Errorf("%s: %v, %v; want mode %v", p, fi.Mode(), err, want)
		}
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseWitness(first)
	if pub, _ := keys.LoadPublic(f.key); err == nil && !w.Key.Equal(pub) {
		t.Errorf("witness header key %x, want the store's %x", w.Key, pub)
	}
	if err != nil || len(w.Records) != 3 || w.Records[2].Seq != 25 || w.Records[0].Seq != 10 {
		t.Fatalf("witness = %+v, %v; want checkpoints 10, 20, 25", w.Records, err)
	}
	// Reopen: the file is only appended to; a record cut by a crash is
	// ignored by readers and cut off before the next append.
	os.Chmod(path, 0o666)
	os.Chmod(wdir, 0o777)
	fh, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	fh.WriteString("C 30 abc")
	fh.Close()
	if w, err := ReadWitness(path); err != nil || !w.Torn || len(w.Records) != 3 {
		t.Fatalf("ReadWitness(torn) = %+v, %v", w, err)
	}
	l := f.open(t, Options{CheckpointEvery: 10, Witness: wdir})
	for i := range 5 {
		if _, err := l.Append(context.Background(), sample(25+i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	now, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(now), string(first)) {
		t.Fatalf("the witness was rewritten, not appended to:\n%s", now)
	}
	if w, err := ReadWitness(path); err != nil || w.Torn || w.Records[len(w.Records)-1].Seq != 30 {
		t.Fatalf("witness after reopen = %+v, %v", w, err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, wdir: 0o700 | os.ModeDir} {
		if fi, _ := os.Stat(p); fi.Mode() != want {
			t.Errorf("%s after reopen: %v, want %v", p, fi.Mode(), want)
		}
	}
	// A damaged record in the middle is not skipped.
	bad := strings.Replace(string(now), "\nC 20 ", "\nC 2x ", 1)
	os.WriteFile(path, []byte(bad), 0o600)
	if _, err := VerifyPathWith(context.Background(), f.db, f.key, VerifyOptions{Witness: path}); err == nil || errors.Is(err, ErrBroken) {
		t.Fatalf("verify with a damaged witness = %v, want a read error", err)
	}
}

// A witness in the data directory is no witness: whoever rewrites the store
// rewrites it too.
func TestWitnessInsideTheStoreRefused(t *testing.T) {
	f := newFixture(t)
	for _, w := range []string{filepath.Join(f.dir, "witness"), filepath.Join(filepath.Dir(f.key), "w")} {
		if l, err := Open(f.db, Options{KeyPath: f.key, Witness: w}); err == nil {
			l.Close()
			t.Errorf("Open(witness %s inside the store) = nil error", w)
		}
	}
	f.build(t, 3, Options{})
	if _, err := VerifyPathWith(context.Background(), f.db, f.key, VerifyOptions{Witness: f.dir}); err == nil {
		t.Error("verify with the data directory as witness = nil error")
	}
}

// The records OnWitness hands out (a console sends them to its room's
// chain) catch a store cut and re-signed after them, as a witness file
// does; without them the rewrite passes.
func TestOnWitnessRecordsCatchACutStore(t *testing.T) {
	f := newFixture(t)
	var recs []WitnessRecord
	f.build(t, 50, Options{CheckpointEvery: 10, WitnessEvery: time.Nanosecond, OnWitness: func(r WitnessRecord) { recs = append(recs, r) }})
	if len(recs) < 5 || recs[len(recs)-1].Seq != 50 {
		t.Fatalf("OnWitness got %d records, last %+v; want the checkpoints up to 50", len(recs), recs[len(recs)-1])
	}
	ctx := context.Background()
	if rep, err := VerifyPathWith(ctx, f.db, f.key, VerifyOptions{Records: recs}); err != nil || rep.Witnessed != len(recs) {
		t.Fatalf("verify of the good store with its records = %+v, %v", rep, err)
	}
	rewrite{cut: 35, every: 10, key: stolenKey(t, f)}.apply(t, f)
	if _, err := f.verify(t); err != nil {
		t.Fatalf("the rewritten store fails on its own (%v): the attack must pass there", err)
	}
	_, err := VerifyPathWith(ctx, f.db, f.key, VerifyOptions{Records: recs})
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Kind != KindWitness || ce.Seq != 40 {
		t.Fatalf("verify with the records = %v, want %s at 40", err, KindWitness)
	}
}
