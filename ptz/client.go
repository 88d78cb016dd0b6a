// Package ptz steers PTZ cameras over ONVIF: continuous pan, tilt and zoom,
// stop, and presets. It knows nothing of who may steer: the console checks
// and audits every move before it calls a Client.
package ptz

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IOTechSystems/onvif"
	"github.com/IOTechSystems/onvif/device"
	"github.com/IOTechSystems/onvif/gosoap"
	"github.com/IOTechSystems/onvif/media"
	onvifptz "github.com/IOTechSystems/onvif/ptz"
	"github.com/IOTechSystems/onvif/xsd"
	xonvif "github.com/IOTechSystems/onvif/xsd/onvif"
)

// Config is one camera's ONVIF endpoint and login.
type Config struct {
	Camera string // the zone's camera id, for errors and logs
	// URL is the device service, http://host:port/onvif/device_service.
	URL                string
	Username, Password string
	// Timeout bounds each request (0: 5 s): a dispatcher holding a key
	// must not wait on a camera that went away.
	Timeout time.Duration
	// MoveTimeout is sent with every continuous move (0: 10 s): the camera
	// stops by itself if the stop is lost with the network.
	MoveTimeout time.Duration
	HTTP        *http.Client
	Logger      *slog.Logger
}

// Preset is a stored position of a camera.
type Preset struct {
	Token string
	Name  string
}

// Error is a failed request, naming the camera and the operation.
type Error struct {
	Camera, Op string
	Err        error
}

func (e *Error) Error() string { return fmt.Sprintf("ptz %s: %s: %v", e.Camera, e.Op, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

var (
	// ErrUnauthorized: the camera refused the login (or the clock).
	ErrUnauthorized = errors.New("camera refused the login")
	// ErrNoPreset: the camera has no preset of that name or token.
	ErrNoPreset = errors.New("no such preset")
	// ErrRange: a speed outside -1..1 (or not a number).
	ErrRange = errors.New("speed outside -1..1")
)

// Fault is a SOAP fault the camera answered.
type Fault struct{ Code, Reason string }

func (f *Fault) Error() string { return "soap fault " + f.Code + ": " + f.Reason }

// Client talks to one camera. It learns the camera's clock, its media and
// PTZ endpoints and its first PTZ profile on first use, and again after a
// refused login (the camera may have been reset or its clock changed).
type Client struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger
	now  func() time.Time

	// offset is the camera's clock minus ours (a time.Duration); atomic as
	// send reads it both under mu (setup) and outside it.
	offset atomic.Int64

	mu       sync.Mutex
	ready    bool
	mediaURL string
	ptzURL   string
	profile  string
}

// New makes a client; it sends nothing until the first call.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MoveTimeout <= 0 {
		cfg.MoveTimeout = 10 * time.Second
	}
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, http: hc, log: log.With("component", "ptz", "camera", cfg.Camera), now: time.Now}
}

// Offset is the camera's clock minus ours, as last read.
func (c *Client) Offset() time.Duration {
	return time.Duration(c.offset.Load())
}

func (c *Client) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Camera: c.cfg.Camera, Op: op, Err: err}
}

// Move starts a continuous move: pan (right +), tilt (up +) and zoom (in +)
// as fractions of the camera's top speed, each in -1..1. It goes on until
// Stop, another Move, or the move timeout.
func (c *Client) Move(ctx context.Context, pan, tilt, zoom float64) error {
	for _, v := range []float64{pan, tilt, zoom} {
		if math.IsNaN(v) || v < -1 || v > 1 {
			return c.fail("move", fmt.Errorf("%w: %v, %v, %v", ErrRange, pan, tilt, zoom))
		}
	}
	if pan == 0 && tilt == 0 && zoom == 0 {
		return c.Stop(ctx)
	}
	return c.fail("move", c.withSetup(ctx, func(prof string) error {
		req := continuousMove{ProfileToken: prof, Timeout: xsdDuration(c.cfg.MoveTimeout)}
		req.Velocity.PanTilt.X, req.Velocity.PanTilt.Y, req.Velocity.Zoom.X = pan, tilt, zoom
		return c.call(ctx, c.ptzURL, req, nil)
	}))
}

// continuousMove is the library's ptz.ContinuousMove (same elements and
// prefixes) with the velocity's x and y always written: the library's
// Vector2D and Vector1D leave a zero out (omitempty), the schema requires
// both, and a camera may read a missing one as anything.
type continuousMove struct {
	XMLName      string `xml:"tptz:ContinuousMove"`
	ProfileToken string `xml:"tptz:ProfileToken"`
	Velocity     struct {
		PanTilt struct {
			X float64 `xml:"x,attr"`
			Y float64 `xml:"y,attr"`
		} `xml:"onvif:PanTilt"`
		Zoom struct {
			X float64 `xml:"x,attr"`
		} `xml:"onvif:Zoom"`
	} `xml:"tptz:Velocity"`
	Timeout xsd.Duration `xml:"tptz:Timeout"`
}

