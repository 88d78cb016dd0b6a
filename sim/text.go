package sim

import (
	"fmt"
	"image"
	"image/draw"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fontFiles are tried in order for plate and on-screen text; a narrow bold
// sans is closest to the DIN-like lettering of European plates. gobold,
// compiled in, is the fallback so that the zone runs without system fonts.
var fontFiles = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}

// loadFontBytes returns the TTF data of the first font found and its name.
func loadFontBytes() ([]byte, string) {
	for _, p := range fontFiles {
		if b, err := os.ReadFile(p); err == nil {
			if _, err := opentype.Parse(b); err == nil {
				return b, p
			}
		}
	}
	return gobold.TTF, "gobold"
}

// typeface renders text for one stream. It is not safe for concurrent use:
// each renderer owns one (opentype faces keep per-face scratch state).
type typeface struct {
	font  *opentype.Font
	faces map[int]font.Face
	// glyphs caches masks of single runes per pixel size, for the
	// on-screen display whose text changes every frame.
	glyphs  map[glyphKey]glyph
	scratch *image.Alpha
}

type glyphKey struct {
	r    rune
	size int
}

type glyph struct {
	mask    *image.Alpha
	dx, dy  int // offset of the mask from the pen position (dy from the baseline)
	advance int
}

func newTypeface(ttf []byte) (*typeface, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	return &typeface{font: f, faces: map[int]font.Face{}, glyphs: map[glyphKey]glyph{}}, nil
}

func (tf *typeface) face(px int) (font.Face, error) {
	if f, ok := tf.faces[px]; ok {
		return f, nil
	}
	f, err := opentype.NewFace(tf.font, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face %dpx: %w", px, err)
	}
	if len(tf.faces) > 64 {
		// Plates are drawn at many sizes as vehicles approach; keep the
		// cache bounded rather than clever.
		for k, old := range tf.faces {
			_ = old.Close()
			delete(tf.faces, k)
		}
	}
	tf.faces[px] = f
	return f, nil
}

func (tf *typeface) glyph(r rune, px int) (glyph, error) {
	k := glyphKey{r, px}
	if g, ok := tf.glyphs[k]; ok {
		return g, nil
	}
	f, err := tf.face(px)
	if err != nil {
		return glyph{}, err
	}
	dr, mask, mp, adv, ok := f.Glyph(fixed.Point26_6{}, r)
	g := glyph{advance: adv.Round()}
	if ok && !dr.Empty() {
		m := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		draw.Draw(m, m.Bounds(), mask, mp, draw.Src)
		g.mask, g.dx, g.dy = m, dr.Min.X, dr.Min.Y
	}
	tf.glyphs[k] = g
	return g, nil
}

// textWidth returns the advance of s at px.
func (tf *typeface) textWidth(s string, px int) int {
	w := 0
	for _, r := range s {
		g, err := tf.glyph(r, px)
		if err != nil {
			return 0
		}
		w += g.advance
	}
	return w
}

// drawText paints s with its baseline at (x, y) and returns the pen's end.
func (tf *typeface) drawText(p yuvImage, s string, x, y, px int, c yuvColor) int {
	for _, r := range s {
		g, err := tf.glyph(r, px)
		if err != nil {
			return x
		}
		if g.mask != nil {
			p.blend(g.mask, x+g.dx, y+g.dy, c)
		}
		x += g.advance
	}
	return x
}

// renderMask draws s into a reusable alpha mask of exactly w×h, scaled so
// that the capitals fill capFrac of the height and spread over at most
// the width. Plates use it: a plate is one mask per frame, not per glyph,
// so kerning and spacing come out as the font designer meant.
func (tf *typeface) renderMask(s string, w, h int, capFrac float64) (*image.Alpha, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("empty mask %dx%d", w, h)
	}
	if tf.scratch == nil || tf.scratch.Rect.Dx() < w || tf.scratch.Rect.Dy() < h {
		tf.scratch = image.NewAlpha(image.Rect(0, 0, max(w, 64), max(h, 16)))
	}
	m := tf.scratch.SubImage(image.Rect(0, 0, w, h)).(*image.Alpha)
	for y := 0; y < h; y++ {
		clear(m.Pix[y*m.Stride : y*m.Stride+w])
	}
	// Cap height of DejaVu/Liberation is about 0.73 em. The width is
	// measured once at a reference size and scaled, rather than by trying
	// sizes, so that a plate costs one face, not one per size tried.
	px := int(float64(h) * capFrac / 0.73)
	if px < 4 {
		return m, nil
	}
	ref, err := tf.face(100)
	if err != nil {
		return nil, err
	}
	if rw := font.MeasureString(ref, s).Round(); rw > 0 && rw*px/100 > w {
		px = w * 100 / rw
	}
	f, err := tf.face(px)
	if err != nil {
		return nil, err
	}
	tw := font.MeasureString(f, s).Round()
	capH := int(float64(px) * 0.73)
	d := font.Drawer{Dst: m, Src: image.Opaque, Face: f,
		Dot: fixed.P((w-tw)/2, (h+capH)/2)}
	d.DrawString(s)
	return m, nil
}
