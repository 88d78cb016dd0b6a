package playback

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"

	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// synthSegment writes a segment file of at least length by repeating the
// recorded footage GOP after GOP (parts of one GOP, about a second, as the
// recorder writes them), so that a benchmark reads a real 15-minute file
// without recording for 15 minutes. The pictures repeat; the file is what a
// real segment of that length is to the reader.
func synthSegment(tb testing.TB, f *recorded, dst string, length time.Duration) {
	tb.Helper()
	type sample struct {
		s       Sample
		payload []byte
	}
	var all []sample
	var initBytes []byte
	for _, sg := range f.segs {
		path := filepath.Join(f.recordingsDir(), sg.Path)
		tr, err := ReadTrack(path)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		if initBytes == nil {
			initBytes = b[:initLength(tb, b)]
		}
		for _, s := range tr.Samples {
			all = append(all, sample{s, b[s.Offset : s.Offset+int64(s.Size)]})
		}
	}
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	if _, err := out.Write(initBytes); err != nil {
		tb.Fatal(err)
	}
	limit := uint64(length / time.Second * 90000)
	var base uint64
	var seq uint32
	var buf seekablebuffer.Buffer
	for base < limit {
		for i := 0; i < len(all) && base < limit; {
			j := i + 1
			for j < len(all) && !all[j].s.Sync {
				j++
			}
			var samples []*fmp4.Sample
			var dur uint64
			for _, s := range all[i:j] {
				samples = append(samples, &fmp4.Sample{Duration: s.s.Duration, PTSOffset: s.s.PTSOffset,
					IsNonSyncSample: !s.s.Sync, Payload: s.payload})
				dur += uint64(s.s.Duration)
			}
			seq++
			p := fmp4.Part{SequenceNumber: seq, Tracks: []*fmp4.PartTrack{{ID: 1, BaseTime: base, Samples: samples}}}
			buf.Reset()
			buf.Seek(0, 0) //nolint:errcheck // cannot fail at 0
			if err := p.Marshal(&buf); err != nil {
				tb.Fatal(err)
			}
			if _, err := out.Write(buf.Bytes()); err != nil {
				tb.Fatal(err)
			}
			base += dur
			i = j
		}
	}
}

// yearIndex makes a recordings directory whose index holds a year of
// 15-minute segments of 16 cameras (560,640 rows), every row pointing at
// one of two synthetic 15-minute files made from real footage.
func yearIndex(b *testing.B) (dir string, idx *recording.Index, t0 time.Time) {
	const cameras, perCamera, segLen = 16, 35040, 15 * time.Minute
	f := footage(b)
	data := b.TempDir()
	dir = filepath.Join(data, "recordings")
	if err := os.MkdirAll(filepath.Join(dir, "real"), 0o700); err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		synthSegment(b, f, filepath.Join(dir, "real", fmt.Sprintf("s%d.mp4", i)), segLen)
	}
	dbPath := filepath.Join(data, "recordings.db")
	x, err := recording.OpenIndex(dbPath) // the schema
	if err != nil {
		b.Fatal(err)
	}
	x.Close()
	db, err := sqlitedb.Open(dbPath, sqlitedb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO segments(camera, stream, seq, start_ns, end_ns, path, bytes, sha256, prev, chain) VALUES(?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		b.Fatal(err)
	}
	t0 = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	h := make([]byte, 32)
	for c := range cameras {
		cam := fmt.Sprintf("cam%02d", c+1)
		for i := range perCamera {
			start := t0.Add(time.Duration(i) * segLen)
			// Paths are unique in the index; ".." brings them back to the
			// two real files.
			path := fmt.Sprintf("%s/%d/../../real/s%d.mp4", cam, i, i%2)
			if _, err := st.Exec(cam, "main", i+1, start.UnixNano(), start.Add(segLen).UnixNano(), path, 1, h, h, h); err != nil {
				b.Fatal(err)
			}
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	idx, err = recording.OpenIndexReadOnly(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	return dir, idx, t0
}

func reportPercentiles(b *testing.B, lat []time.Duration, name string) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)*95/100]), name+"-p95-ms")
	b.ReportMetric(ms(lat[len(lat)/2]), name+"-p50-ms")
}

// BenchmarkPlayAt is "play at T" in a year's index of 16 cameras: list the
// camera's segments from T, open a reader, seek, and have the first frame
// decoded. Target: p95 ≤ 300 ms.
func BenchmarkPlayAt(b *testing.B) {
	dir, idx, t0 := yearIndex(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	year := 35040 * 15 * time.Minute
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		cam := fmt.Sprintf("cam%02d", rng.IntN(16)+1)
		at := t0.Add(time.Duration(rng.Int64N(int64(year - time.Hour))))
		start := time.Now()
		segs, err := idx.List(ctx, cam, at, at.Add(time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		r, err := Open(dir, segs)
		if err != nil {
			b.Fatal(err)
		}
		fr, err := r.SeekTo(at)
		lat = append(lat, time.Since(start))
		r.Close()
		if err != nil || fr.Time.After(at) || at.Sub(fr.Time) > time.Second {
			b.Fatalf("SeekTo(%v) = frame at %v, %v", at, fr.Time, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat, "first-frame")
}

// BenchmarkSeek seeks a reader open over one day of one camera (96
// segments) to random moments of that day. Target: p95 ≤ 300 ms.
func BenchmarkSeek(b *testing.B) {
	dir, idx, t0 := yearIndex(b)
	day := t0.Add(200 * 24 * time.Hour)
	segs, err := idx.List(context.Background(), "cam07", day, day.Add(24*time.Hour))
	if err != nil || len(segs) != 96 {
		b.Fatalf("List of one day = %d segments, %v", len(segs), err)
	}
	r, err := Open(dir, segs)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	rng := rand.New(rand.NewPCG(7, 8))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		at := day.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
		start := time.Now()
		fr, err := r.SeekTo(at)
		lat = append(lat, time.Since(start))
		if err != nil || fr.Time.After(at) {
			b.Fatalf("SeekTo(%v) = %v, %v", at, fr.Time, err)
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat, "seek")
}
