package recording

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/politiezone/zoneconsole/sqlitedb"
	"github.com/politiezone/zoneconsole/video"
)

// Config sets up a Service. Zero durations take the defaults.
type Config struct {
	Dir           string        // data directory: footage in Dir/recordings, the index in Dir/recordings.db
	SegmentLength time.Duration // default 15 min; a segment ends at the first keyframe past it
	PartDuration  time.Duration // default 1 s: what a kill -9 may lose at most
	Retention     time.Duration // default and maximum 365 days (see ClampRetention)
	Quota         int64         // bytes of footage allowed; 0 for none
	MinFree       int64         // bytes the disk must keep free; 0 for none
	NoStreamAfter time.Duration // no unit for this long: ReasonNoStream; default 5 s
	DiskRetry     time.Duration // after a full disk, try again this much later; default 10 s
	Logger        *slog.Logger
	Now           func() time.Time // for Status.Since; default time.Now
}

// Service owns the recording of every camera: one goroutine per camera
// stream, one index, one cleaner.
type Service struct {
	cfg     Config
	dir     string
	log     *slog.Logger
	idx     *Index
	cleaner *Cleaner

	stopHeld atomic.Bool // the last Clean found only held footage left

	mu     sync.Mutex
	status map[string]Status
	active map[string]bool
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	cerr   error
}

// New opens the index (creating the directories 0700) and closes the
// segments a crash left unfinished before anything records.
func New(cfg Config) (*Service, error) {
	if cfg.Dir == "" {
		return nil, errors.New("recording: no directory")
	}
	if cfg.SegmentLength <= 0 {
		cfg.SegmentLength = 15 * time.Minute
	}
	if cfg.PartDuration <= 0 {
		cfg.PartDuration = time.Second
	}
	cfg.Retention = ClampRetention(cfg.Retention)
	if cfg.NoStreamAfter <= 0 {
		cfg.NoStreamAfter = 5 * time.Second
	}
	if cfg.DiskRetry <= 0 {
		cfg.DiskRetry = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dir := filepath.Join(cfg.Dir, "recordings")
	if err := sqlitedb.PrivateDir(dir); err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	idx, err := OpenIndex(filepath.Join(cfg.Dir, "recordings.db"))
	if err != nil {
		return nil, err
	}
	log := cfg.Logger.With("component", "recording")
	if _, err := recoverSegments(context.Background(), idx, dir, log); err != nil {
		idx.Close()
		return nil, fmt.Errorf("recording: %w", err)
	}
	return &Service{
		cfg: cfg, dir: dir, log: log, idx: idx,
		cleaner: NewCleaner(idx, dir, cfg.Retention, cfg.Quota, cfg.MinFree, log),
		status:  map[string]Status{}, active: map[string]bool{}, done: make(chan struct{}),
	}, nil
}

// Dir is the recordings directory (segment paths are relative to it).
func (s *Service) Dir() string { return s.dir }

// Index is the segment and hold index.
func (s *Service) Index() *Index { return s.idx }

// Verify checks every chain and file (see Index.Verify).
func (s *Service) Verify(ctx context.Context) error { return s.idx.Verify(ctx, s.dir) }

// SetLimits changes the retention (clamped to the law's year), the quota
// and the free-space floor from the cleaner's next run on.
func (s *Service) SetLimits(retention time.Duration, quota, minFree int64) {
	s.cleaner.SetLimits(retention, quota, minFree)
}

// Clean runs the cleaner at now. ErrOnlyHeldLeft stops every recorder
// (ReasonOnlyHeldLeft) until a later Clean finds room again.
func (s *Service) Clean(ctx context.Context, now time.Time) (CleanReport, error) {
	rep, err := s.cleaner.Clean(ctx, now)
	s.stopHeld.Store(errors.Is(err, ErrOnlyHeldLeft))
	return rep, err
}

// cameraID keeps a camera id usable as one directory name.
var cameraID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// SetOff records that camera is not set to record (ReasonOff).
func (s *Service) SetOff(camera string) {
	s.setStatus(camera, ReasonOff, nil, "")
}

// Status tells whether camera records and why not. A camera the service
// never heard of has no stream.
func (s *Service) Status(camera string) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.status[camera]
	if !ok {
		return Status{Reason: ReasonNoStream, Err: ErrNoStream}
	}
	return st
}

