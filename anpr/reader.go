package anpr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"gocv.io/x/gocv"

	"github.com/politiezone/zoneconsole/plate"
)

// Read is one plate read in one image.
type Read struct {
	Plate      string  // normalised: "1ABC123"
	Display    string  // as on the plate: "1-ABC-123"
	Country    string  // "BE", "NL", ...; "" when no known format fits
	Format     string  // plate.Format name
	Kind       string  // plate.Format kind ("car", "trailer", ...)
	Confidence float64 // 0..1
	// Free is what free decoding (no plate syntax) read in the same crop;
	// Plate differs from it only by look-alikes a format's positions
	// settled and the band's letters.
	Free string
	// FormatCost is how much less probable (natural log) the format's
	// reading is than the free one; negative on a read without a format:
	// minus the cost of the best format turned down (0: none fitted).
	FormatCost float64
	Box        image.Rectangle
	Crop       image.Image // the rectified plate
}

// Detector names: how plates are found before they are read.
const (
	DetectFast    = "fast"    // morphology only: ~10 ms a 720p frame, for video
	DetectClassic = "classic" // morphology + Haar cascade (+~100 ms a frame)
	DetectText    = "text"    // PP-OCRv4 text detection (DBNet) only
	DetectAll     = "all"     // all of the above: for photographs
)

// Config configures a Reader.
type Config struct {
	// ModelDir holds the files installed by anpr/install-models.sh.
	ModelDir string
	// Detector picks how plates are found; default DetectFast.
	Detector string
	// Threads is the number of threads ONNX Runtime uses per inference
	// (default 1: the pipeline runs one reader per core instead).
	Threads int
	// MaxCandidates is how many plate candidates are read per image
	// (default 4; 10 with DetectAll).
	MaxCandidates int
	// MinConfidence drops reads below it (default 0.35).
	MinConfidence float64
	// AnyFormat also returns plates of series the plate package does not
	// know, read without syntax (Country ""), when no known format explains
	// the text nearly as well: for photographs, and for the cameras, whose
	// tracker keeps lettering on vans out by position and motion.
	AnyFormat bool
	// FormatMargin is how much less probable (natural log) a format's
	// reading may be than the free reading of the same crop and still be
	// taken (default defaultFormatMargin; negative: never use formats).
	FormatMargin float64
	// Cascades are Haar cascade files; default the two plate cascades of
	// Debian's opencv-data when present. Set to an empty non-nil slice to
	// disable.
	Cascades []string
	Logger   *slog.Logger
}

// Reader finds and reads plates. It is safe for concurrent use; each call
// to Read uses its own buffers.
type Reader struct {
	cfg     Config
	log     *slog.Logger
	rec     *recogniser
	det     *textDetector
	formats []plate.Format

	mu       sync.Mutex // guards cascades (a CascadeClassifier is not re-entrant) and closed
	cascades []gocv.CascadeClassifier
	closed   bool
}

// DefaultCascades are the plate cascades of Debian's opencv-data package.
func DefaultCascades() []string {
	return []string{
		"/usr/share/opencv4/haarcascades/haarcascade_russian_plate_number.xml",
	}
}

// NewReader loads the models. It fails with ErrModelsMissing when the
// model directory is incomplete.
func NewReader(cfg Config) (*Reader, error) {
	if cfg.Detector == "" {
		cfg.Detector = DetectFast
	}
	switch cfg.Detector {
	case DetectFast, DetectClassic, DetectText, DetectAll:
	default:
		return nil, fmt.Errorf("anpr: unknown detector %q", cfg.Detector)
	}
	if cfg.Threads <= 0 {
		cfg.Threads = 1
	}
	if cfg.MaxCandidates <= 0 {
		cfg.MaxCandidates = 4
		if cfg.Detector == DetectAll {
			cfg.MaxCandidates = 10 // photos: several detectors, each a few boxes
		}
	}
	if cfg.FormatMargin == 0 {
		cfg.FormatMargin = defaultFormatMargin
	}
	if cfg.MinConfidence == 0 {
		cfg.MinConfidence = 0.35
	}
	if cfg.Cascades == nil {
		cfg.Cascades = DefaultCascades()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	useDet := cfg.Detector == DetectText || cfg.Detector == DetectAll
	if err := checkModels(cfg.ModelDir, useDet); err != nil {
		return nil, err
	}
	if err := initORT(filepath.Join(cfg.ModelDir, fileORT)); err != nil {
		return nil, err
	}
	keys, err := readKeys(filepath.Join(cfg.ModelDir, fileKeys))
	if err != nil {
		return nil, err
	}
	r := &Reader{cfg: cfg, log: cfg.Logger.With("component", "anpr"), formats: plate.Formats()}
	r.rec, err = newRecogniser(filepath.Join(cfg.ModelDir, fileRec), keys, cfg.Threads)
	if err != nil {
		return nil, err
	}
	if useDet {
		r.det, err = newTextDetector(filepath.Join(cfg.ModelDir, fileDet), cfg.Threads)
		if err != nil {
			r.rec.close()
			return nil, err
		}
	}
	if cfg.Detector == DetectClassic || cfg.Detector == DetectAll {
		for _, path := range cfg.Cascades {
			cc := gocv.NewCascadeClassifier()
			if !cc.Load(path) {
				cc.Close()
				r.log.Warn("plate cascade not loaded; continuing without it", "path", path)
				continue
			}
			r.cascades = append(r.cascades, cc)
		}
	}
	return r, nil
}

// Close frees the models. It is idempotent.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	var errs []error
	for i := range r.cascades {
		errs = append(errs, r.cascades[i].Close())
	}
	errs = append(errs, r.rec.close())
	if r.det != nil {
		errs = append(errs, r.det.close())
	}
	return errors.Join(errs...)
}

