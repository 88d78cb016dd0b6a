package ams

import (
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// nationalHosts are the hosts of the national AMS the console may send
// passages to, space separated. A constant, not configuration: adding a
// destination is a code change that goes through review.
// TODO(zone): confirm the production host with the federal police (DRI)
// before deployment; this name is the placeholder the simulated zone uses.
const nationalHosts = "ams.anpr.police.be"

// Errors of Config.Validate and Open, for errors.Is.
var (
	ErrNotNational       = errors.New("ams: destination is not a national AMS host")
	ErrSecondDestination = errors.New("ams: a second destination")
)

// Config configures the forwarder.
type Config struct {
	// Endpoint is the one national AMS endpoint: an https URL whose host is
	// a national AMS host.
	Endpoint string
	// Sender identifies the zone (its number, "5339"); it is in every
	// message and its idempotency key.
	Sender string
	// Key signs every message.
	Key ed25519.PrivateKey
	// Client sends the requests (nil: TLS 1.2 or later, 30 s timeout).
	// Redirects are never followed, whatever it says.
	Client *http.Client
	// MinBackoff and MaxBackoff bound the wait after a failure (1 s, 5 min).
	MinBackoff, MaxBackoff time.Duration
	// KeepDelivered is how long the key of a delivered message is kept, so
	// the same passage is not queued again (default 7 days).
	KeepDelivered time.Duration
	Now           func() time.Time
	Logger        *slog.Logger
	// AllowLoopbackForTests accepts a loopback IP address (an httptest
	// server) as the endpoint, and then only that: with it set, a national
	// host is refused too, so a test setting cannot reach a real AMS.
	AllowLoopbackForTests bool
}

// Validate checks the destination: one https URL, no credentials, query or
// fragment, a national AMS host (or, for tests only, a loopback address).
// It also checks that there is a sender and a key.
func (c Config) Validate() error {
	e := strings.TrimSpace(c.Endpoint)
	if e == "" {
		return fmt.Errorf("ams: no endpoint")
	}
	if strings.ContainsAny(e, " ,;\t\n") {
		return fmt.Errorf("%w: %q names more than one endpoint; AMS has one", ErrSecondDestination, c.Endpoint)
	}
	u, err := url.Parse(e)
	if err != nil {
		return fmt.Errorf("ams: endpoint: %w", err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("ams: endpoint %s: https only", u.Redacted())
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("ams: endpoint %s: no credentials, query or fragment in the URL", u.Redacted())
	}
	host := u.Hostname()
	if c.AllowLoopbackForTests {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("%w: %s (AllowLoopbackForTests accepts a loopback address only)", ErrNotNational, host)
		}
	} else if !national(host) {
		return fmt.Errorf("%w: %s (allowed: %s)", ErrNotNational, host, nationalHosts)
	}
	if c.Sender == "" || strings.ContainsAny(c.Sender, "/ \t\n") {
		return fmt.Errorf("ams: sender %q: a zone id without '/' or spaces", c.Sender)
	}
	if len(c.Key) != ed25519.PrivateKeySize {
		return fmt.Errorf("ams: signing key of %d bytes, want an Ed25519 key", len(c.Key))
	}
	return nil
}

func national(host string) bool {
	for _, h := range strings.Fields(nationalHosts) {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	c.Endpoint = strings.TrimSpace(c.Endpoint)
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(5*time.Minute, c.MinBackoff)
	}
	if c.KeepDelivered <= 0 {
		c.KeepDelivered = 7 * 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	var cl http.Client
	if c.Client != nil {
		cl = *c.Client
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		cl = http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	if cl.Timeout <= 0 {
		cl.Timeout = 30 * time.Second
	}
	// A redirect would send the body to a host Validate never saw.
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Client = &cl
	return c
}
