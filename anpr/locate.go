package anpr

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// quad is a plate candidate: four corners in image coordinates, clockwise
// from top-left, and how much we believe it.
type quad struct {
	pts    [4]gocv.Point2f
	score  float64
	source string // "morph", "haar", "text"
	// joined marks a box that spans several text lines the detector found
	// apart (the groups of one plate, split at a wide gap or a seal); part
	// marks a line too short to be a plate alone, kept only to be joined.
	joined, part bool
}

func (q quad) bounds() image.Rectangle {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range q.pts {
		minX, maxX = math.Min(minX, float64(p.X)), math.Max(maxX, float64(p.X))
		minY, maxY = math.Min(minY, float64(p.Y)), math.Max(maxY, float64(p.Y))
	}
	return image.Rect(int(minX), int(minY), int(math.Ceil(maxX)), int(math.Ceil(maxY)))
}

// size returns the lengths of the top edge and the left edge.
func (q quad) size() (w, h float64) {
	return dist(q.pts[0], q.pts[1]), dist(q.pts[0], q.pts[3])
}

func dist(a, b gocv.Point2f) float64 {
	return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
}

// scaled multiplies every coordinate by s.
func (q quad) scaled(s float64) quad {
	for i := range q.pts {
		q.pts[i].X *= float32(s)
		q.pts[i].Y *= float32(s)
	}
	return q
}

// scaledXY multiplies x by sx and y by sy.
func (q quad) scaledXY(sx, sy float64) quad {
	for i := range q.pts {
		q.pts[i].X *= float32(sx)
		q.pts[i].Y *= float32(sy)
	}
	return q
}

// grown pushes the corners away from the centre by fx of the width on each
// side and fy of the height on top and bottom.
func (q quad) grown(fx, fy float64) quad {
	ux := gocv.Point2f{X: q.pts[1].X - q.pts[0].X, Y: q.pts[1].Y - q.pts[0].Y} // along the top
	uy := gocv.Point2f{X: q.pts[3].X - q.pts[0].X, Y: q.pts[3].Y - q.pts[0].Y} // down the left
	dx := gocv.Point2f{X: ux.X * float32(fx), Y: ux.Y * float32(fx)}
	dy := gocv.Point2f{X: uy.X * float32(fy), Y: uy.Y * float32(fy)}
	sign := [4][2]float32{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	for i := range q.pts {
		q.pts[i].X += sign[i][0]*dx.X + sign[i][1]*dy.X
		q.pts[i].Y += sign[i][0]*dx.Y + sign[i][1]*dy.Y
	}
	return q
}

// quadFromRotated orders a rotated rectangle's corners so that the top edge
// is the long one, left to right.
func quadFromRotated(r gocv.RotatedRect) quad {
	pts := make([]gocv.Point2f, len(r.Points))
	for i, p := range r.Points {
		pts[i] = gocv.Point2f{X: float32(p.X), Y: float32(p.Y)}
	}
	return quadFromPoints(pts)
}

func quadFromRect(r image.Rectangle) quad {
	return quad{pts: [4]gocv.Point2f{
		{X: float32(r.Min.X), Y: float32(r.Min.Y)}, {X: float32(r.Max.X), Y: float32(r.Min.Y)},
		{X: float32(r.Max.X), Y: float32(r.Max.Y)}, {X: float32(r.Min.X), Y: float32(r.Max.Y)},
	}}
}

// quadFromPoints orders four points as top-left, top-right, bottom-right,
// bottom-left with the long side on top (a plate is wider than tall).
func quadFromPoints(pts []gocv.Point2f) quad {
	var q quad
	if len(pts) != 4 {
		return q
	}
	var cx, cy float32
	for _, p := range pts {
		cx += p.X / 4
		cy += p.Y / 4
	}
	sort.Slice(pts, func(i, j int) bool {
		return math.Atan2(float64(pts[i].Y-cy), float64(pts[i].X-cx)) < math.Atan2(float64(pts[j].Y-cy), float64(pts[j].X-cx))
	})
	// Sorted by angle from -pi: top-left comes first for a near-upright box.
	copy(q.pts[:], pts)
	w, h := q.size()
	if h > w { // rotate the labelling so the long side is on top
		q.pts = [4]gocv.Point2f{q.pts[3], q.pts[0], q.pts[1], q.pts[2]}
		if q.pts[0].X > q.pts[1].X { // keep reading left to right
			q.pts = [4]gocv.Point2f{q.pts[2], q.pts[3], q.pts[0], q.pts[1]}
		}
	}
	return q
}

// toBGR converts any image to a BGR Mat, quickly for the common types.
func toBGR(img image.Image) (gocv.Mat, error) {
	b := img.Bounds()
	rgba, ok := img.(*image.RGBA)
	if !ok || rgba.Stride != 4*b.Dx() {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	}
	src, err := gocv.NewMatFromBytes(b.Dy(), b.Dx(), gocv.MatTypeCV8UC4, rgba.Pix)
	if err != nil {
		return gocv.NewMat(), fmt.Errorf("anpr: image to mat: %w", err)
	}
	defer src.Close()
	dst := gocv.NewMat()
	gocv.CvtColor(src, &dst, gocv.ColorRGBAToBGR)
	return dst, nil
}

// morphCandidates finds dark-text-on-light regions shaped like plates: a
// black-hat transform brings out dark strokes smaller than the kernel, a
// horizontal Sobel keeps the vertical strokes of characters, and a wide
// closing joins the characters of one plate into one blob. charH is the
// character height (pixels) the kernels are sized for.
func morphCandidates(gray gocv.Mat, charH int) []quad {
	kw, kh := charH*3/2+1, charH*2/3+1
	rectK := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(kw, kh))
	defer rectK.Close()
	bh := gocv.NewMat()
	defer bh.Close()
	gocv.MorphologyEx(gray, &bh, gocv.MorphBlackhat, rectK)

	gx := gocv.NewMat()
	defer gx.Close()
	gocv.Sobel(bh, &gx, gocv.MatTypeCV16S, 1, 0, 3, 1, 0, gocv.BorderDefault)
	ax := gocv.NewMat()
	defer ax.Close()
	gocv.ConvertScaleAbs(gx, &ax, 0.5, 0)
	gocv.GaussianBlur(ax, &ax, image.Pt(5, 5), 0, 0, gocv.BorderDefault)

	closeK := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(charH*2+1, charH/3+1))
	defer closeK.Close()
	gocv.MorphologyEx(ax, &ax, gocv.MorphClose, closeK)
	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(ax, &bin, 0, 255, gocv.ThresholdBinary|gocv.ThresholdOtsu)
	small := gocv.GetStructuringElement(gocv.MorphRect, image.Pt(3, 3))
	defer small.Close()
	gocv.MorphologyExWithParams(bin, &bin, gocv.MorphOpen, small, 2, gocv.BorderDefault)

	cs := gocv.FindContours(bin, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer cs.Close()
	var out []quad
	for i := 0; i < cs.Size(); i++ {
		c := cs.At(i)
		r := gocv.MinAreaRect(c)
		w, h := float64(r.Width), float64(r.Height)
		if w < h {
			w, h = h, w
		}
		if h < float64(charH)*0.6 || h > float64(charH)*3 || w < float64(charH)*2 {
			continue
		}
		aspect := w / h
		if aspect < 1.5 || aspect > 9 {
			continue
		}
		fill := gocv.ContourArea(c) / (w*h + 1)
		q := quadFromRotated(r)
		// Plates are 4.7:1 (EU) or 3:1 (old Belgian); text blobs are a bit
		// wider than the characters.
		q.score = fill * math.Exp(-math.Abs(math.Log(aspect/4))) * math.Min(1, h/float64(charH))
		q.source = "morph"
		out = append(out, q.grown(0.08, 0.35))
	}
	return out
}

