package cli

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/politiezone/zoneconsole/app"
)

// Wiring is the simulated zone as main wires it in: cli may not import the
// simulator (packages sim, simzone and anpr/eval), so the three commands
// that use it on purpose get it from here. A nil field makes its command
// fail with exit 1 (the binary was built without it); no other command
// touches the Wiring.
type Wiring struct {
	// SimZone starts the simulated zone that `run` with no zone file
	// serves: its cameras, patrol feed and demo accounts, kept in dataDir.
	SimZone func(ctx context.Context, dataDir string, log *slog.Logger) (*SimZone, error)
	// Sim serves the simulated zone on its own, for `sim`, until its
	// Close.
	Sim func(ctx context.Context, cfg SimConfig) (SimServer, error)
	// ANPREval scores the plate reader on the simulated zone (`anpr eval`)
	// and gives the report to print.
	ANPREval func(ctx context.Context, cfg EvalConfig) (string, error)
}

// Injector makes the simulated zone show a chosen plate at an ANPR camera
// and says when it will be best visible (app.PassageInjector).
type Injector interface {
	Inject(cameraID, display, country string) (time.Time, error)
}

// SimZone is a running simulated zone as the console is opened on it.
type SimZone struct {
	// Zone is the zone record: cameras with their stream URLs, patrol feed,
	// streets.
	Zone     app.Zone
	Injector Injector
	// DemoUsers and DemoPassword are the demo accounts the zone created,
	// for the login screen's hint and the demo hotlist's import.
	DemoUsers    []app.User
	DemoPassword string
	// AMSClient reaches the zone's stand-in for the national ANPR database
	// (a loopback TLS server); nil: the zone has none.
	AMSClient *http.Client
	// Close stops the zone.
	Close func() error
}

// SimConfig is what `sim` asks of the simulated zone.
type SimConfig struct {
	Addr       string // RTSP listen address
	Cameras    int
	Seed       int64
	FPS        int
	UDP        bool   // also offer RTP over UDP
	PatrolAddr string // listen address of the patrol position feed
	TruthPath  string // the ground truth of passages is appended here
	Logger     *slog.Logger
}

// SimServer is the simulated zone `sim` serves.
type SimServer interface {
	Cameras() []SimCamera
	PatrolFeedAddr() string
	Close() error
}

// SimCamera is one simulated camera as `sim` prints it.
type SimCamera struct {
	ID, Name, MainURL, SubURL string
	// Username and Password are the demo login the camera requires; empty
	// when it is open.
	Username, Password string
}

// EvalConfig is what `anpr eval` asks of the evaluation.
type EvalConfig struct {
	ModelDir string
	Duration time.Duration // simulated (= wall) time to run
	Cameras  int
	Seed     int64
	Workers  int // 0: one per core
	Logger   *slog.Logger
}