func (s *Service) setStatus(camera string, r Reason, err error, seg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status[camera]
	if st.Reason != r || st.Since.IsZero() {
		st.Since = s.cfg.Now().UTC()
		if r != ReasonRecording {
			s.log.Warn("not recording", "camera", camera, "reason", r.String(), "err", err)
		}
	}
	st.Reason, st.Err, st.Recording, st.Segment = r, err, r == ReasonRecording, seg
	s.status[camera] = st
}

// Record starts recording camera's stream ("main" or "sub") from units, in
// a goroutine of the service, until ctx ends, units is closed or Close.
func (s *Service) Record(ctx context.Context, camera, stream string, units <-chan video.Unit) error {
	if !cameraID.MatchString(camera) {
		return fmt.Errorf("recording: camera id %q: letters, digits, '_', '-', '.' only", camera)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("camera %s: %w", camera, ErrClosed)
	}
	if s.active[camera] {
		return fmt.Errorf("camera %s: already recording", camera)
	}
	s.active[camera] = true
	if _, ok := s.status[camera]; !ok {
		s.status[camera] = Status{Reason: ReasonNoStream, Err: ErrNoStream, Since: s.cfg.Now().UTC()}
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.active, camera)
			s.mu.Unlock()
		}()
		s.run(ctx, camera, stream, units)
	}()
	return nil
}

func (s *Service) run(ctx context.Context, camera, stream string, units <-chan video.Unit) {
	log := s.log.With("camera", camera, "stream", stream)
	rec := newRecorder(camera, stream, s.dir, s.cfg.SegmentLength, s.cfg.PartDuration, s.idx, log)
	// Closing a segment must reach the index even when ctx has ended.
	bg := context.WithoutCancel(ctx)
	finish := func() {
		if err := rec.finish(bg); err != nil {
			log.Error("closing segment", "err", err)
		}
	}
	defer finish()
	tick := time.NewTicker(s.cfg.NoStreamAfter / 2)
	defer tick.Stop()
	var last time.Time
	var retryAt time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case <-tick.C:
			if last.IsZero() || time.Since(last) > s.cfg.NoStreamAfter {
				finish()
				if r := s.Status(camera).Reason; r == ReasonRecording || r == ReasonNoStream {
					s.setStatus(camera, ReasonNoStream, ErrNoStream, "")
				}
			}
		case u, ok := <-units:
			if !ok {
				finish()
				s.setStatus(camera, ReasonNoStream, ErrNoStream, "")
				return
			}
			last = time.Now()
			if s.stopHeld.Load() {
				finish()
				s.setStatus(camera, ReasonOnlyHeldLeft, ErrOnlyHeldLeft, "")
				continue
			}
			if !retryAt.IsZero() && last.Before(retryAt) {
				continue
			}
			retryAt = time.Time{}
			err := rec.write(bg, u)
			switch {
			case err == nil:
				if rec.seg != nil {
					s.setStatus(camera, ReasonRecording, nil, rec.seg.rel)
				}
			case errors.Is(err, ErrCodecRefused):
				finish()
				s.setStatus(camera, ReasonCodecRefused, err, "")
				return
			case errors.Is(err, ErrDiskFull):
				finish()
				s.setStatus(camera, ReasonDiskFull, err, "")
				retryAt = last.Add(s.cfg.DiskRetry)
			default:
				finish()
				s.setStatus(camera, ReasonError, err, "")
			}
		}
	}
}

// Close stops every recorder, closing their segments, and closes the index.
// It is idempotent and returns once every goroutine has ended.
func (s *Service) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.done)
		s.wg.Wait()
		s.cerr = s.idx.Close()
	})
	return s.cerr
}
