package evidence

import (
	"context"
	"image"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/politiezone/zoneconsole/sim"
	"github.com/politiezone/zoneconsole/zone"
)

// frameAt decodes one picture of a clip with ffmpeg (a peer decoder, not
// ours) at second sec.
func frameAt(t *testing.T, path, sec string, w, h int) *image.RGBA {
	t.Helper()
	out, err := exec.Command(needTool(t, "ffmpeg"), "-v", "error", "-ss", sec, "-i", path, "-frames:v", "1",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-").Output()
	if err != nil || len(out) != w*h*4 {
		t.Fatalf("ffmpeg frame of %s at %s: %d bytes, %v", path, sec, len(out), err)
	}
	return &image.RGBA{Pix: out, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// meanLuma is the mean luma of r in img, and its brightest pixel.
func meanLuma(img *image.RGBA, r image.Rectangle) (mean float64, top int) {
	sum, n := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			o := img.PixOffset(x, y)
			l := (299*int(img.Pix[o]) + 587*int(img.Pix[o+1]) + 114*int(img.Pix[o+2])) / 1000
			sum += l
			top = max(top, l)
			n++
		}
	}
	return float64(sum) / float64(n), top
}

// TestMaskedExportIsBlackUnderTheMask exports a camera with a privacy mask:
// the clip is re-encoded, ffprobe reads it with the period's duration, and
// a frame decoded back by ffmpeg is black under the mask and not elsewhere,
// while the unmasked export shows something there.
func TestMaskedExportIsBlackUnderTheMask(t *testing.T) {
	f := footage(t)
	mask := zone.Mask{X: 0.5, Y: 0.4, W: 0.3, H: 0.3}
	req := request(t, f, []zone.Mask{mask})
	res, err := Export(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	cam := res.Manifest.Cameras[0]
	clip := cam.Clips[0]
	if !cam.Masked || !clip.Reencoded || len(cam.Masks) != 1 || clip.Undecodable != 0 {
		t.Errorf("manifest camera: masked %v, reencoded %v, masks %v, undecodable %d", cam.Masked, clip.Reencoded, cam.Masks, clip.Undecodable)
	}
	path := filepath.Join(res.Dir, clip.File)
	p := ffprobe(t, path)
	frame := f.frameInterval()
	want := clip.End.Sub(clip.Start)
	if d := p.duration - want; d.Abs() > frame || p.frames != clip.Frames {
		t.Errorf("ffprobe %v, %d frames; clip %v, %d frames", p.duration, p.frames, want, clip.Frames)
	}
	const w, h = 1280, 720
	// The mask in pixels, 8 px inside its edges where the codec rings.
	in := image.Rect(int(mask.X*w)+8, int(mask.Y*h)+8, int((mask.X+mask.W)*w)-8, int((mask.Y+mask.H)*h)-8)
	out := image.Rect(40, 200, 400, 500)
	for _, sec := range []string{"0.5", "2", "4"} {
		img := frameAt(t, path, sec, w, h)
		if m, top := meanLuma(img, in); m > 8 || top > 40 {
			t.Errorf("at %ss: under the mask mean luma %.1f, brightest %d; want black", sec, m, top)
		}
		if m, _ := meanLuma(img, out); m < 20 {
			t.Errorf("at %ss: outside the mask mean luma %.1f: the picture is black there too", sec, m)
		}
		if _, ok := sim.ReadStamp(img); !ok {
			t.Errorf("at %ss: the simulator's stamp no longer reads after re-encoding", sec)
		}
	}
	plain := request(t, f, nil)
	pres, err := Export(context.Background(), plain)
	if err != nil {
		t.Fatal(err)
	}
	img := frameAt(t, filepath.Join(pres.Dir, pres.Manifest.Cameras[0].Clips[0].File), "2", w, h)
	if m, _ := meanLuma(img, in); m < 20 {
		t.Errorf("unmasked export: mean luma %.1f in the mask's place; the test would prove nothing", m)
	}
	if rep, err := Verify(res.Dir, nil); err != nil || !rep.Intact() {
		t.Errorf("Verify(masked export) = %v, %v", rep.Differences, err)
	}
}
