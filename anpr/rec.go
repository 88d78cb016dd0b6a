package anpr

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"
)

// recogniser runs PaddleOCR's PP-OCRv4 text recognition (an SVTR-LCNet CTC
// model) on one rectified line of text.
type recogniser struct {
	s    *session
	cmap charMap
	ncls int
}

const (
	recH    = 48  // the model's input height
	recMinW = 96  // narrower inputs are padded: very short crops decode badly
	recMaxW = 640 // wider crops are squeezed
)

func newRecogniser(model string, keys []string, threads int) (*recogniser, error) {
	s, err := newSession(model, threads)
	if err != nil {
		return nil, err
	}
	return &recogniser{s: s, cmap: newCharMap(keys), ncls: len(keys) + 1}, nil
}

func (r *recogniser) close() error { return r.s.close() }

// recognise reads one crop (BGR, 8-bit, 3 channels) and returns its CTC
// frames.
func (r *recogniser) recognise(crop gocv.Mat) (*ctcFrames, error) {
	if crop.Empty() || crop.Rows() < 4 || crop.Cols() < 4 {
		return nil, fmt.Errorf("anpr: recognise: crop too small (%dx%d)", crop.Cols(), crop.Rows())
	}
	w := (recH*crop.Cols() + crop.Rows()/2) / crop.Rows()
	if w > recMaxW {
		w = recMaxW
	}
	if w < 8 {
		w = 8
	}
	resized := gocv.NewMat()
	defer resized.Close()
	gocv.Resize(crop, &resized, image.Pt(w, recH), 0, 0, gocv.InterpolationLinear)
	W := w
	if W < recMinW {
		W = recMinW
	}
	W = (W + 7) / 8 * 8
	data := make([]float32, 3*recH*W) // zero is mid-grey after normalisation
	buf := resized.ToBytes()
	plane := recH * W
	for y := 0; y < recH; y++ {
		for x := 0; x < w; x++ {
			o := (y*w + x) * 3
			i := y*W + x
			// PaddleOCR normalises BGR bytes to [-1, 1].
			data[i] = float32(buf[o])/127.5 - 1
			data[plane+i] = float32(buf[o+1])/127.5 - 1
			data[2*plane+i] = float32(buf[o+2])/127.5 - 1
		}
	}
	var fr *ctcFrames
	err := r.s.runWith([]int64{1, 3, recH, int64(W)}, data, func(out []float32, shape []int64) error {
		if len(shape) != 3 || int(shape[2]) != r.ncls || int64(len(out)) < shape[1]*shape[2] {
			return fmt.Errorf("anpr: recognise: output shape %v, want [1 T %d]", shape, r.ncls)
		}
		fr = r.cmap.frames(out, int(shape[1]), int(shape[2]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fr, nil
}
