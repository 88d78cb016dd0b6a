package playback

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/sim"
)

// truth is what the simulator stamped into one recorded frame, with the
// time the reader gave it.
type truth struct {
	stamp sim.Stamp
	at    time.Time // Frame.Time
	key   bool
}

// readAll plays the footage from the first frame to the end with Next.
func readAll(t *testing.T, r *Reader) []truth {
	t.Helper()
	var out []truth
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d frames: %v", len(out), err)
		}
		s, ok := sim.ReadStamp(f.Image)
		if !ok {
			t.Fatalf("frame %d at %v: no stamp readable", len(out), f.Time)
		}
		out = append(out, truth{stamp: s, at: f.Time, key: f.Keyframe})
	}
}

// TestNextFollowsTheStamps plays every recorded frame in order: each is the
// simulator's next frame (the counter goes up by exactly one, across the
// segment boundaries too), and its capture time from the segment start and
// its PTS is the stamped one within one frame interval.
func TestNextFollowsTheStamps(t *testing.T) {
	f := footage(t)
	r, err := Open(f.recordingsDir(), f.segs)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	all := readAll(t, r)
	if want := int(f.segs[len(f.segs)-1].End.Sub(f.segs[0].Start) / f.frameInterval()); len(all) < want*9/10 {
		t.Fatalf("%d frames played, want about %d", len(all), want)
	}
	var worst time.Duration
	for i, fr := range all {
		if i > 0 && fr.stamp.Seq != all[i-1].stamp.Seq+1 {
			t.Errorf("frame %d: seq %d after %d: Next did not step one frame", i, fr.stamp.Seq, all[i-1].stamp.Seq)
		}
		d := fr.at.Sub(fr.stamp.Captured).Abs()
		worst = max(worst, d)
		if d > f.frameInterval() {
			t.Errorf("frame %d (seq %d): reader time %v, stamped %v: %v apart", i, fr.stamp.Seq, fr.at, fr.stamp.Captured, d)
		}
	}
	t.Logf("%d frames over %d segments; reader time within %v of the stamp", len(all), len(f.segs), worst)
	if len(r.Skipped()) != 0 {
		t.Errorf("Skipped = %v, want none", r.Skipped())
	}
}

// TestSeekShowsTheStampedFrame seeks to random moments: the frame shown is
// exactly the one on screen at that moment in a frame-by-frame playback,
// and its stamped capture time lies within one frame interval before the
// moment (give or take the recording clock's error against the stamps,
// which TestNextFollowsTheStamps holds under one frame: the first segment
// starts at the arrival of its first unit, before any RTCP report gives the
// camera's clock). Then Prev and Next step exactly one frame each way.
func TestSeekShowsTheStampedFrame(t *testing.T) {
	f := footage(t)
	r, err := Open(f.recordingsDir(), f.segs)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	all := readAll(t, r)
	var clockErr time.Duration
	for _, fr := range all {
		clockErr = max(clockErr, fr.at.Sub(fr.stamp.Captured).Abs())
	}
	first, last := all[0].at, all[len(all)-1].at
	rng := rand.New(rand.NewPCG(3, 4))
	stampExact := 0
	const probes = 40
	for i := range probes {
		at := first.Add(time.Duration(rng.Int64N(int64(last.Sub(first)))))
		if i == 0 {
			at = f.segs[1].Start.Add(time.Millisecond) // just past a segment boundary
		}
		want, byStamp := 0, 0
		for k, fr := range all {
			if !fr.at.After(at) {
				want = k
			}
			if !fr.stamp.Captured.After(at) {
				byStamp = k
			}
		}
		got, err := r.SeekTo(at)
		if err != nil {
			t.Fatalf("SeekTo(%v): %v", at, err)
		}
		s, ok := sim.ReadStamp(got.Image)
		if !ok {
			t.Fatalf("SeekTo(%v): no stamp", at)
		}
		if s.Seq != all[want].stamp.Seq {
			t.Errorf("SeekTo(%v) showed seq %d, frame-by-frame playback shows seq %d then", at, s.Seq, all[want].stamp.Seq)
			continue
		}
		if s.Seq == all[byStamp].stamp.Seq {
			stampExact++
		}
		if lag := at.Sub(s.Captured); lag < -clockErr || lag > f.frameInterval()+clockErr {
			t.Errorf("SeekTo(%v) showed the frame stamped %v: %v before, want within one frame interval (clock error %v)", at, s.Captured, lag, clockErr)
		}
		if p, err := r.Prev(); err == nil {
			if ps, _ := sim.ReadStamp(p.Image); ps.Seq != s.Seq-1 {
				t.Errorf("Prev after seq %d showed seq %d", s.Seq, ps.Seq)
			}
			if n, err := r.Next(); err != nil {
				t.Errorf("Next after Prev: %v", err)
			} else if ns, _ := sim.ReadStamp(n.Image); ns.Seq != s.Seq {
				t.Errorf("Next after Prev showed seq %d, want %d", ns.Seq, s.Seq)
			}
		} else if !errors.Is(err, io.EOF) {
			t.Errorf("Prev: %v", err)
		}
	}
	t.Logf("%d of %d seeks on the very frame stamped last before the moment; recording clock within %v of the stamps", stampExact, probes, clockErr)
	if _, err := r.SeekTo(last.Add(time.Minute)); !errors.Is(err, io.EOF) {
		t.Errorf("SeekTo after the footage = %v, want io.EOF", err)
	}
	if g, err := r.SeekTo(first.Add(-time.Hour)); err != nil || g.Time.After(first.Add(f.frameInterval())) {
		t.Errorf("SeekTo before the footage = %v, %v; want the first frame", g.Time, err)
	}
}

