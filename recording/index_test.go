package recording

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// fakeSegments indexes n closed segments of 15 min per camera, with small
// files, as the recorder would.
func fakeSegments(t testing.TB, x *Index, dir string, cameras []string, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		for _, cam := range cameras {
			start := t0.Add(time.Duration(i) * 15 * time.Minute)
			rel := fmt.Sprintf("%s/%s.mp4", cam, start.Format("2006-01-02T15-04-05.000Z"))
			data := []byte(fmt.Sprintf("segment %s %d", cam, i))
			if err := os.MkdirAll(filepath.Join(dir, cam), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, rel), data, 0o600); err != nil {
				t.Fatal(err)
			}
			id, err := x.addOpen(ctx, cam, "main", rel, start)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if _, err := x.closeSegment(ctx, id, start.Add(15*time.Minute), int64(len(data)), sum[:]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func newIndex(t testing.TB) (*Index, string) {
	dir := t.TempDir()
	x, err := OpenIndex(filepath.Join(dir, "recordings.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	rec := filepath.Join(dir, "recordings")
	return x, rec
}

// TestVerifyProbes corrupts a good index and its files in every way a
// tamperer might; each must be caught, naming the segment.
func TestVerifyProbes(t *testing.T) {
	probes := []struct {
		name     string
		corrupt  func(t *testing.T, x *Index, dir string)
		wantCode int
		problem  Problem
	}{
		{"intact", func(*testing.T, *Index, string) {}, 0, ""},
		{"file byte changed", func(t *testing.T, x *Index, dir string) {
			p := filepath.Join(dir, "cam02", t0.Add(30*time.Minute).Format("2006-01-02T15-04-05.000Z")+".mp4")
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			os.WriteFile(p, b, 0o600)
		}, 1, ProblemChanged},
		{"file appended", func(t *testing.T, x *Index, dir string) {
			p := filepath.Join(dir, "cam01", t0.Format("2006-01-02T15-04-05.000Z")+".mp4")
			f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("x"))
			f.Close()
		}, 1, ProblemChanged},
		{"file removed", func(t *testing.T, x *Index, dir string) {
			os.Remove(filepath.Join(dir, "cam01", t0.Add(45*time.Minute).Format("2006-01-02T15-04-05.000Z")+".mp4"))
		}, 1, ProblemMissing},
		{"files swapped", func(t *testing.T, x *Index, dir string) {
			a := filepath.Join(dir, "cam01", t0.Format("2006-01-02T15-04-05.000Z")+".mp4")
			b := filepath.Join(dir, "cam01", t0.Add(15*time.Minute).Format("2006-01-02T15-04-05.000Z")+".mp4")
			os.Rename(a, a+".tmp")
			os.Rename(b, a)
			os.Rename(a+".tmp", b)
		}, 1, ProblemChanged},
		{"row removed", func(t *testing.T, x *Index, dir string) {
			x.db.Exec(`DELETE FROM segments WHERE camera='cam01' AND seq=2`)
		}, 1, ProblemChain},
		{"row end edited", func(t *testing.T, x *Index, dir string) {
			x.db.Exec(`UPDATE segments SET end_ns = end_ns + 1 WHERE camera='cam02' AND seq=3`)
		}, 1, ProblemChain},
		{"rows reordered", func(t *testing.T, x *Index, dir string) {
			x.db.Exec(`UPDATE segments SET seq = 100 WHERE camera='cam01' AND seq=2`)
			x.db.Exec(`UPDATE segments SET seq = 2 WHERE camera='cam01' AND seq=3`)
			x.db.Exec(`UPDATE segments SET seq = 3 WHERE camera='cam01' AND seq=100`)
		}, 1, ProblemChain},
		{"hash and file rewritten together", func(t *testing.T, x *Index, dir string) {
			p := filepath.Join(dir, "cam01", t0.Format("2006-01-02T15-04-05.000Z")+".mp4")
			os.WriteFile(p, []byte("forged"), 0o600)
			sum := sha256.Sum256([]byte("forged"))
			x.db.Exec(`UPDATE segments SET sha256 = ?, bytes = 6 WHERE camera='cam01' AND seq=1`, sum[:])
		}, 1, ProblemChain},
		{"index unreadable", func(t *testing.T, x *Index, dir string) {
			x.db.Exec(`DROP TABLE segments`)
		}, 2, ""},
	}
	for _, tc := range probes {
		t.Run(tc.name, func(t *testing.T) {
			x, dir := newIndex(t)
			fakeSegments(t, x, dir, []string{"cam01", "cam02"}, 4)
			tc.corrupt(t, x, dir)
			err := x.Verify(context.Background(), dir)
			if got := ExitCode(err); got != tc.wantCode {
				t.Fatalf("Verify after %s = %v (exit %d), want exit %d", tc.name, err, got, tc.wantCode)
			}
			var se *SegmentError
			if tc.problem != "" && (!errors.As(err, &se) || se.Problem != tc.problem || se.Path == "") {
				t.Errorf("Verify after %s = %v, want a %q naming the segment", tc.name, err, tc.problem)
			}
		})
	}
}

// TestChainEncodingFixed pins the canonical encoding: a change shows here.
func TestChainEncodingFixed(t *testing.T) {
	s := Segment{Camera: "cam01", Stream: "main", Seq: 1, Start: t0, End: t0.Add(time.Minute), Path: "cam01/a.mp4",
		Bytes: 10, SHA256: make([]byte, 32), Prev: make([]byte, 32)}
	const want = "5d0f98cbb0d1598f243da03a4434e3a6e0fbe04f1c2bfff82c456b66dee23c6b"
	got := fmt.Sprintf("%x", chainHash(s))
	if got != want {
		t.Errorf("chain hash of the pinned segment = %s, want %s: the encoding changed (old chains no longer verify)", got, want)
	}
	// Field boundaries matter: moving a byte from camera to stream changes the hash.
	s2 := s
	s2.Camera, s2.Stream = "cam0", "1main"
	if fmt.Sprintf("%x", chainHash(s2)) == got {
		t.Error("length prefixes do not separate fields")
	}
}

func TestListOverlap(t *testing.T) {
	x, dir := newIndex(t)
	fakeSegments(t, x, dir, []string{"cam01", "cam02"}, 8) // 2 h
	cases := []struct {
		name     string
		cam      string
		from, to time.Time
		want     int
	}{
		{"one hour aligned", "cam01", t0.Add(time.Hour), t0.Add(2 * time.Hour), 4},
		{"inside one segment", "cam01", t0.Add(20 * time.Minute), t0.Add(25 * time.Minute), 1},
		{"straddling", "cam01", t0.Add(14 * time.Minute), t0.Add(16 * time.Minute), 2},
		{"before", "cam01", t0.Add(-time.Hour), t0, 0},
		{"after", "cam01", t0.Add(2 * time.Hour), t0.Add(3 * time.Hour), 0},
		{"all cameras", "", t0, t0.Add(30 * time.Minute), 4},
		{"unbounded", "cam02", time.Time{}, time.Time{}, 8},
	}
	for _, tc := range cases {
		got, err := x.List(context.Background(), tc.cam, tc.from, tc.to)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: List(%q, %v, %v) = %d segments, %v; want %d", tc.name, tc.cam, tc.from, tc.to, len(got), err, tc.want)
		}
	}
}
