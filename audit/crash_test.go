package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

const childEnv = "AUDIT_TEST_CHILD_DB"

// TestChildAppender is the body of the child process of TestKillMidAppend;
// run on its own it does nothing.
func TestChildAppender(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("child process of TestKillMidAppend")
	}
	l, err := Open(path, Options{KeyPath: os.Getenv(childEnv + "_KEY"), CheckpointEvery: 100})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	report := func(rs ...Receipt) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range rs {
			os.Stdout.WriteString(strconv.FormatInt(r.Seq, 10) + "\n")
		}
	}
	var wg sync.WaitGroup
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if w%4 == 0 {
					es := make([]Entry, 25)
					for j := range es {
						es[j] = sample(i*25 + j)
					}
					rs, err := l.AppendBatch(context.Background(), es)
					if err != nil {
						fmt.Fprintln(os.Stderr, "child append:", err)
						os.Exit(4)
					}
					report(rs...)
					continue
				}
				rc, err := l.Append(context.Background(), sample(i))
				if err != nil {
					fmt.Fprintln(os.Stderr, "child append:", err)
					os.Exit(4)
				}
				report(rc)
			}
		}()
	}
	wg.Wait()
}

// TestKillMidAppend kills a process in the middle of heavy concurrent
// appends: every seq it was told is committed must be in the store, and
// the store must verify and open again.
func TestKillMidAppend(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	f := newFixture(t)
	for round := range 2 { // the second round appends onto a killed store
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildAppender$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+f.db, childEnv+"_KEY="+f.key)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var (
			acked   []int64
			killed  bool
			timeout = time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
		)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				continue // test framework chatter
			}
			acked = append(acked, s)
			if len(acked) == 3000 && !killed {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		timeout.Stop()
		err = cmd.Wait()
		if !killed {
			t.Fatalf("child ended before it was killed: %v", err)
		}
		rep, err := f.verify(t)
		if err != nil {
			t.Fatalf("round %d: Verify after SIGKILL = %v", round, err)
		}
		for _, s := range acked {
			if s > rep.HeadSeq {
				t.Fatalf("round %d: seq %d was acknowledged but the store ends at %d", round, s, rep.HeadSeq)
			}
		}
		t.Logf("round %d: %d acknowledged, store holds %d, last checkpoint %d", round, len(acked), rep.HeadSeq, rep.LastCheckpoint)
	}
	l := f.open(t, Options{})
	got, err := l.Query(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[int64]bool, len(got))
	for _, e := range got {
		seen[e.Seq] = true
	}
	for s := int64(1); s <= int64(len(got)); s++ {
		if !seen[s] {
			t.Fatalf("seq %d missing after reopen", s)
		}
	}
	if _, err := l.Append(context.Background(), sample(1)); err != nil {
		t.Fatalf("Append after kills = %v", err)
	}
	if _, err := l.Verify(context.Background()); err != nil {
		t.Fatalf("Verify after kills and reopen = %v", err)
	}
}