// TestKeyframeMode steps keyframe by keyframe: every frame shown is a
// keyframe, a GOP (one second at the simulator's rate) after the last.
func TestKeyframeMode(t *testing.T) {
	f := footage(t)
	r, err := Open(f.recordingsDir(), f.segs)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.SetKeyframesOnly(true)
	start, err := r.SeekTo(f.segs[0].Start.Add(1500 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !start.Keyframe {
		t.Fatalf("SeekTo in keyframe mode showed a non-keyframe at %v", start.Time)
	}
	prev, _ := sim.ReadStamp(start.Image)
	n := 0
	for {
		fr, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		s, ok := sim.ReadStamp(fr.Image)
		if !ok || !fr.Keyframe {
			t.Fatalf("keyframe step %d: keyframe %v, stamp %v", n, fr.Keyframe, ok)
		}
		if d := s.Seq - prev.Seq; d < 2 || d > uint64(2*f.fps) {
			t.Errorf("keyframe step %d: seq %d after %d", n, s.Seq, prev.Seq)
		}
		prev = s
		n++
	}
	if n < 4 {
		t.Errorf("%d keyframe steps, want one per second of footage", n)
	}
	back, err := r.Prev()
	if err != nil || !back.Keyframe {
		t.Errorf("Prev in keyframe mode = %v, %v; want the keyframe before", back.Keyframe, err)
	}
}

// TestBrokenSegmentsAreNamedAndSkipped removes one segment's file and
// garbles another's: playback goes on over the others and names both.
func TestBrokenSegmentsAreNamedAndSkipped(t *testing.T) {
	f := footage(t)
	if len(f.segs) < 3 {
		t.Skip("needs three segments")
	}
	dir := copyFootage(t, f)
	gone, bad := f.segs[0], f.segs[1]
	if err := os.Remove(filepath.Join(dir, gone.Path)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, bad.Path), []byte("not an mp4 at all, garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir, f.segs)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fr, err := r.SeekTo(gone.Start.Add(time.Second))
	if err != nil {
		t.Fatalf("SeekTo into a missing segment: %v", err)
	}
	if fr.Segment != f.segs[2].Path {
		t.Errorf("SeekTo into the missing segment landed in %s, want the next readable %s", fr.Segment, f.segs[2].Path)
	}
	all := readAll(t, r)
	if len(all) == 0 {
		t.Fatal("no frame after the broken segments")
	}
	named := map[string]bool{}
	for _, e := range r.Skipped() {
		named[e.Path] = true
		t.Logf("skipped: %v", e)
	}
	if !named[gone.Path] || !named[bad.Path] || len(named) != 2 {
		t.Errorf("Skipped names %v, want %s and %s", named, gone.Path, bad.Path)
	}
}

// TestOpenSegmentGrows plays a segment as it is being written: a copy cut
// in the middle of a part shows the whole parts before the cut, and the
// frames written afterwards come with Next.
func TestOpenSegmentGrows(t *testing.T) {
	f := footage(t)
	seg := f.segs[0]
	full, err := os.ReadFile(filepath.Join(f.recordingsDir(), seg.Path))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "open.mp4")
	cut := len(full) * 2 / 3
	if err := os.WriteFile(path, full[:cut], 0o600); err != nil {
		t.Fatal(err)
	}
	whole, err := ReadTrack(filepath.Join(f.recordingsDir(), seg.Path))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ReadTrack(path)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Torn || tr.Frames() == 0 || tr.Frames() >= whole.Frames() {
		t.Fatalf("cut copy: torn %v, %d of %d frames", tr.Torn, tr.Frames(), whole.Frames())
	}
	open := recording.Segment{Camera: seg.Camera, Start: seg.Start, Path: "open.mp4"}
	r, err := Open(dir, []recording.Segment{open})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for ; ; n++ {
		if _, err := r.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("Next: %v", err)
			}
			break
		}
	}
	if n != tr.Frames() {
		t.Errorf("played %d frames of the open segment, want %d", n, tr.Frames())
	}
	if err := os.WriteFile(path, full, 0o600); err != nil {
		t.Fatal(err)
	}
	for ; ; n++ {
		if _, err := r.Next(); err != nil {
			break
		}
	}
	if n != whole.Frames() {
		t.Errorf("after the segment grew, played %d frames, want %d", n, whole.Frames())
	}
}
