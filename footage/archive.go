package footage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/live"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/recording"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/video"
	"github.com/politiezone/zoneconsole/zone"
)

// Config is what the archive is made of.
type Config struct {
	Access  *access.Gate
	Pool    *video.Pool
	Creds   *identity.Credentials
	Zone    zone.Zone
	DataDir string
	// Console names this machine in the cleaner's audit entries.
	Console string
	// CleanEvery is the cleaner's period (default 10 minutes).
	CleanEvery time.Duration
	// UnitBuffer is how many access units a camera's recorder may fall
	// behind before the tap drops and resynchronises (default 512, some
	// 30 s of a 15 fps stream).
	UnitBuffer int
	Logger     *slog.Logger
	Now        func() time.Time
}

// Archive is a console's (or a service's) recordings.
type Archive struct {
	cfg    Config
	svc    *recording.Service // nil for an archive opened for its holds only
	idx    *recording.Index
	access *access.Gate
	log    *slog.Logger
	now    func() time.Time

	mu     sync.Mutex
	alarm  Alarm
	limits zone.Recording // the recording limits in force (SetLimits), under mu
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

// Alarm is what the team chief and the administrator are told about the
// recordings' disk: empty when all is well.
type Alarm struct {
	Kind  AlarmKind
	Since time.Time
	Text  string // English, for the log; the UI translates Kind
}

// AlarmKind is a stable id the UI translates.
type AlarmKind string

// The alarms.
const (
	AlarmNone         AlarmKind = ""
	AlarmNearlyFull   AlarmKind = "nearly_full"    // quota or disk reached: the oldest unheld footage is being deleted
	AlarmOnlyHeldLeft AlarmKind = "only_held_left" // only held footage is left: recording stopped
	AlarmDiskFull     AlarmKind = "disk_full"      // a write found no space
	AlarmUnavailable  AlarmKind = "unavailable"    // the recordings could not be opened
)

// Open opens the recordings of cfg.DataDir (closing what a crash left
// unfinished) with the zone's recording settings.
func Open(cfg Config) (*Archive, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CleanEvery <= 0 {
		cfg.CleanEvery = 10 * time.Minute
	}
	if cfg.UnitBuffer <= 0 {
		cfg.UnitBuffer = 512
	}
	if cfg.Console == "" {
		cfg.Console = "console"
	}
	rc := cfg.Zone.Recording
	svc, err := recording.New(recording.Config{Dir: cfg.DataDir, SegmentLength: rc.SegmentLength(),
		Retention: rc.RetentionPeriod(), Quota: rc.QuotaBytes(), MinFree: rc.MinFreeBytes(),
		Logger: cfg.Logger, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	a := newArchive(cfg)
	a.svc, a.idx = svc, svc.Index()
	return a, nil
}

// Limits are the recording limits in force.
func (a *Archive) Limits() zone.Recording {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limits
}

// SetLimits changes the retention, quota and free-space floor at once
// (an administrator's change, decided and audited by the caller): the
// cleaner applies them from its next run, playback from its next listing.
func (a *Archive) SetLimits(rc zone.Recording) {
	a.mu.Lock()
	a.limits = rc
	a.mu.Unlock()
	if a.svc != nil {
		a.svc.SetLimits(rc.RetentionPeriod(), rc.QuotaBytes(), rc.MinFreeBytes())
	}
}

func newArchive(cfg Config) *Archive {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now
	return &Archive{cfg: cfg, access: cfg.Access, log: cfg.Logger.With("component", "footage"),
		now: func() time.Time { return now().UTC() }, limits: cfg.Zone.Recording}
}

// OpenIndexOnly opens cfg.DataDir's recordings index for holds, exports
// and playback from the command line while a console or the service
// records: it recovers no segment and records nothing.
func OpenIndexOnly(cfg Config) (*Archive, error) {
	idx, err := recording.OpenIndex(filepath.Join(cfg.DataDir, "recordings.db"))
	if err != nil {
		return nil, err
	}
	a := newArchive(cfg)
	a.idx = idx
	return a, nil
}

// Start records every camera set to record, and runs the cleaner, until
// ctx ends or Close. A camera whose stream cannot be had is logged and shown
// as not recording; the others record on.
func (a *Archive) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	a.mu.Lock()
	if a.closed || a.cancel != nil || a.svc == nil {
		a.mu.Unlock()
		cancel()
		return
	}
	a.cancel = cancel
	a.mu.Unlock()
	n := 0
	for _, cam := range a.cfg.Zone.Cameras {
		st := cam.RecordStream()
		if st == zone.RecordOff {
			a.svc.SetOff(cam.ID)
			continue
		}
		stream := live.StreamMain
		if st == zone.RecordSub && cam.SubURL != "" {
			stream = live.StreamSub
		}
		src, release, err := live.Source(a.cfg.Pool, a.cfg.Creds, cam, stream)
		if err != nil {
			a.log.Warn("camera not recorded", "camera", cam.ID, "err", err)
			continue
		}
		sub := src.SubscribeUnits(a.cfg.UnitBuffer)
		if err := a.svc.Record(ctx, cam.ID, stream.String(), sub.Units()); err != nil {
			a.log.Warn("camera not recorded", "camera", cam.ID, "err", err)
			sub.Close()
			release()
			continue
		}
		n++
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			<-ctx.Done()
			sub.Close()
			release()
		}()
	}
	a.log.Info("recording", "cameras", n, "dir", a.svc.Dir())
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.cleanLoop(ctx)
	}()
}