// morphCharH is the character height the morphology is tuned for; bigger
// plates are found on halved copies of the image, which is cheaper than
// bigger kernels.
const morphCharH = 16

// morphPyramid runs morphCandidates on the image and on halved copies of it
// down to a useful size, so characters 12 to ~80 pixels high are found.
func morphPyramid(gray gocv.Mat) []quad {
	out := morphCandidates(gray, morphCharH)
	prev := gray
	scale := 1.0
	for level := 1; level <= 2; level++ {
		if prev.Rows()/2 < morphCharH*6 {
			break
		}
		half := gocv.NewMat()
		defer half.Close()
		gocv.PyrDown(prev, &half, image.Pt(0, 0), gocv.BorderDefault)
		scale *= 2
		for _, q := range morphCandidates(half, morphCharH) {
			out = append(out, q.scaled(scale))
		}
		prev = half
	}
	return out
}

// haarCandidates runs a plate cascade. The cascades in opencv-data were
// trained on Russian plates, which share the EU plates' shape.
func haarCandidates(gray gocv.Mat, cc *gocv.CascadeClassifier, minW int) []quad {
	rs := cc.DetectMultiScaleWithParams(gray, 1.1, 3, 0, image.Pt(minW, minW/4), image.Pt(0, 0))
	out := make([]quad, 0, len(rs))
	for _, r := range rs {
		q := quadFromRect(r)
		q.score = 0.6
		q.source = "haar"
		out = append(out, q.grown(0.04, 0.1))
	}
	return out
}

// iou is the overlap of two boxes.
func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ia := float64(in.Dx() * in.Dy())
	return ia / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia)
}

