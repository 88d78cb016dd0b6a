package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// realFiles makes a small witnessed store and returns its head file and
// witness file, the seeds of the readers' fuzz targets.
func realFiles(f *testing.F) (head, witness []byte) {
	dir, wdir := f.TempDir(), f.TempDir()
	key := filepath.Join(dir, "keys", "audit.ed25519")
	l, err := Open(filepath.Join(dir, "audit.db"), Options{KeyPath: key, CheckpointEvery: 3, Witness: wdir})
	if err != nil {
		f.Fatal(err)
	}
	for range 7 {
		if _, err := l.Append(context.Background(), Entry{User: "u", Role: "dispatcher", Action: "live.start", Outcome: OutcomeAllowed}); err != nil {
			f.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		f.Fatal(err)
	}
	if head, err = os.ReadFile(key + ".head"); err != nil {
		f.Fatal(err)
	}
	wf, err := WitnessFile(wdir, filepath.Join(dir, "audit.db"))
	if err != nil {
		f.Fatal(err)
	}
	if witness, err = os.ReadFile(wf); err != nil {
		f.Fatal(err)
	}
	return head, witness
}

// FuzzParseHead: the head file is read at every open and verify, from a
// directory an intruder may write: no input may panic, and a parse that
// succeeds gives records in their slots.
func FuzzParseHead(f *testing.F) {
	head, _ := realFiles(f)
	f.Add(head)
	f.Add(head[:len(head)/2])
	f.Add(make([]byte, len(head)))
	f.Fuzz(func(t *testing.T, b []byte) {
		newest, older, err := ParseHead(b)
		if err != nil {
			return
		}
		if older != nil && (newest == nil || older.Counter+1 != newest.Counter) {
			t.Fatalf("ParseHead accepted records %v and %v that are not consecutive", newest, older)
		}
		_ = ParseHeadFile(b)
	})
}

// FuzzParseWitness: the witness file lives on another disk or share, so
// anyone who can write there may feed it to the verifier.
func FuzzParseWitness(f *testing.F) {
	_, w := realFiles(f)
	f.Add(w)
	f.Add(w[:len(w)/2])
	f.Add([]byte("garbage\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		wt, err := ParseWitness(b)
		if err != nil {
			return
		}
		for i, r := range wt.Records {
			if r.Seq < 0 {
				t.Fatalf("record %d: negative seq %d accepted", i, r.Seq)
			}
		}
	})
}
