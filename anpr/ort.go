package anpr

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// Model files under Config.ModelDir, as anpr/install-models.sh lays them out.
const (
	fileORT    = "libonnxruntime.so.1"
	fileRec    = "rec.onnx"
	fileDet    = "det.onnx"
	fileKeys   = "keys.txt"
	installCmd = "anpr/install-models.sh DIR"
)

// ErrModelsMissing is returned by NewReader when the model directory lacks a
// file; the message names the file and the install step.
var ErrModelsMissing = errors.New("anpr: model files missing")

// ortEnv guards ONNX Runtime's environment, which is process-wide in the C
// library: it can be initialised once and only from one shared library. This
// is the one piece of package state, and it mirrors the C library's own.
var ortEnv struct {
	mu   sync.Mutex
	path string
}

func initORT(libPath string) error {
	ortEnv.mu.Lock()
	defer ortEnv.mu.Unlock()
	if ort.IsInitialized() {
		if ortEnv.path != libPath {
			return fmt.Errorf("anpr: onnxruntime already loaded from %s, cannot load %s", ortEnv.path, libPath)
		}
		return nil
	}
	ort.SetSharedLibraryPath(libPath)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return fmt.Errorf("anpr: load onnxruntime %s: %w", libPath, err)
	}
	ortEnv.path = libPath
	return nil
}

// checkModels returns ErrModelsMissing, naming the first missing file.
func checkModels(dir string, det bool) error {
	need := []string{fileORT, fileRec, fileKeys}
	if det {
		need = append(need, fileDet)
	}
	for _, f := range need {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("%w: %s (install them with: %s, then set the model directory to DIR)",
				ErrModelsMissing, filepath.Join(dir, f), installCmd)
		}
	}
	return nil
}

func readKeys(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("anpr: keys: %w", err)
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		keys = append(keys, strings.TrimRight(sc.Text(), "\r\n"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("anpr: keys %s: %w", path, err)
	}
	// PaddleOCR appends the space as the last class (use_space_char).
	return append(keys, " "), nil
}

// session is one ONNX model with one float input and one float output.
type session struct {
	s       *ort.DynamicAdvancedSession
	in, out string
}

func newSession(path string, threads int) (*session, error) {
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("anpr: model %s: %w", path, err)
	}
	if len(ins) != 1 || len(outs) != 1 {
		return nil, fmt.Errorf("anpr: model %s: want 1 input and 1 output, have %d and %d", path, len(ins), len(outs))
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("anpr: session options: %w", err)
	}
	defer opts.Destroy()
	if threads > 0 {
		if err := opts.SetIntraOpNumThreads(threads); err != nil {
			return nil, fmt.Errorf("anpr: threads: %w", err)
		}
		if err := opts.SetInterOpNumThreads(1); err != nil {
			return nil, fmt.Errorf("anpr: threads: %w", err)
		}
	}
	s, err := ort.NewDynamicAdvancedSession(path, []string{ins[0].Name}, []string{outs[0].Name}, opts)
	if err != nil {
		return nil, fmt.Errorf("anpr: model %s: %w", path, err)
	}
	return &session{s: s, in: ins[0].Name, out: outs[0].Name}, nil
}

// run feeds one input tensor and returns a copy of the output's data and
// its shape.
func (s *session) run(shape []int64, data []float32) ([]float32, []int64, error) {
	var out []float32
	var outShape []int64
	err := s.runWith(shape, data, func(d []float32, sh []int64) error {
		out, outShape = append([]float32(nil), d...), sh
		return nil
	})
	return out, outShape, err
}

// runWith feeds one input tensor and hands the output's data and shape to
// use, which must not keep the data: it lives in ONNX Runtime's memory and
// is freed when use returns. A caller that only reduces the output (the
// recogniser's T x 6623 probabilities, 2 MB a crop) saves the copy.
func (s *session) runWith(shape []int64, data []float32, use func(out []float32, shape []int64) error) error {
	in, err := ort.NewTensor(ort.NewShape(shape...), data)
	if err != nil {
		return fmt.Errorf("anpr: input tensor: %w", err)
	}
	defer in.Destroy()
	outs := []ort.Value{nil}
	if err := s.s.Run([]ort.Value{in}, outs); err != nil {
		return fmt.Errorf("anpr: inference: %w", err)
	}
	defer outs[0].Destroy()
	t, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return fmt.Errorf("anpr: output is %T, want float32 tensor", outs[0])
	}
	return use(t.GetData(), t.GetShape())
}

func (s *session) close() error {
	if s == nil || s.s == nil {
		return nil
	}
	err := s.s.Destroy()
	s.s = nil
	return err
}
