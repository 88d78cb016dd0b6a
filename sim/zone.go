package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v4"
)

// Config sets up a simulated zone. The zero value is a valid default.
type Config struct {
	Addr      string // RTSP listen address, default "127.0.0.1:0" (a free port)
	Cameras   int    // default 8
	FPS       int    // default 15
	Seed      int64  // vehicles and plates are deterministic for a seed
	TruthPath string // if set, ground truth JSON lines are appended here
	// UDP also offers RTP over UDP on a free even/odd port pair of the
	// RTSP host; without it clients must use TCP (interleaved).
	UDP bool
	// PatrolAddr is where the patrol (AVL) feed listens, default "127.0.0.1:0".
	PatrolAddr string
	// Patrols is the number of patrol vehicles, default 4 (at most 6).
	Patrols int
	// PatrolReport is the interval between position reports, default 1 s.
	PatrolReport time.Duration
	// PatrolSpeedup makes patrols drive this many times faster than real
	// (tests use it to see a unit arrive); default 1.
	PatrolSpeedup float64
	Logger        *slog.Logger
}

// Fault is what a camera is made to do wrong, for reliability tests.
type Fault int

// Faults a camera can be given with SetFault.
const (
	FaultNone    Fault = iota // behave
	FaultStop                 // close the camera's sessions and refuse new ones
	FaultStall                // keep sessions open but send nothing
	FaultGarbage              // send RTP with corrupted H.264 payloads
)

func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "none"
	case FaultStop:
		return "stop"
	case FaultStall:
		return "stall"
	case FaultGarbage:
		return "garbage"
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// maxCameras bounds a zone: each camera costs two encoders while watched.
const maxCameras = 64

// ErrUnknownCamera is returned for a camera id the zone does not have.
var ErrUnknownCamera = errors.New("unknown camera")