// ErrClosed is returned by Read after Close.
var ErrClosed = errors.New("anpr: reader closed")

// workW is the width the localisation works at: big photos are scaled down
// to it, video frames (1280x720) are used as they are.
const workW = 1280

// Read finds and reads the plates in img, best first.
func (r *Reader) Read(ctx context.Context, img image.Image) ([]Read, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, errors.New("anpr: empty image")
	}
	bgr, err := toBGR(img)
	if err != nil {
		return nil, err
	}
	defer bgr.Close()
	cands, err := r.candidates(ctx, bgr)
	if err != nil {
		return nil, err
	}
	var reads []Read
	off := img.Bounds().Min
	for _, q := range cands {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rd, ok, err := r.readQuad(bgr, q)
		if err != nil {
			return nil, err
		}
		if ok {
			rd.Box = rd.Box.Add(off)
			reads = append(reads, rd)
		}
	}
	return dedupe(reads), nil
}

// candidates localises plates in the frame, in frame coordinates.
func (r *Reader) candidates(ctx context.Context, bgr gocv.Mat) ([]quad, error) {
	scale := 1.0
	work := bgr
	if bgr.Cols() > workW {
		scale = float64(workW) / float64(bgr.Cols())
		small := gocv.NewMat()
		defer small.Close()
		gocv.Resize(bgr, &small, image.Pt(workW, int(float64(bgr.Rows())*scale+0.5)), 0, 0, gocv.InterpolationArea)
		work = small
	}
	var qs []quad
	if r.cfg.Detector != DetectText {
		gray := gocv.NewMat()
		defer gray.Close()
		gocv.CvtColor(work, &gray, gocv.ColorBGRToGray)
		qs = append(qs, morphPyramid(gray)...)
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return nil, ErrClosed
		}
		for i := range r.cascades {
			qs = append(qs, haarCandidates(gray, &r.cascades[i], 48)...)
		}
		r.mu.Unlock()
	}
	if r.det != nil {
		tq, err := r.det.detect(ctx, work)
		if err != nil {
			return nil, err
		}
		qs = append(qs, tq...)
	}
	qs = topCandidates(qs, r.cfg.MaxCandidates)
	for i := range qs {
		qs[i] = qs[i].scaled(1 / scale)
	}
	return qs, nil
}

// readQuad reads one candidate. For photographs, the read is tried again on
// a looser crop, and a doubtful one also on a tighter crop: a detector box
// that shaves the first or last character (a thin 1 or I, a J at the edge)
// or takes in the frame around the plate is the commonest cause of a
// one-character miss. A looser read that spells the first one and more is
// the whole plate; otherwise the surer read wins.
func (r *Reader) readQuad(bgr gocv.Mat, q quad) (Read, bool, error) {
	rd, ok, err := r.readOne(bgr, q)
	if err != nil || r.cfg.Detector != DetectAll {
		return rd, ok, err
	}
	alts := []quad{q.grown(0.06, 0.15)}
	if !ok || rd.Confidence < 0.9 {
		alts = append(alts, q.grown(-0.03, -0.06))
	}
	for _, alt := range alts {
		alt.source = q.source
		ra, okA, err := r.readOne(bgr, alt)
		if err != nil {
			return Read{}, false, err
		}
		switch {
		case !okA:
		case !ok, extends(ra, rd), ra.Confidence > rd.Confidence && !extends(rd, ra):
			rd, ok = ra, true
		}
	}
	return rd, ok, nil
}

// extends reports whether a spells b and more, and is nearly as sure.
func extends(a, b Read) bool {
	return len(a.Plate) > len(b.Plate) && strings.Contains(a.Plate, b.Plate) && a.Confidence >= b.Confidence-0.2
}

