// Package platetest renders synthetic photographs of licence plates for the
// reader's tests: system TrueType fonts, EU plate layouts with the euro band,
// placed in a cluttered scene with rotation, shear, blur and noise. It is
// deliberately independent of the simulator's renderer, so tests do not
// measure the reader on the font it will see in the simulated zone.
package platetest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// Fonts returns the TrueType fonts found among the usual Debian font
// packages (fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf), sans
// and condensed faces that resemble plate lettering, plus a serif and a
// mono for variety.
func Fonts() []string {
	cands := []string{
		"dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf", "dejavu/DejaVuSansMono-Bold.ttf",
		"dejavu/DejaVuSans.ttf", "liberation/LiberationSans-Bold.ttf", "liberation/LiberationSansNarrow-Bold.ttf",
		"liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationMono-Bold.ttf",
		"freefont/FreeSansBold.ttf", "freefont/FreeSans.ttf", "freefont/FreeMonoBold.ttf",
		"liberation/LiberationSerif-Bold.ttf",
	}
	var out []string
	for _, c := range cands {
		p := filepath.Join("/usr/share/fonts/truetype", c)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Face loads a font at a pixel size.
func Face(path string, px float64) (font.Face, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("platetest: font: %w", err)
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("platetest: font %s: %w", path, err)
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
}

// Spec describes one synthetic photo.
type Spec struct {
	Display string // text as on the plate, "1-ABC-123"
	Country string // euro band letters: "B", "NL", "F", "D", "L"
	Font    string
	Ink     color.RGBA // character colour (Belgian ruby red, black)
	Paper   color.RGBA // plate background (white, Dutch yellow)
	PlateW  int        // plate width in pixels in the photo
	Angle   float64    // in-plane rotation, degrees
	Shear   float64    // horizontal shear (perspective stand-in)
	Blur    float64    // Gaussian sigma in pixels
	Noise   float64    // Gaussian noise sigma (0..255 scale)
	Dark    float64    // 0 = daylight, 1 = night (darkened, contrast reduced)
	W, H    int        // photo size
	Seed    int64
	// TwoLine renders a square plate (280x200) with the text split at its
	// last separator: "1-ABC" over "123".
	TwoLine bool
}

// Plate renders just the plate, upright, at 520x110 proportions (or 280x200
// for TwoLine).
func Plate(s Spec) (*image.RGBA, error) {
	if s.TwoLine {
		return squarePlate(s)
	}
	pw := 520
	ph := 110
	img := image.NewRGBA(image.Rect(0, 0, pw, ph))
	draw.Draw(img, img.Bounds(), image.NewUniform(s.Paper), image.Point{}, draw.Src)
	// border
	border := color.RGBA{30, 30, 30, 255}
	if s.Ink.R > 100 {
		border = s.Ink
	}
	for i := 0; i < 4; i++ {
		for x := 0; x < pw; x++ {
			img.Set(x, i, border)
			img.Set(x, ph-1-i, border)
		}
		for y := 0; y < ph; y++ {
			img.Set(i, y, border)
			img.Set(pw-1-i, y, border)
		}
	}
	// euro band
	bandW := 46
	draw.Draw(img, image.Rect(4, 4, bandW, ph-4), image.NewUniform(color.RGBA{0, 51, 153, 255}), image.Point{}, draw.Src)
	if s.Country != "" {
		f, err := Face(s.Font, 30)
		if err != nil {
			return nil, err
		}
		d := &font.Drawer{Dst: img, Src: image.NewUniform(color.White), Face: f}
		adv := d.MeasureString(s.Country).Ceil()
		d.Dot = fixed.P(4+(bandW-4-adv)/2, ph-16)
		d.DrawString(s.Country)
		f.Close()
	}
	// characters: fit the text into the area right of the band
	areaX0, areaX1 := bandW+10, pw-12
	px := 82.0
	var face font.Face
	for {
		f, err := Face(s.Font, px)
		if err != nil {
			return nil, err
		}
		d := &font.Drawer{Face: f}
		if d.MeasureString(s.Display).Ceil() <= areaX1-areaX0 || px < 30 {
			face = f
			break
		}
		f.Close()
		px -= 4
	}
	defer face.Close()
	d := &font.Drawer{Dst: img, Src: image.NewUniform(s.Ink), Face: face}
	adv := d.MeasureString(s.Display).Ceil()
	m := face.Metrics()
	capH := m.Ascent.Ceil() * 72 / 100
	d.Dot = fixed.P(areaX0+(areaX1-areaX0-adv)/2, ph/2+capH/2)
	d.DrawString(s.Display)
	return img, nil
}

func squarePlate(s Spec) (*image.RGBA, error) {
	pw, ph := 280, 200
	img := image.NewRGBA(image.Rect(0, 0, pw, ph))
	draw.Draw(img, img.Bounds(), image.NewUniform(s.Paper), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, pw, 5), image.NewUniform(s.Ink), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, ph-5, pw, ph), image.NewUniform(s.Ink), image.Point{}, draw.Src)
	cut := strings.LastIndexAny(s.Display, "- ")
	lines := []string{s.Display, ""}
	if cut > 0 {
		lines = []string{s.Display[:cut], s.Display[cut+1:]}
	}
	face, err := Face(s.Font, 78)
	if err != nil {
		return nil, err
	}
	defer face.Close()
	for i, l := range lines {
		d := &font.Drawer{Dst: img, Src: image.NewUniform(s.Ink), Face: face}
		adv := d.MeasureString(l).Ceil()
		d.Dot = fixed.P((pw-adv)/2, 85+i*90)
		d.DrawString(l)
	}
	return img, nil
}