// Zone is a running simulated zone: an RTSP server with live synthetic
// cameras, the ground truth of plates that passed, and patrols.
type Zone struct {
	cfg    Config
	log    *slog.Logger
	epoch  time.Time // wall clock, whole milliseconds, UTC
	mono   time.Time // the same instant with its monotonic reading
	ttf    []byte
	srv    *gortsplib.Server
	addr   string
	cams   []*camState
	byID   map[string]*camState
	truth  *truthLog
	patrol *patrolFeed
	onvif  *onvifServer // the PTZ cameras' ONVIF service (onvif.go)

	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// camState is one camera: its public description, its traffic, its two
// streams and its fault.
type camState struct {
	pub     Camera
	spec    cameraSpec
	sched   *schedule
	streams [2]*stream // main, sub
	fault   atomic.Int32
	ptz     *ptzState // a PTZ camera's head; nil for a fixed camera
}

// Start builds the zone and starts serving. The zone runs until ctx ends or
// Close is called; Close must be called either way to wait for it.
func Start(ctx context.Context, cfg Config) (*Zone, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Cameras <= 0 {
		cfg.Cameras = 8
	}
	if cfg.FPS <= 0 {
		cfg.FPS = 15
	}
	if cfg.Patrols <= 0 {
		cfg.Patrols = 4
	}
	if cfg.PatrolReport <= 0 {
		cfg.PatrolReport = time.Second
	}
	if cfg.PatrolSpeedup <= 0 {
		cfg.PatrolSpeedup = 1
	}
	if cfg.PatrolAddr == "" {
		cfg.PatrolAddr = "127.0.0.1:0"
	}
	if cfg.Cameras > maxCameras || cfg.FPS > 60 {
		return nil, fmt.Errorf("sim: %d cameras at %d fps: at most %d cameras and 60 fps", cfg.Cameras, cfg.FPS, maxCameras)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "sim")
	ttf, fontName := loadFontBytes()
	log.Debug("font", "file", fontName)

	ctx, cancel := context.WithCancel(ctx)
	now := time.Now()
	ms := now.UTC().Truncate(time.Millisecond)
	z := &Zone{cfg: cfg, log: log, epoch: ms, mono: now.Add(-now.UTC().Sub(ms)), ttf: ttf, byID: map[string]*camState{}, cancel: cancel}
	if err := z.start(ctx); err != nil {
		cancel()
		if z.onvif != nil {
			z.onvif.close()
		}
		z.wg.Wait()
		for _, c := range z.cams {
			for _, st := range c.streams {
				if st != nil {
					st.ss.Close()
				}
			}
		}
		if z.srv != nil {
			z.srv.Close()
		}
		if z.patrol != nil {
			z.patrol.wait()
		}
		if cerr := z.truth.close(); cerr != nil {
			log.Warn("closing ground truth after a failed start", "err", cerr)
		}
		return nil, err
	}
	z.wg.Add(1)
	go func() {
		defer z.wg.Done()
		<-ctx.Done()
		// The server's own goroutines stop when it is closed; closing it
		// here ends every session when the parent context ends.
		z.srv.Close()
		z.onvif.close()
	}()
	return z, nil
}

func (z *Zone) start(ctx context.Context) error {
	var err error
	z.truth, err = openTruth(z.cfg.TruthPath)
	if err != nil {
		return err
	}
	var ln net.Listener
	handler := &rtspHandler{z: z, ready: make(chan struct{})}
	// Requests that arrive if start fails half-way find no camera.
	defer close(handler.ready)
	z.srv = &gortsplib.Server{
		Handler:        handler,
		RTSPAddress:    z.cfg.Addr,
		WriteQueueSize: 1024,
		Listen: func(network, address string) (net.Listener, error) {
			l, err := net.Listen(network, address)
			ln = l
			return l, err
		},
	}
	if z.cfg.UDP {
		if err := z.bindUDP(); err != nil {
			return err
		}
	}
	if err := z.srv.Start(); err != nil {
		return fmt.Errorf("rtsp server on %s: %w", z.cfg.Addr, err)
	}
	z.addr = ln.Addr().String()
	sps, err := probeParams(z.cfg.FPS)
	if err != nil {
		return err
	}
	for i := 0; i < z.cfg.Cameras; i++ {
		if err := z.addCamera(i, sps); err != nil {
			return err
		}
	}
	if err := z.startONVIF(); err != nil {
		return err
	}
	z.patrol, err = startPatrols(ctx, z.cfg, z.log)
	if err != nil {
		return err
	}
	z.wg.Add(1)
	go func() {
		defer z.wg.Done()
		z.runTruth(ctx)
	}()
	for _, c := range z.cams {
		for _, st := range c.streams {
			z.wg.Add(1)
			go func() {
				defer z.wg.Done()
				st.run(ctx)
			}()
		}
	}
	z.log.Info("zone started", "rtsp", z.addr, "cameras", len(z.cams), "patrol_feed", z.patrol.addr())
	return nil
}

func (z *Zone) addCamera(i int, params [2]h264Params) error {
	spec := specFor(i)
	id := cameraID(i)
	base := "rtsp://" + z.addr + "/" + id
	c := &camState{
		spec:  spec,
		sched: newSchedule(z.cfg.Seed, id, spec.scene),
		pub: Camera{ID: id, Name: spec.name, Kind: spec.kind, Address: spec.address,
			Lat: spec.lat, Lon: spec.lon, MainURL: base + "/main", SubURL: base + "/sub",
			ANPR: spec.scene == sceneANPR, PTZ: spec.kind == KindPTZVan},
	}
	if c.pub.PTZ {
		c.ptz = newPTZState(time.Now())
		c.pub.ONVIFUsername = onvifUser
		c.pub.ONVIFPassword = "Speelhof-" + strconv.Itoa(2000+int(uint64(z.cfg.Seed)%7000))
	}
	if spec.auth {
		c.pub.Username, c.pub.Password = "viewer", "Borgloon-"+strconv.Itoa(1000+int(uint64(z.cfg.Seed)%9000))
	}
	// Listed before its streams exist so that a failed start closes those
	// that were made.
	z.cams = append(z.cams, c)
	z.byID[id] = c
	for k := range streamSizes {
		st, err := newStream(z, c, k, params[k])
		if err != nil {
			return fmt.Errorf("camera %s: %w", id, err)
		}
		c.streams[k] = st
	}
	return nil
}

// Cameras returns the zone's cameras in id order.
func (z *Zone) Cameras() []Camera {
	out := make([]Camera, len(z.cams))
	for i, c := range z.cams {
		out[i] = c.pub
	}
	return out
}

// Epoch is the zone's time zero: the schedule of every camera (and so the
// ground truth) is fixed relative to it by the seed.
func (z *Zone) Epoch() time.Time { return z.epoch }

// since is the scene time at t: the time since the epoch on the monotonic
// clock, so that a step of the wall clock does not make the scene (or the
// RTP timestamps) jump.
func (z *Zone) since(t time.Time) time.Duration { return t.Sub(z.mono) }

// RTSPAddr is the host:port the RTSP server listens on.
func (z *Zone) RTSPAddr() string { return z.addr }

// SetFault makes a camera misbehave (or behave again with FaultNone).
func (z *Zone) SetFault(cameraID string, f Fault) error {
	c, ok := z.byID[cameraID]
	if !ok {
		return fmt.Errorf("set fault %s on %q: %w", f, cameraID, ErrUnknownCamera)
	}
	if f < FaultNone || f > FaultGarbage {
		return fmt.Errorf("set fault on %s: unknown fault %d", cameraID, int(f))
	}
	old := Fault(c.fault.Swap(int32(f)))
	z.log.Info("fault", "camera", cameraID, "fault", f.String(), "was", old.String())
	if f == FaultStop {
		for _, st := range c.streams {
			st.closeSessions()
		}
	}
	if f == FaultNone && old != FaultNone {
		// Whatever the client saw last was broken or missing: start it
		// again from a keyframe, as a camera coming back does.
		for _, st := range c.streams {
			st.requestIDR()
		}
	}
	return nil
}

// Passages returns the ground truth so far: every vehicle that passed an
// ANPR camera, in the order the passages happened.
func (z *Zone) Passages() []Passage { return z.truth.all() }

// Close stops the zone and waits until every goroutine has ended. It is
// safe to call more than once.
func (z *Zone) Close() error {
	z.closeOnce.Do(func() {
		z.cancel()
		z.srv.Close()
		z.onvif.close()
		z.wg.Wait()
		if z.patrol != nil {
			z.patrol.wait()
		}
		z.closeErr = z.truth.close()
	})
	return z.closeErr
}
