package anpr

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"unsafe"

	"gocv.io/x/gocv"
)

// textDetector runs PaddleOCR's PP-OCRv4 text detection (DBNet): a
// per-pixel text probability map whose blobs are text lines. On photos it
// finds plates the morphology misses (low contrast, odd sizes), at about
// ten times the cost, so the video pipeline does not use it.
type textDetector struct {
	s *session
}

// detMaxSide caps the detector input: the localisation image is at most
// 1280 wide already, and a smaller input loses the small plates of big photos.
const detMaxSide = 1280

func newTextDetector(model string, threads int) (*textDetector, error) {
	s, err := newSession(model, threads)
	if err != nil {
		return nil, err
	}
	return &textDetector{s: s}, nil
}

func (d *textDetector) close() error { return d.s.close() }

// detect returns text-line quads in the coordinates of img (BGR).
func (d *textDetector) detect(ctx context.Context, img gocv.Mat) ([]quad, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h, w := img.Rows(), img.Cols()
	s := math.Min(1, float64(detMaxSide)/float64(max(h, w)))
	rh := max(32, int(math.Round(float64(h)*s/32))*32)
	rw := max(32, int(math.Round(float64(w)*s/32))*32)
	resized := gocv.NewMat()
	defer resized.Close()
	gocv.Resize(img, &resized, image.Pt(rw, rh), 0, 0, gocv.InterpolationLinear)
	buf := resized.ToBytes()
	plane := rh * rw
	data := make([]float32, 3*plane)
	// PaddleOCR's det normalisation, applied to the BGR channels in order.
	mean := [3]float32{0.485, 0.456, 0.406}
	std := [3]float32{0.229, 0.224, 0.225}
	for i := 0; i < plane; i++ {
		for c := 0; c < 3; c++ {
			data[c*plane+i] = (float32(buf[i*3+c])/255 - mean[c]) / std[c]
		}
	}
	out, shape, err := d.s.run([]int64{1, 3, int64(rh), int64(rw)}, data)
	if err != nil {
		return nil, err
	}
	if len(shape) != 4 || int(shape[2]) != rh || int(shape[3]) != rw {
		return nil, fmt.Errorf("anpr: text detection: output shape %v", shape)
	}
	prob, err := gocv.NewMatFromBytes(rh, rw, gocv.MatTypeCV32F, float32Bytes(out))
	if err != nil {
		return nil, fmt.Errorf("anpr: text detection: %w", err)
	}
	defer prob.Close()
	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(prob, &bin, 0.3, 255, gocv.ThresholdBinary)
	bin8 := gocv.NewMat()
	defer bin8.Close()
	bin.ConvertTo(&bin8, gocv.MatTypeCV8U)
	cs := gocv.FindContours(bin8, gocv.RetrievalList, gocv.ChainApproxSimple)
	defer cs.Close()
	sx, sy := float64(w)/float64(rw), float64(h)/float64(rh)
	var qs []quad
	for i := 0; i < cs.Size(); i++ {
		c := cs.At(i)
		r := gocv.MinAreaRect(c)
		bw, bh := float64(r.Width), float64(r.Height)
		if bw < bh {
			bw, bh = bh, bw
		}
		if bh < 4 || bw < 12 {
			continue
		}
		score := maskedMean(prob, c, rh, rw)
		if score < 0.5 {
			continue
		}
		// DBNet shrinks text regions; grow back (the "unclip" step) before
		// judging the shape.
		area, per := bw*bh, 2*(bw+bh)
		dd := area * 1.6 / per
		aspect := (bw + 2*dd) / (bh + 2*dd)
		if aspect < 0.4 || aspect > 10 {
			continue
		}
		q := quadFromRotated(r)
		// Too square for a plate, but possibly its first group ("24" of
		// 24 EZ 90, the district of a German plate before the seals):
		// kept for joinLines, then dropped unless joined.
		q.part = aspect < 1.2
		q = q.grown(dd/bw, dd/bh)
		q = q.scaledXY(sx, sy)
		q.score = score * math.Exp(-math.Abs(math.Log(aspect/4))/2)
		q.source = "text"
		qs = append(qs, q)
	}
	qs = joinLines(qs)
	kept := qs[:0]
	for _, q := range qs {
		if !q.part {
			kept = append(kept, q)
		}
	}
	return kept, nil
}

// maskedMean is the mean of prob inside the contour c.
func maskedMean(prob gocv.Mat, c gocv.PointVector, rows, cols int) float64 {
	mask := gocv.Zeros(rows, cols, gocv.MatTypeCV8U)
	defer mask.Close()
	pv := gocv.NewPointsVectorFromPoints([][]image.Point{c.ToPoints()})
	defer pv.Close()
	gocv.FillPoly(&mask, pv, color.RGBA{R: 255, G: 255, B: 255, A: 255})
	return prob.MeanWithMask(mask).Val1
}

// float32Bytes views a float32 slice as bytes (no copy).
func float32Bytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4)
}

// joinLines adds, for text lines that sit side by side at the same height
// (a plate whose groups the detector split at a wide gap or a sticker), one
// candidate spanning both.
func joinLines(qs []quad) []quad {
	n := len(qs)
	for i := 0; i < n; i++ {
		a := qs[i].bounds()
		for j := 0; j < n; j++ {
			b := qs[j].bounds()
			if i == j || b.Min.X <= a.Min.X {
				continue
			}
			h := max(a.Dy(), b.Dy())
			gap := b.Min.X - a.Max.X
			dy := (a.Min.Y + a.Max.Y - b.Min.Y - b.Max.Y) / 2
			if gap > 2*h || gap < -h/2 || abs(dy) > h/3 || min(a.Dy(), b.Dy())*3 < h*2 {
				continue
			}
			u := quadFromRect(a.Union(b))
			u.score = math.Min(qs[i].score, qs[j].score) * 0.9
			u.source, u.joined = qs[i].source, true
			qs = append(qs, u)
		}
		// The two lines of a square plate: stacked, overlapping in x,
		// close in y.
		for j := 0; j < n; j++ {
			b := qs[j].bounds()
			if i == j || b.Min.Y <= a.Min.Y {
				continue
			}
			h := max(a.Dy(), b.Dy())
			ov := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
			gap := b.Min.Y - a.Max.Y
			if ov*10 < min(a.Dx(), b.Dx())*6 || gap > h || gap < -h/3 || min(a.Dy(), b.Dy())*2 < h {
				continue
			}
			u := quadFromRect(a.Union(b))
			u.score = math.Min(qs[i].score, qs[j].score) * 0.8
			u.source, u.joined = qs[i].source, true
			qs = append(qs, u)
		}
	}
	return qs
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