// Photo renders the plate into a cluttered scene and returns the image and
// the plate's bounding box in it.
func Photo(s Spec) (*image.RGBA, image.Rectangle, error) {
	rng := rand.New(rand.NewSource(s.Seed))
	pl, err := Plate(s)
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	img := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	// background: a vertical gradient, a "car body" and some clutter
	top := color.RGBA{uint8(90 + rng.Intn(120)), uint8(90 + rng.Intn(120)), uint8(90 + rng.Intn(120)), 255}
	for y := 0; y < s.H; y++ {
		f := float64(y) / float64(s.H)
		c := color.RGBA{uint8(float64(top.R) * (1 - f/2)), uint8(float64(top.G) * (1 - f/2)), uint8(float64(top.B) * (1 - f/2)), 255}
		draw.Draw(img, image.Rect(0, y, s.W, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	body := color.RGBA{uint8(rng.Intn(256)), uint8(rng.Intn(256)), uint8(rng.Intn(256)), 255}
	cx, cy := s.W/2+rng.Intn(s.W/5)-s.W/10, s.H/2+rng.Intn(s.H/5)-s.H/10
	bw, bh := s.PlateW*3, s.PlateW*2
	draw.Draw(img, image.Rect(cx-bw/2, cy-bh/2, cx+bw/2, cy+bh/3), image.NewUniform(body), image.Point{}, draw.Src)
	for i := 0; i < 12; i++ {
		c := color.RGBA{uint8(rng.Intn(256)), uint8(rng.Intn(256)), uint8(rng.Intn(256)), 255}
		x, y := rng.Intn(s.W), rng.Intn(s.H)
		draw.Draw(img, image.Rect(x, y, x+rng.Intn(60)+5, y+rng.Intn(20)+3), image.NewUniform(c), image.Point{}, draw.Src)
	}
	// the plate, scaled, rotated and sheared about the centre
	sc := float64(s.PlateW) / float64(pl.Bounds().Dx())
	a := s.Angle * math.Pi / 180
	cosA, sinA := math.Cos(a), math.Sin(a)
	pw, ph := float64(pl.Bounds().Dx()), float64(pl.Bounds().Dy())
	// src -> dst: translate(-pw/2,-ph/2), scale, shear, rotate, translate(cx,cy)
	m00, m01 := sc, s.Shear*sc
	m10, m11 := 0.0, sc
	r00, r01 := cosA*m00-sinA*m10, cosA*m01-sinA*m11
	r10, r11 := sinA*m00+cosA*m10, sinA*m01+cosA*m11
	tx := float64(cx) - (r00*pw/2 + r01*ph/2)
	ty := float64(cy) - (r10*pw/2 + r11*ph/2)
	aff := f64.Aff3{r00, r01, tx, r10, r11, ty}
	xdraw.BiLinear.Transform(img, aff, pl, pl.Bounds(), xdraw.Over, nil)
	var box image.Rectangle
	for i, p := range [][2]float64{{0, 0}, {pw, 0}, {pw, ph}, {0, ph}} {
		x := int(r00*p[0] + r01*p[1] + tx)
		y := int(r10*p[0] + r11*p[1] + ty)
		pt := image.Rect(x, y, x+1, y+1)
		if i == 0 {
			box = pt
		} else {
			box = box.Union(pt)
		}
	}
	if s.Blur > 0 {
		// Only the plate and its surroundings: blurring the whole scene
		// costs time and tells the reader nothing more.
		m := int(s.Blur*3) + 8
		r := box.Inset(-m).Intersect(img.Bounds())
		b := blur(img.SubImage(r).(*image.RGBA), s.Blur)
		draw.Draw(img, r, b, r.Min, draw.Src)
	}
	finish(img, s, rng)
	return img, box, nil
}

// finish applies night darkening and noise in place. The noise comes from a
// table of Gaussian samples walked at random: per-pixel NormFloat64 calls
// made rendering the slowest part of the tests.
func finish(img *image.RGBA, s Spec, rng *rand.Rand) {
	gain := 1 - 0.7*s.Dark
	lift := 20 * s.Dark
	var table [4096]float64
	for i := range table {
		table[i] = rng.NormFloat64() * s.Noise
	}
	idx := uint32(rng.Int31())
	for i := 0; i+3 < len(img.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			v := float64(img.Pix[i+c])*gain + lift
			if s.Noise > 0 {
				idx = idx*1664525 + 1013904223
				v += table[idx>>20]
			}
			img.Pix[i+c] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
}

// blur is a separable Gaussian blur.
func blur(src *image.RGBA, sigma float64) *image.RGBA {
	r := int(math.Ceil(sigma * 2.5))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	b := src.Bounds()
	tmp := image.NewRGBA(b)
	dst := image.NewRGBA(b)
	pass := func(in, out *image.RGBA, dx, dy int) {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				var acc [3]float64
				for i, w := range k {
					xx := min(max(x+(i-r)*dx, b.Min.X), b.Max.X-1)
					yy := min(max(y+(i-r)*dy, b.Min.Y), b.Max.Y-1)
					o := in.PixOffset(xx, yy)
					acc[0] += w * float64(in.Pix[o])
					acc[1] += w * float64(in.Pix[o+1])
					acc[2] += w * float64(in.Pix[o+2])
				}
				o := out.PixOffset(x, y)
				out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = uint8(acc[0]+0.5), uint8(acc[1]+0.5), uint8(acc[2]+0.5), 255
			}
		}
	}
	pass(src, tmp, 1, 0)
	pass(tmp, dst, 0, 1)
	return dst
}

// Case is one plate of the test set with its display form.
type Case struct {
	Plate, Display, Country, Band string
	Ink, Paper                    color.RGBA
}

// Cases returns n plates across the formats we read, deterministic for seed.
func Cases(n int, seed int64) []Case {
	rng := rand.New(rand.NewSource(seed))
	red := color.RGBA{155, 17, 30, 255}
	black := color.RGBA{15, 15, 15, 255}
	white := color.RGBA{245, 245, 240, 255}
	yellow := color.RGBA{245, 200, 20, 255}
	L := func(set string) byte { return set[rng.Intn(len(set))] }
	const letters = "ABCDEFGHJKLNPRSTVXYZ"
	const nl = "BDFGHJKLNPRSTVXZ"
	D := func() byte { return "0123456789"[rng.Intn(10)] }
	var out []Case
	for i := 0; i < n; i++ {
		var disp, band string
		ink, paper := black, white
		switch i % 8 {
		case 0, 1, 2: // Belgian current
			disp = fmt.Sprintf("%c-%c%c%c-%c%c%c", "12"[rng.Intn(2)], L(letters), L(letters), L(letters), D(), D(), D())
			band, ink = "B", red
		case 3: // Belgian 1973
			disp = fmt.Sprintf("%c%c%c-%c%c%c", L(letters), L(letters), L(letters), D(), D(), D())
			band, ink = "B", red
		case 4: // Dutch side code 8 (1-ABC-23 pattern)
			disp = fmt.Sprintf("%c-%c%c%c-%c%c", "123456789"[rng.Intn(9)], L(nl), L(nl), L(nl), D(), D())
			band, paper = "NL", yellow
		case 5: // French SIV
			disp = fmt.Sprintf("%c%c-%c%c%c-%c%c", L(letters), L(letters), D(), D(), D(), L(letters), L(letters))
			band = "F"
		case 6: // German
			disp = fmt.Sprintf("%c%c-%c%c %c%c%c", L(letters), L(letters), L(letters), L(letters), "123456789"[rng.Intn(9)], D(), D())
			band = "D"
		case 7: // Belgian 2008
			disp = fmt.Sprintf("%c%c%c-%c%c%c", D(), D(), D(), L(letters), L(letters), L(letters))
			band, ink = "B", red
		}
		cc := map[string]string{"B": "BE", "NL": "NL", "F": "FR", "D": "DE"}[band]
		out = append(out, Case{Plate: strings.NewReplacer("-", "", " ", "").Replace(disp), Display: disp, Country: cc, Band: band, Ink: ink, Paper: paper})
	}
	return out
}
