package video

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// PoolOption adjusts a Pool.
type PoolOption func(*Pool)

// WithLinger sets how long a Source stays connected after its last release
// (default 2 s), so a tile moving or a round coming back does not reconnect.
// Zero or less stops it at once.
func WithLinger(d time.Duration) PoolOption { return func(p *Pool) { p.linger = d } }

// WithTransport sets the RTSP transport of every Source: "tcp" (default), "udp", "auto".
func WithTransport(t string) PoolOption { return func(p *Pool) { p.transport = t } }

// WithSourceConfig lets the caller adjust each SourceConfig before the Source
// is made (timeouts, backoff). ID, URL and Logger are already filled in.
func WithSourceConfig(fn func(*SourceConfig)) PoolOption { return func(p *Pool) { p.adjust = fn } }

// Pool shares one Source per stream URL between the wall, ANPR and camera
// rounds. Acquire starts or reuses a Source; the returned release function
// drops the reference. Pre-connecting a camera ("warm" look-ahead) is just
// Acquire plus Subscribe ahead of time.
type Pool struct {
	ctx       context.Context
	cancel    context.CancelFunc
	log       *slog.Logger
	linger    time.Duration
	transport string
	adjust    func(*SourceConfig)

	mu      sync.Mutex
	entries map[string]*poolEntry
	closed  bool
	wg      sync.WaitGroup
}

type poolEntry struct {
	src    *Source
	refs   int
	gen    int // bumps on each linger start, so a stale timer cannot stop a reused Source
	timer  *time.Timer
	cancel context.CancelFunc
}

// NewPool makes a Pool whose Sources live at most as long as ctx.
func NewPool(ctx context.Context, log *slog.Logger, opts ...PoolOption) *Pool {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pool{
		ctx:       ctx,
		cancel:    cancel,
		log:       log,
		linger:    2 * time.Second,
		transport: "tcp",
		entries:   make(map[string]*poolEntry),
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Acquire returns the Source for url, starting it if needed, and a release
// function to call exactly once (extra calls are ignored). id names the camera
// in logs. After Close, Acquire returns a Source that never connects.
func (p *Pool) Acquire(id, url string) (*Source, func()) {
	return p.AcquireConfig(SourceConfig{ID: id, URL: url})
}

// AcquireConfig is Acquire for a camera with settings of its own (transport,
// timeouts); empty fields take the Pool's. The first Acquire of a URL decides
// the settings of its Source.
func (p *Pool) AcquireConfig(cfg SourceConfig) (*Source, func()) {
	if cfg.Transport == "" {
		cfg.Transport = p.transport
	}
	if cfg.Logger == nil {
		cfg.Logger = p.log
	}
	id, url := cfg.ID, cfg.URL
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return NewSource(cfg), func() {}
	}
	e := p.entries[url]
	if e == nil {
		if p.adjust != nil {
			p.adjust(&cfg)
		}
		ctx, cancel := context.WithCancel(p.ctx)
		e = &poolEntry{src: NewSource(cfg), cancel: cancel}
		p.entries[url] = e
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if err := e.src.Run(ctx); err != nil {
				p.log.Warn("video source ended", "camera", id, "url", e.src.URL(), "err", err)
			}
		}()
	}
	e.refs++
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	var once sync.Once
	return e.src, func() { once.Do(func() { p.release(url, e) }) }
}

func (p *Pool) release(url string, e *poolEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e.refs--
	if e.refs > 0 || p.entries[url] != e {
		return
	}
	if p.linger <= 0 {
		delete(p.entries, url)
		e.cancel()
		return
	}
	e.gen++
	gen := e.gen
	e.timer = time.AfterFunc(p.linger, func() { p.expire(url, e, gen) })
}

func (p *Pool) expire(url string, e *poolEntry, gen int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.refs == 0 && e.gen == gen && p.entries[url] == e {
		delete(p.entries, url)
		e.timer = nil
		e.cancel()
	}
}

// Len is the number of Sources running, lingering ones included.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.entries)
}

// Close stops every Source and waits for them. It is safe to call more than once.
func (p *Pool) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		for url, e := range p.entries {
			if e.timer != nil {
				e.timer.Stop()
			}
			e.cancel()
			delete(p.entries, url)
		}
	}
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
	return nil
}