// Status tells whether a camera records, and why not, for the wall.
func (a *Archive) Status(camera string) recording.Status {
	a.mu.Lock()
	started := a.cancel != nil
	a.mu.Unlock()
	if a.svc == nil || !started {
		// This console does not record (the service does, or nobody).
		return recording.Status{Reason: recording.ReasonOff}
	}
	return a.svc.Status(camera)
}

// Alarm is the recordings' alarm for a session that manages the room or
// the system (a team chief, an administrator); others get none.
func (a *Archive) Alarm(s *identity.Session) Alarm {
	if !a.access.May(s, policy.ActLiveReview) && !a.access.May(s, policy.ActSettings) {
		return Alarm{}
	}
	a.mu.Lock()
	al := a.alarm
	a.mu.Unlock()
	for _, cam := range a.cfg.Zone.Cameras {
		if st := a.Status(cam.ID); st.Reason == recording.ReasonDiskFull && al.Kind == AlarmNone {
			al = Alarm{Kind: AlarmDiskFull, Since: st.Since, Text: fmt.Sprintf("camera %s: disk full", cam.ID)}
		}
	}
	return al
}

// Clean runs the cleaner once now and audits the run (the scheduled loop
// calls it; a test or an administrator's "clean now" may too).
func (a *Archive) Clean(ctx context.Context) (recording.CleanReport, error) {
	if a.svc == nil {
		return recording.CleanReport{}, errors.New("footage: opened for its holds only")
	}
	rep, err := a.svc.Clean(ctx, a.now())
	d := trail.RecordClean{Cutoff: rep.Cutoff, HeldKept: rep.HeldKept}
	for _, s := range rep.Deleted {
		d.Deleted = append(d.Deleted, trail.CleanCount{Camera: s.Camera, Cause: string(s.Cause), Segments: s.Segments,
			Bytes: s.Bytes, From: s.From, To: s.To})
	}
	if err != nil {
		d.Error = err.Error()
	}
	if aerr := a.access.System(context.WithoutCancel(ctx), "system:recorder", a.cfg.Console, "recordings", d); aerr != nil {
		a.log.Error("cleaner run not audited", "err", aerr)
		err = errors.Join(err, aerr)
	}
	a.setAlarm(ctx, rep, err)
	return rep, err
}

func (a *Archive) setAlarm(ctx context.Context, rep recording.CleanReport, err error) {
	next := Alarm{}
	switch {
	case errors.Is(err, recording.ErrOnlyHeldLeft):
		next = Alarm{Kind: AlarmOnlyHeldLeft, Text: "only held footage left: recording stopped"}
	case rep.Short || quotaDeleted(rep):
		next = Alarm{Kind: AlarmNearlyFull, Text: "recordings' quota or disk reached: the oldest unheld footage is deleted"}
	}
	a.mu.Lock()
	prev := a.alarm
	if next.Kind == prev.Kind {
		a.mu.Unlock()
		return
	}
	next.Since = a.now()
	a.alarm = next
	a.mu.Unlock()
	d := trail.RecordAlarm{Alarm: string(next.Kind)}
	if next.Kind == AlarmNone {
		d = trail.RecordAlarm{Alarm: string(prev.Kind), Clear: true}
	}
	a.log.Warn("recording alarm", "alarm", next.Kind, "was", prev.Kind)
	if err := a.access.System(context.WithoutCancel(ctx), "system:recorder", a.cfg.Console, "recordings", d); err != nil {
		a.log.Error("recording alarm not audited", "err", err)
	}
}

func quotaDeleted(rep recording.CleanReport) bool {
	for _, s := range rep.Deleted {
		if s.Cause != recording.CauseRetention {
			return true
		}
	}
	return false
}

func (a *Archive) cleanLoop(ctx context.Context) {
	t := time.NewTicker(a.cfg.CleanEvery)
	defer t.Stop()
	for {
		if _, err := a.Clean(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("cleaner", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close stops the recorders (each closes its segment) and the cleaner.
func (a *Archive) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	cancel := a.cancel
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	a.wg.Wait()
	if a.svc == nil {
		return a.idx.Close()
	}
	return a.svc.Close()
}
