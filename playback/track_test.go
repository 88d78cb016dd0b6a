package playback

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
)

// TestTrackMatchesMediacommon reads every recorded segment with our moof
// parser and with fmp4.Parts.Unmarshal over the whole file: same samples,
// same timing, same keyframes, and the offsets point at the same bytes.
func TestTrackMatchesMediacommon(t *testing.T) {
	f := footage(t)
	for _, s := range f.segs {
		path := filepath.Join(f.recordingsDir(), s.Path)
		tr, err := ReadTrack(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var init fmp4.Init
		if err := init.Unmarshal(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		var parts fmp4.Parts
		// Parts.Unmarshal wants the bytes from the first moof on; the
		// init part is ftyp+moov, whose end ReadTrack found too.
		initEnd := initLength(t, b)
		if err := parts.Unmarshal(b[initEnd:]); err != nil {
			t.Fatalf("%s: Parts.Unmarshal: %v", s.Path, err)
		}
		i := 0
		for _, p := range parts {
			dts := int64(p.Tracks[0].BaseTime)
			for _, ms := range p.Tracks[0].Samples {
				if i >= len(tr.Samples) {
					t.Fatalf("%s: more samples in mediacommon's reading", s.Path)
				}
				got := tr.Samples[i]
				if got.DTS != dts || got.Duration != ms.Duration || got.PTSOffset != ms.PTSOffset ||
					got.Sync == ms.IsNonSyncSample || int(got.Size) != len(ms.Payload) ||
					!bytes.Equal(b[got.Offset:got.Offset+int64(got.Size)], ms.Payload) {
					t.Fatalf("%s: sample %d = %+v, mediacommon dts %d %+v", s.Path, i, got, dts, ms)
				}
				dts += int64(ms.Duration)
				i++
			}
		}
		if i != len(tr.Samples) || tr.Torn || tr.Size != int64(len(b)) {
			t.Errorf("%s: %d samples (mediacommon %d), torn %v, size %d of %d", s.Path, len(tr.Samples), i, tr.Torn, tr.Size, len(b))
		}
		if d := tr.Duration() - s.End.Sub(s.Start); d.Abs() > f.frameInterval() {
			t.Errorf("%s: track %v long, index %v", s.Path, tr.Duration(), s.End.Sub(s.Start))
		}
	}
}

func initLength(t testing.TB, b []byte) int64 {
	t.Helper()
	r := bytes.NewReader(b)
	_, n, _, _, err := header(r, 0, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, m, _, _, err := header(r, n, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return n + m
}

func TestSplitAVCC(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want int
		bad  bool
	}{
		{"two units", []byte{0, 0, 0, 2, 0x65, 1, 0, 0, 0, 1, 0x41}, 2, false},
		{"empty", nil, 0, false},
		{"length past the end", []byte{0, 0, 0, 9, 0x65}, 0, true},
		{"zero length", []byte{0, 0, 0, 0}, 0, true},
		{"cut prefix", []byte{0, 0}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitAVCC(nil, tc.in)
			if (err != nil) != tc.bad || (!tc.bad && len(got) != tc.want) {
				t.Errorf("SplitAVCC(%x) = %d units, %v; want %d, error %v", tc.in, len(got), err, tc.want, tc.bad)
			}
		})
	}
}
