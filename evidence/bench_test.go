package evidence

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"

	"github.com/politiezone/zoneconsole/playback"
	"github.com/politiezone/zoneconsole/recording"
)

// synthSegment writes a segment file of at least length by repeating the
// recorded footage GOP after GOP in parts of one GOP (about a second, as
// the recorder writes them), and returns its media duration: an hour of
// 720p without recording for an hour. The pictures repeat; to a remux the
// file is what a real segment of that length is.
func synthSegment(tb testing.TB, f *recorded, dst string, length time.Duration) time.Duration {
	tb.Helper()
	type smp struct {
		s       playback.Sample
		payload []byte
	}
	var all []smp
	var initBytes []byte
	for _, sg := range f.segs {
		path := filepath.Join(f.recordingsDir(), sg.Path)
		tr, err := playback.ReadTrack(path)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		if initBytes == nil {
			initBytes = b[:firstMoof(tb, b)]
		}
		for _, s := range tr.Samples {
			all = append(all, smp{s, b[s.Offset : s.Offset+int64(s.Size)]})
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
			for _, s := range all[i:j] {
				samples = append(samples, &fmp4.Sample{Duration: s.s.Duration, PTSOffset: s.s.PTSOffset,
					IsNonSyncSample: !s.s.Sync, Payload: s.payload})
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
			for _, s := range samples {
				base += uint64(s.Duration)
			}
			i = j
		}
	}
	return time.Duration(base) * time.Second / 90000
}

// firstMoof is where the init part (ftyp+moov) of a segment file ends.
func firstMoof(tb testing.TB, b []byte) int {
	i := strings.Index(string(b), "moof")
	if i < 4 {
		tb.Fatal("no moof")
	}
	return i - 4
}

// BenchmarkExportHour exports one hour of one 720p camera (four 15-minute
// segments made from real footage) and, in the same run, has ffmpeg
// concatenate the same segments with -c copy. Reported: both times and
// their ratio (target: at most 1.5).
func BenchmarkExportHour(b *testing.B) {
	ffmpeg := needTool(b, "ffmpeg")
	f := footage(b)
	data := b.TempDir()
	rec := filepath.Join(data, "recordings")
	if err := os.MkdirAll(filepath.Join(rec, "cam01"), 0o700); err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var segs []recording.Segment
	var list strings.Builder
	start := t0
	for k := range 4 {
		rel := fmt.Sprintf("cam01/%d.mp4", k)
		d := synthSegment(b, f, filepath.Join(rec, rel), 15*time.Minute)
		fi, _ := os.Stat(filepath.Join(rec, rel))
		segs = append(segs, recording.Segment{Camera: "cam01", Seq: int64(k + 1), Start: start, End: start.Add(d),
			Path: rel, Bytes: fi.Size(), SHA256: make([]byte, 32), Chain: make([]byte, 32)})
		fmt.Fprintf(&list, "file '%s'\n", filepath.Join(rec, rel))
		start = start.Add(d)
	}
	listPath := filepath.Join(data, "concat.txt")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	var ours, theirs time.Duration
	var size int64
	b.ResetTimer()
	for i := range b.N {
		out := filepath.Join(data, fmt.Sprintf("out-%d", i))
		req := Request{Dir: filepath.Join(out, "export"), RecordingsDir: rec,
			Cameras: []CameraClip{{ID: "cam01", Name: "bench", Segments: segs}},
			From:    t0, To: t0.Add(time.Hour), Who: "bench", Justification: "bench", Case: "BENCH-1",
			Console: "bench", Key: testKey(3)}
		if err := os.Mkdir(out, 0o700); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		res, err := Export(context.Background(), req)
		ours += time.Since(t1)
		if err != nil {
			b.Fatal(err)
		}
		size = res.Manifest.Cameras[0].Clips[0].Bytes
		t2 := time.Now()
		cmd := exec.Command(ffmpeg, "-v", "error", "-f", "concat", "-safe", "0", "-i", listPath, "-c", "copy", "-y", filepath.Join(out, "ffmpeg.mp4"))
		if o, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v\n%s", err, o)
		}
		theirs += time.Since(t2)
		b.StopTimer()
		os.RemoveAll(out)
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "export-s")
	b.ReportMetric(theirs.Seconds()/n, "ffmpeg-copy-s")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
	b.ReportMetric(float64(size)/1e6, "clip-MB")
}
