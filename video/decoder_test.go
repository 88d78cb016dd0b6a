package video

import (
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// encodeAUs has ffmpeg encode a short test pattern and splits it into access
// units (by the access unit delimiters it is told to insert).
func encodeAUs(t testing.TB, codec Codec, size string, frames int) [][][]byte {
	t.Helper()
	var args []string
	audType := func(n []byte) bool { return n[0]&0x1f == 9 }
	switch codec {
	case CodecH264:
		args = []string{"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15",
			"-pix_fmt", "yuv420p", "-bsf:v", "h264_metadata=aud=insert", "-f", "h264"}
	case CodecH265:
		args = []string{"-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
			"-x265-params", "keyint=15:log-level=error", "-pix_fmt", "yuv420p", "-bsf:v", "hevc_metadata=aud=insert", "-f", "hevc"}
		audType = func(n []byte) bool { return (n[0]>>1)&0x3f == 35 }
	default:
		t.Fatalf("encodeAUs: codec %v", codec)
	}
	out := filepath.Join(t.TempDir(), "stream.bin")
	all := append([]string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=15",
		"-frames:v", strconv.Itoa(frames)}, args...)
	all = append(all, out)
	if b, err := exec.Command("ffmpeg", all...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var nalus h264.AnnexB
	if err := nalus.Unmarshal(raw); err != nil {
		t.Fatalf("annex-b: %v", err)
	}
	var aus [][][]byte
	for _, n := range nalus {
		if len(n) == 0 {
			continue
		}
		if audType(n) {
			aus = append(aus, nil)
			continue
		}
		if len(aus) == 0 {
			aus = append(aus, nil)
		}
		aus[len(aus)-1] = append(aus[len(aus)-1], n)
	}
	return aus
}

func TestDecoderCodecs(t *testing.T) {
	for _, codec := range []Codec{CodecH264, CodecH265} {
		t.Run(codec.String(), func(t *testing.T) {
			aus := encodeAUs(t, codec, "320x180", 30)
			d, err := NewDecoder(codec)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			got := 0
			for i, au := range aus {
				img, err := d.Decode(au)
				switch {
				case errors.Is(err, ErrNoFrame):
				case err != nil:
					t.Fatalf("Decode(au %d) = %v", i, err)
				case img == nil:
					t.Fatalf("Decode(au %d) = nil, nil", i)
				default:
					got++
					if img.Rect.Dx() != 320 || img.Rect.Dy() != 180 {
						t.Fatalf("frame %d size %v", i, img.Rect)
					}
				}
			}
			if got < len(aus)-1 {
				t.Errorf("decoded %d frames of %d access units", got, len(aus))
			}
		})
	}
}

// TestDecoderGarbage: random bytes give errors (never nil, nil, never a
// crash), and the decoder comes back at the next IDR.
func TestDecoderGarbage(t *testing.T) {
	aus := encodeAUs(t, CodecH264, "320x180", 30)
	d, err := NewDecoder(CodecH264)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		n := 1 + rng.IntN(3)
		au := make([][]byte, n)
		for j := range au {
			au[j] = make([]byte, rng.IntN(2000))
			for k := range au[j] {
				au[j][k] = byte(rng.Uint32())
			}
		}
		img, err := d.Decode(au)
		if err == nil && img == nil {
			t.Fatalf("garbage %d: nil, nil", i)
		}
	}
	// The encoded clip starts with an IDR (and repeats one every 15 frames).
	got := 0
	for _, au := range aus {
		if img, err := d.Decode(au); err == nil && img != nil {
			got++
		}
	}
	if got < 10 {
		t.Errorf("after garbage, decoded %d of %d frames; want recovery at the IDR", got, len(aus))
	}
	if _, err := d.Decode(nil); !errors.Is(err, ErrDecode) {
		t.Errorf("Decode(nil) = %v, want ErrDecode", err)
	}
	d.Close()
	if err := d.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, err := d.Decode(aus[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Decode after Close = %v, want ErrClosed", err)
	}
}

// TestDecoderNoAllocs proves the steady state allocates nothing in Go.
func TestDecoderNoAllocs(t *testing.T) {
	aus := encodeAUs(t, CodecH264, "640x360", 30)
	d, err := NewDecoder(CodecH264)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, au := range aus { // warm up: buffers and scaler reach their size
		_, _ = d.Decode(au)
	}
	i := 0
	allocs := testing.AllocsPerRun(len(aus)*2, func() {
		_, _ = d.Decode(aus[i%len(aus)])
		i++
	})
	if allocs != 0 {
		t.Errorf("Decode allocates %.1f times per frame, want 0", allocs)
	}

	// The Source's path: swscale writes into a pooled frame.
	pool := newFramePool(4)
	into := func(r image.Rectangle) *image.RGBA {
		f := pool.get(r)
		f.Release() // straight back: the next get reuses it
		return f.Image
	}
	allocs = testing.AllocsPerRun(len(aus)*2, func() {
		_, _ = d.decodeInto(aus[i%len(aus)], into)
		i++
	})
	if allocs != 0 {
		t.Errorf("decodeInto allocates %.1f times per frame, want 0", allocs)
	}
	img, err := d.decodeInto(aus[0], into)
	if err != nil || !notBlank(img) {
		t.Errorf("decodeInto(IDR) = %v, %v; want a picture", img != nil, err)
	}
}

func BenchmarkDecodeH264(b *testing.B) {
	aus := encodeAUs(b, CodecH264, "640x360", 60)
	d, err := NewDecoder(CodecH264)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.ReportAllocs()
	frames := 0
	for i := 0; b.Loop(); i++ {
		if _, err := d.Decode(aus[i%len(aus)]); err == nil {
			frames++
		}
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}
