package audit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// appendMany appends n entries from 4 goroutines and returns their seqs.
func appendMany(t *testing.T, l *Log, n int, tag string) []int64 {
	t.Helper()
	var mu sync.Mutex
	var seqs []int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				e := sample(i)
				e.Detail = fmt.Sprintf("%s-%d", tag, i)
				rc, err := l.Append(context.Background(), e)
				if err != nil {
					t.Errorf("%s: Append %d: %v", tag, i, err)
					return
				}
				mu.Lock()
				seqs = append(seqs, rc.Seq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return seqs
}

// checkOneChain verifies the store holds want entries, one chain, every
// seq handed out once.
func checkOneChain(t *testing.T, f fixture, want int, seqs []int64) {
	t.Helper()
	seen := map[int64]bool{}
	for _, s := range seqs {
		if seen[s] {
			t.Fatalf("seq %d handed out twice", s)
		}
		seen[s] = true
	}
	rep, err := f.verify(t)
	if err != nil || rep.Entries != int64(want) || rep.HeadSeq != int64(want) {
		t.Fatalf("verify after two writers = %+v, %v; want %d entries in one chain", rep, err, want)
	}
}

// Two Logs on one store (the console and the CLI of one data directory)
// append at once: they take turns under the store's writer lock, and the
// store is one chain with every entry once.
func TestTwoWritersOneChain(t *testing.T) {
	f := newFixture(t)
	l1 := f.open(t, Options{CheckpointEvery: 50})
	l2 := f.open(t, Options{CheckpointEvery: 50})
	var s1, s2 []int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s1 = appendMany(t, l1, 300, "one") }()
	go func() { defer wg.Done(); s2 = appendMany(t, l2, 300, "two") }()
	wg.Wait()
	if err := l1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l2.Close(); err != nil {
		t.Fatal(err)
	}
	checkOneChain(t, f, 600, append(s1, s2...))
}

// The same with two processes, as `serve`, the console and the CLI are.
func TestTwoProcessesOneChain(t *testing.T) {
	f := newFixture(t)
	l := f.open(t, Options{CheckpointEvery: 50})
	if _, err := l.Append(context.Background(), sample(0)); err != nil { // the key and head exist before the child opens
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAppendChild$")
	cmd.Env = append(os.Environ(), "AUDIT_CHILD_DB="+f.db, "AUDIT_CHILD_KEY="+f.key, "AUDIT_CHILD_N=400")
	out := make(chan error, 1)
	go func() {
		b, err := cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%w: %s", err, b)
		}
		out <- err
	}()
	seqs := appendMany(t, l, 400, "parent")
	if err := <-out; err != nil {
		t.Fatalf("child: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	checkOneChain(t, f, 801, seqs)
}

// TestAppendChild is TestTwoProcessesOneChain's other process.
func TestAppendChild(t *testing.T) {
	db := os.Getenv("AUDIT_CHILD_DB")
	if db == "" {
		t.Skip("run by TestTwoProcessesOneChain")
	}
	n, _ := strconv.Atoi(os.Getenv("AUDIT_CHILD_N"))
	l, err := Open(db, Options{KeyPath: os.Getenv("AUDIT_CHILD_KEY"), CheckpointEvery: 50})
	if err != nil {
		t.Fatal(err)
	}
	appendMany(t, l, n, "child")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}
