package zone

import "image"

// CopyMasked copies src into dst (same bounds; dst is reallocated only when
// it is nil or of another size, and returned) with the privacy masks
// blacked out during the copy: masked spans are written black instead of
// copied, so a masked frame costs one pass over the picture and no
// allocation once dst has the frame's size. The live wall, the plate reader
// and the round snapshots all take masked frames through here.
func CopyMasked(dst, src *image.RGBA, masks []Mask) *image.RGBA {
	if src == nil {
		return dst
	}
	b := src.Rect
	if dst == nil || dst.Rect != b {
		dst = image.NewRGBA(b)
	}
	w, h := b.Dx(), b.Dy()
	// Mask rectangles in pixels, relative to b.Min; clipped to the frame.
	var rects [8]image.Rectangle
	rs := rects[:0]
	for _, m := range masks {
		r := image.Rect(int(m.X*float64(w)), int(m.Y*float64(h)),
			int((m.X+m.W)*float64(w)), int((m.Y+m.H)*float64(h))).Intersect(image.Rect(0, 0, w, h))
		if !r.Empty() {
			rs = append(rs, r)
		}
	}
	rowBytes := 4 * w
	for y := 0; y < h; y++ {
		s := src.Pix[y*src.Stride : y*src.Stride+rowBytes]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+rowBytes]
		x := 0
		for x < w {
			// The next masked span on this row that starts at or after x.
			end, next := w, w
			for _, r := range rs {
				if y < r.Min.Y || y >= r.Max.Y || r.Max.X <= x {
					continue
				}
				start := max(r.Min.X, x)
				if start < next {
					next, end = start, r.Max.X
				} else if start == next && r.Max.X > end {
					end = r.Max.X
				}
			}
			copy(d[4*x:4*next], s[4*x:4*next])
			if next >= w {
				break
			}
			black := d[4*next : 4*end]
			for i := 0; i < len(black); i += 4 {
				black[i], black[i+1], black[i+2], black[i+3] = 0, 0, 0, 0xff
			}
			x = end
		}
	}
	return dst
}