// readOne rectifies and reads one crop.
func (r *Reader) readOne(bgr gocv.Mat, q quad) (Read, bool, error) {
	crop, err := rectify(bgr, q)
	if err != nil {
		return Read{}, false, nil // degenerate candidate: nothing to read
	}
	defer crop.Close()
	if q.source != "text" && charLike(crop) < 3 {
		return Read{}, false, nil
	}
	text := crop
	if x := bandEnd(crop); x > 0 {
		text = crop.Region(image.Rect(x, 0, crop.Cols(), crop.Rows()))
		defer text.Close()
	}
	d, ok, err := r.decodeCrop(text)
	if err != nil {
		return Read{}, false, err
	}
	if w, h := q.size(); w < 2.3*h {
		// Square plates (motorbikes, some imports) carry two lines.
		d2, ok2, err := r.decodeTwoLines(text)
		if err != nil {
			return Read{}, false, err
		}
		if ok2 && (!ok || d2.confidence() > d.confidence()) {
			d, ok = d2, true
		}
	}
	if !ok {
		return Read{}, false, nil
	}
	conf := d.confidence()
	if conf < r.cfg.MinConfidence {
		return Read{}, false, nil
	}
	cimg, err := crop.ToImage()
	if err != nil {
		return Read{}, false, fmt.Errorf("anpr: crop to image: %w", err)
	}
	rd := Read{Plate: d.text, Display: d.text, Free: d.free, FormatCost: d.cost, Confidence: conf, Box: q.bounds(), Crop: cimg}
	if d.format != nil {
		rd.Display, rd.Country, rd.Format, rd.Kind = d.format.Display(d.text), d.format.Country, d.format.Name, d.format.Kind
	}
	return rd, true, nil
}

// decodeCrop recognises one line of text and decodes it as a plate.
func (r *Reader) decodeCrop(text gocv.Mat) (decoded, bool, error) {
	fr, err := r.rec.recognise(text)
	if err != nil {
		return decoded{}, false, err
	}
	d, ok := r.decodeFrames(fr)
	return d, ok, nil
}

func (r *Reader) decodeFrames(fr *ctcFrames) (decoded, bool) {
	return decodeBest(fr, r.formats, r.cfg.FormatMargin, r.cfg.AnyFormat)
}

// decodeTwoLines reads the top and bottom halves of a square plate as one
// sequence (top line first).
func (r *Reader) decodeTwoLines(text gocv.Mat) (decoded, bool, error) {
	split := splitRow(text)
	if split <= 0 {
		return decoded{}, false, nil
	}
	m := text.Rows() / 20
	top := text.Region(image.Rect(0, 0, text.Cols(), min(text.Rows(), split+m)))
	defer top.Close()
	bot := text.Region(image.Rect(0, max(0, split-m), text.Cols(), text.Rows()))
	defer bot.Close()
	ft, err := r.rec.recognise(top)
	if err != nil {
		return decoded{}, false, err
	}
	fb, err := r.rec.recognise(bot)
	if err != nil {
		return decoded{}, false, err
	}
	d, ok := r.decodeFrames(joinFrames(ft, fb))
	return d, ok, nil
}

// splitRow finds the row between the two lines of a square plate: the row
// with the least ink in the middle third, or -1.
func splitRow(crop gocv.Mat) int {
	gray := gocv.NewMat()
	defer gray.Close()
	gocv.CvtColor(crop, &gray, gocv.ColorBGRToGray)
	bin := gocv.NewMat()
	defer bin.Close()
	gocv.Threshold(gray, &bin, 0, 255, gocv.ThresholdBinaryInv|gocv.ThresholdOtsu)
	h, w := bin.Rows(), bin.Cols()
	buf := bin.ToBytes()
	best, bestInk := -1, w+1
	for y := h * 35 / 100; y < h*65/100; y++ {
		ink := 0
		for x := 0; x < w; x++ {
			if buf[y*w+x] != 0 {
				ink++
			}
		}
		if ink < bestInk {
			best, bestInk = y, ink
		}
	}
	if bestInk > w/8 { // no clear gap: one line after all
		return -1
	}
	return best
}

// joinFrames concatenates two lines' frames with a blank between.
func joinFrames(a, b *ctcFrames) *ctcFrames {
	out := &ctcFrames{}
	out.blank = append(append(append(out.blank, a.blank...), 0), b.blank...)
	var none [nChars]float32
	for i := range none {
		none[i] = -30
	}
	out.ch = append(append(append(out.ch, a.ch...), none), b.ch...)
	out.other = append(append(append(out.other, a.other...), -30), b.other...)
	if a.sym != nil && b.sym != nil {
		out.sym = append(append(append(out.sym, a.sym...), -30), b.sym...)
	}
	return out
}

// dedupe keeps the most confident read of each plate and of each place;
// of two reads of one place where one spells the other and more (the whole
// plate against one of its groups), the whole one, unless it is much less
// sure (0.2: a read without a format tops out near 0.85, a group alone that
// fits some short series near 1).
func dedupe(rs []Read) []Read {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Confidence > rs[j].Confidence })
	var out []Read
	for _, r := range rs {
		dup := false
		for k, o := range out {
			if o.Plate == r.Plate || iou(o.Box, r.Box) > 0.3 || covers(r.Box, o.Box) {
				dup = true
				if extends(r, o) {
					out[k] = r
				}
				break
			}
		}
		if !dup {
			out = append(out, r)
		}
	}
	return out
}

// covers reports whether most of the smaller box lies inside the bigger.
func covers(a, b image.Rectangle) bool {
	in := a.Intersect(b)
	if in.Empty() {
		return false
	}
	small := min(a.Dx()*a.Dy(), b.Dx()*b.Dy())
	return small > 0 && in.Dx()*in.Dy()*10 >= small*8
}
