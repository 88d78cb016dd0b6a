package sim

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPlateAtPassage checks the ground truth against the pictures: in the
// main-stream frame captured at a passage's Time, the passage's PlateBox
// holds a plate of the country's colours, 180-260 px wide. Set
// SIM_SNAPSHOT_DIR to keep the frames and crops as PNG.
func TestPlateAtPassage(t *testing.T) {
	t.Parallel() // mostly waiting for the scene clock
	needFFmpeg(t)
	z := startZone(t, Config{Cameras: 3, Seed: 11})
	cam := z.Cameras()[2]
	if !cam.ANPR {
		t.Fatalf("%s is not an ANPR camera", cam.ID)
	}
	var ps []Passage
	for _, in := range []struct{ display, country string }{{"1-ABC-123", "BE"}, {"GB-123-X", "NL"}} {
		p, err := z.Inject(cam.ID, in.display, in.country)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	last := ps[len(ps)-1].Time
	n := int(math.Ceil(time.Until(last).Seconds()*15)) + 10
	ctx, cancel := context.WithTimeout(context.Background(), time.Until(last)+20*time.Second)
	defer cancel()
	imgs, err := grabFrames(ctx, cam.MainURL, n)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("SIM_SNAPSHOT_DIR")
	for _, p := range ps {
		best, bd := -1, time.Hour
		for i, img := range imgs {
			if s, ok := ReadStamp(img); ok {
				if d := s.Captured.Sub(p.Time).Abs(); d < bd {
					best, bd = i, d
				}
			}
		}
		if best < 0 || bd > 70*time.Millisecond {
			t.Fatalf("%s: no frame within 70 ms of %v (closest %v)", p.Display, p.Time, bd)
		}
		box := p.PlateBox
		if w := box.Dx(); w < 180 || w > 260 {
			t.Errorf("%s: plate %d px wide, want 180-260", p.Display, w)
		}
		img := imgs[best]
		bg, ink, total := 0, 0, 0
		for y := box.Min.Y + box.Dy()/5; y < box.Max.Y-box.Dy()/5; y++ {
			for x := box.Min.X + box.Dx()/8; x < box.Max.X-box.Dx()/20; x++ {
				r, g, b := rgb8(img, x, y)
				total++
				switch p.Country {
				case "BE":
					if r > 170 && g > 170 && b > 170 {
						bg++
					} else if r > 110 && g < 100 && b < 100 {
						ink++
					}
				case "NL":
					if r > 170 && g > 130 && b < 110 {
						bg++
					} else if r < 90 && g < 90 && b < 90 {
						ink++
					}
				}
			}
		}
		t.Logf("%s at %v: frame %d (%v off), box %v: background %d%%, characters %d%%", p.Display, p.Time.Format("15:04:05.000"), best, bd, box, 100*bg/total, 100*ink/total)
		if bg*100 < 35*total || ink*100 < 8*total {
			t.Errorf("%s: box %v does not look like a %s plate", p.Display, box, p.Country)
		}
		if dir != "" {
			save(t, filepath.Join(dir, p.Plate+".png"), img)
			save(t, filepath.Join(dir, p.Plate+"-crop.png"), img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(box.Inset(-10)))
		}
	}
}

func rgb8(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

func save(t *testing.T, path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", path, err))
	}
}