// Stop ends any move, pan, tilt and zoom.
func (c *Client) Stop(ctx context.Context) error {
	return c.fail("stop", c.withSetup(ctx, func(prof string) error {
		req := onvifptz.Stop{ProfileToken: xonvif.ReferenceToken(prof), PanTilt: true, Zoom: true}
		return c.call(ctx, c.ptzURL, req, nil)
	}))
}

// Presets lists the camera's presets in the camera's order.
func (c *Client) Presets(ctx context.Context) ([]Preset, error) {
	var out []Preset
	err := c.withSetup(ctx, func(prof string) error {
		var resp struct {
			Presets []struct {
				Token string `xml:"token,attr"`
				Name  string `xml:"Name"`
			} `xml:"Preset"`
		}
		if err := c.call(ctx, c.ptzURL, onvifptz.GetPresets{ProfileToken: xonvif.ReferenceToken(prof)}, &resp); err != nil {
			return err
		}
		out = out[:0]
		for _, p := range resp.Presets {
			out = append(out, Preset{Token: p.Token, Name: strings.TrimSpace(p.Name)})
		}
		return nil
	})
	return out, c.fail("presets", err)
}

// GotoPreset moves to the preset named (by name, or by token when no
// name matches).
func (c *Client) GotoPreset(ctx context.Context, preset string) error {
	ps, err := c.Presets(ctx)
	if err != nil {
		return err
	}
	tok := ""
	for _, p := range ps {
		if p.Name == preset {
			tok = p.Token
			break
		}
	}
	for _, p := range ps {
		if tok == "" && p.Token == preset {
			tok = p.Token
		}
	}
	if tok == "" {
		return c.fail("goto preset", fmt.Errorf("%w: %q", ErrNoPreset, preset))
	}
	return c.fail("goto preset", c.withSetup(ctx, func(prof string) error {
		pt, pp := xonvif.ReferenceToken(prof), xonvif.ReferenceToken(tok)
		return c.call(ctx, c.ptzURL, onvifptz.GotoPreset{ProfileToken: &pt, PresetToken: &pp}, nil)
	}))
}

// SetPreset stores the current position under name, replacing a preset of
// that name, and returns its token.
func (c *Client) SetPreset(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", c.fail("set preset", errors.New("a preset needs a name"))
	}
	ps, err := c.Presets(ctx)
	if err != nil {
		return "", err
	}
	var token string
	err = c.withSetup(ctx, func(prof string) error {
		pt := xonvif.ReferenceToken(prof)
		n := xsd.String(name)
		req := onvifptz.SetPreset{ProfileToken: &pt, PresetName: &n}
		for _, p := range ps {
			if p.Name == name {
				t := xonvif.ReferenceToken(p.Token)
				req.PresetToken = &t
			}
		}
		var resp struct {
			Token string `xml:"PresetToken"`
		}
		if err := c.call(ctx, c.ptzURL, req, &resp); err != nil {
			return err
		}
		token = strings.TrimSpace(resp.Token)
		return nil
	})
	return token, c.fail("set preset", err)
}

// withSetup runs f with the profile token, learning the camera first, and
// once more after learning it again when the camera refused the login.
func (c *Client) withSetup(ctx context.Context, f func(profile string) error) error {
	prof, err := c.setup(ctx, false)
	if err != nil {
		return err
	}
	err = f(prof)
	if errors.Is(err, ErrUnauthorized) {
		c.log.Info("login refused: reading the camera's clock again")
		if prof, err = c.setup(ctx, true); err != nil {
			return err
		}
		err = f(prof)
	}
	return err
}

func (c *Client) setup(ctx context.Context, again bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ready && !again {
		return c.profile, nil
	}
	if err := c.readClock(ctx); err != nil {
		return "", fmt.Errorf("clock: %w", err)
	}
	c.mediaURL, c.ptzURL = c.cfg.URL, c.cfg.URL
	var caps struct {
		Media string `xml:"Capabilities>Media>XAddr"`
		PTZ   string `xml:"Capabilities>PTZ>XAddr"`
	}
	if err := c.call(ctx, c.cfg.URL, device.GetCapabilities{Category: []xonvif.CapabilityCategory{"All"}}, &caps); err != nil {
		return "", fmt.Errorf("capabilities: %w", err)
	}
	if u := strings.TrimSpace(caps.Media); u != "" {
		c.mediaURL = u
	}
	if u := strings.TrimSpace(caps.PTZ); u != "" {
		c.ptzURL = u
	}
	var profs struct {
		Profiles []struct {
			Token string    `xml:"token,attr"`
			PTZ   *struct{} `xml:"PTZConfiguration"`
		} `xml:"Profiles"`
	}
	if err := c.call(ctx, c.mediaURL, media.GetProfiles{}, &profs); err != nil {
		return "", fmt.Errorf("profiles: %w", err)
	}
	c.profile = ""
	for _, p := range profs.Profiles {
		if p.PTZ != nil || c.profile == "" {
			c.profile = p.Token
			if p.PTZ != nil {
				break
			}
		}
	}
	if c.profile == "" {
		return "", errors.New("the camera has no media profile")
	}
	c.ready = true
	c.log.Debug("camera learnt", "offset", c.Offset(), "ptz", c.ptzURL, "profile", c.profile)
	return c.profile, nil
}