// topCandidates keeps the best n after removing near duplicates. Duplicates
// are only removed within one source: a Haar box and a text-detector box
// around the same plate crop it differently, and the reads, not the boxes,
// decide which crop was better. Sources take turns, best first.
func topCandidates(qs []quad, n int) []quad {
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].score > qs[j].score })
	bySource := map[string][]quad{}
	var order []string
	for _, q := range qs {
		kept := bySource[q.source]
		if len(kept) == 0 {
			order = append(order, q.source)
		}
		dup := false
		for _, o := range kept {
			// A joined box overlaps its parts by design: it is another
			// reading of the plate, not a duplicate of one of them.
			if q.joined == o.joined && iou(q.bounds(), o.bounds()) > 0.5 {
				dup = true
				break
			}
		}
		if !dup {
			bySource[q.source] = append(kept, q)
		}
	}
	var out []quad
	for i := 0; len(out) < n; i++ {
		added := false
		for _, src := range order {
			if i < len(bySource[src]) && len(out) < n {
				out = append(out, bySource[src][i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

// rectify warps the quad out of img into an upright crop of height outH
// (at most the quad's own height times two, so small plates are not blown
// up past what the recogniser can use).
func rectify(img gocv.Mat, q quad) (gocv.Mat, error) {
	w, h := q.size()
	if w < 8 || h < 4 {
		return gocv.NewMat(), fmt.Errorf("anpr: candidate too small (%.0fx%.0f)", w, h)
	}
	outH := 64.0
	outW := math.Round(w / h * outH)
	if outW > 640 {
		outW = 640
	}
	src := gocv.NewPoint2fVectorFromPoints(q.pts[:])
	defer src.Close()
	dst := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: 0, Y: 0}, {X: float32(outW), Y: 0}, {X: float32(outW), Y: float32(outH)}, {X: 0, Y: float32(outH)},
	})
	defer dst.Close()
	m := gocv.GetPerspectiveTransform2f(src, dst)
	defer m.Close()
	out := gocv.NewMat()
	gocv.WarpPerspectiveWithParams(img, &out, m, image.Pt(int(outW), int(outH)),
		gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return out, nil
}

// charLike counts the blobs of a rectified crop that are shaped like
// characters (tall, narrow, most of the crop's height), in both polarities.
// A candidate with fewer than three is not worth a recogniser run: this is
// what keeps grilles, signs and textures from costing 20 ms each.
func charLike(crop gocv.Mat) int {
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(crop, &gray, gocv.ColorBGRToGray)
	bin := gocv.NewMat()
	defer bin.Close()
	labels := gocv.NewMat()
	defer labels.Close()
	stats := gocv.NewMat()
	defer stats.Close()
	cents := gocv.NewMat()
	defer cents.Close()
	h := crop.Rows()
	best := 0
	for _, inv := range []bool{true, false} {
		typ := gocv.ThresholdBinary | gocv.ThresholdOtsu
		if inv {
			typ = gocv.ThresholdBinaryInv | gocv.ThresholdOtsu
		}
		gocv.Threshold(gray, &bin, 0, 255, typ)
		n := gocv.ConnectedComponentsWithStats(bin, &labels, &stats, &cents)
		cnt := 0
		for i := 1; i < n; i++ {
			cw := int(stats.GetIntAt(i, 2))
			ch := int(stats.GetIntAt(i, 3))
			area := int(stats.GetIntAt(i, 4))
			if ch < h*25/100 || ch > h*95/100 || cw > ch*3/2 || cw < 2 {
				continue
			}
			if fill := float64(area) / float64(cw*ch); fill < 0.12 || fill > 0.95 {
				continue
			}
			cnt++
		}
		best = max(best, cnt)
	}
	return best
}

// bandEnd returns the column just right of the euro band (the blue strip
// with the country letters at the left of EU plates), or 0 when the crop
// has none. The band's letters ("NL", "B", "D") are smaller than the
// plate's characters but the recogniser reads them all the same, and a
// leading "N" or "M" can outvote the real first character: cutting the band
// off is cheaper and surer than decoding around it.
func bandEnd(crop gocv.Mat) int {
	w, h := crop.Cols(), crop.Rows()
	if w < 40 || h < 8 || crop.Channels() != 3 {
		return 0
	}
	buf := crop.ToBytes()
	limit := w * 30 / 100
	runStart, runEnd := -1, -1
	for x := 0; x < limit; x++ {
		blue := 0
		for y := 0; y < h; y++ {
			o := (y*w + x) * 3
			b, g, r := int(buf[o]), int(buf[o+1]), int(buf[o+2])
			if b > 70 && b > r+40 && b > g+15 {
				blue++
			}
		}
		isBlue := blue*100 >= h*35
		switch {
		case isBlue && runStart < 0:
			if x > w*20/100 {
				return 0
			}
			runStart, runEnd = x, x
		case isBlue:
			runEnd = x
		case runStart >= 0:
			if runEnd-runStart+1 >= max(3, w*3/100) {
				return runEnd + 1
			}
			runStart, runEnd = -1, -1
		}
	}
	return 0
}