// readClock asks the camera's time (ONVIF answers GetSystemDateAndTime
// without a login, precisely so a client can compute the offset) and keeps
// the difference from the middle of the round trip.
func (c *Client) readClock(ctx context.Context) error {
	var resp struct {
		UTC struct {
			Time struct{ Hour, Minute, Second int } `xml:"Time"`
			Date struct{ Year, Month, Day int }     `xml:"Date"`
		} `xml:"SystemDateAndTime>UTCDateTime"`
	}
	t0 := c.now()
	if err := c.send(ctx, c.cfg.URL, device.GetSystemDateAndTime{}, &resp, false); err != nil {
		return err
	}
	t1 := c.now()
	u := resp.UTC
	if u.Date.Year < 1970 || u.Date.Month < 1 || u.Date.Month > 12 || u.Date.Day < 1 {
		return fmt.Errorf("the camera gave no UTC date (%d-%d-%d)", u.Date.Year, u.Date.Month, u.Date.Day)
	}
	cam := time.Date(u.Date.Year, time.Month(u.Date.Month), u.Date.Day, u.Time.Hour, u.Time.Minute, u.Time.Second, 0, time.UTC)
	mid := t0.Add(t1.Sub(t0) / 2)
	// The camera says whole seconds: half a second is the best guess of
	// the fraction it did not say.
	c.offset.Store(int64(cam.Add(500 * time.Millisecond).Sub(mid).Round(time.Second)))
	return nil
}

func (c *Client) call(ctx context.Context, url string, req, out any) error {
	return c.send(ctx, url, req, out, true)
}

// maxResponse bounds what is read of an answer: a PTZ answer is small.
const maxResponse = 1 << 20

// send posts req (one of the library's request structs) in a SOAP 1.2
// envelope, with the UsernameToken when auth, and decodes the body's
// first element into out (nil: only the fault is looked at).
func (c *Client) send(ctx context.Context, url string, req, out any, auth bool) error {
	body, err := xml.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	msg := gosoap.NewEmptySOAP()
	msg.AddStringBodyContent(string(body))
	msg.AddRootNamespaces(onvif.Xlmns)
	if auth && c.cfg.Username != "" {
		sec, err := xml.Marshal(NewToken(c.cfg.Username, c.cfg.Password, c.now().Add(c.Offset())))
		if err != nil {
			return fmt.Errorf("encode token: %w", err)
		}
		if err := msg.AddStringHeaderContent(string(sec)); err != nil {
			return fmt.Errorf("encode token: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(msg.String()))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/soap+xml; charset=utf-8")
	resp, err := c.http.Do(hreq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return ErrUnauthorized
	}
	var env envelope
	if err := xml.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("answer (HTTP %d) is not SOAP: %w", resp.StatusCode, err)
	}
	if f := env.Body.Fault; f != nil {
		ft := &Fault{Code: strings.TrimSpace(f.Code + " " + f.Subcode), Reason: strings.TrimSpace(f.Reason)}
		if strings.Contains(f.Subcode, "NotAuthorized") || strings.Contains(f.Code, "NotAuthorized") ||
			strings.Contains(f.Subcode, "FailedAuthentication") {
			return fmt.Errorf("%w: %v", ErrUnauthorized, ft)
		}
		return ft
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if out != nil {
		if len(bytes.TrimSpace(env.Body.Inner)) == 0 {
			return errors.New("empty answer")
		}
		if err := xml.Unmarshal(env.Body.Inner, out); err != nil {
			return fmt.Errorf("answer: %w", err)
		}
	}
	return nil
}

// envelope reads any SOAP 1.1 or 1.2 answer by local names.
type envelope struct {
	Body struct {
		Fault *struct {
			Code    string `xml:"Code>Value"`
			Subcode string `xml:"Code>Subcode>Value"`
			Reason  string `xml:"Reason>Text"`
		} `xml:"Fault"`
		Inner []byte `xml:",innerxml"`
	} `xml:"Body"`
}

// xsdDuration writes d as xs:duration (PT10S, PT0.5S).
func xsdDuration(d time.Duration) xsd.Duration {
	return xsd.Duration(fmt.Sprintf("PT%gS", d.Seconds()))
}
