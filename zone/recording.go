package zone

import (
	"errors"
	"fmt"
	"time"
)

// Recording is the zone's footage settings.
type Recording struct {
	// Segment is the length of one file of footage (default 15 minutes).
	Segment Duration `toml:"segment,omitempty"`
	// Retention is how long footage is kept; at most one year (the law),
	// shorter if the zone says so.
	Retention Duration `toml:"retention,omitempty"`
	// QuotaGB bounds the footage on disk (0: no quota, only the disk).
	QuotaGB float64 `toml:"quota_gb,omitempty"`
	// MinFreeGB is what the disk keeps free (default 1 GB).
	MinFreeGB float64 `toml:"min_free_gb,omitempty"`
}

// Record stream choices of a camera.
const (
	RecordMain = "main"
	RecordSub  = "sub"
	RecordOff  = "off"
)

// Limits of the recording settings.
const (
	DefaultSegment = 15 * time.Minute
	MaxRetention   = 365 * 24 * time.Hour
	minSegment     = 10 * time.Second
	maxSegment     = 2 * time.Hour
)

// RecordStream is the stream the camera records ("main", "sub" or "off").
func (c Camera) RecordStream() string {
	if c.Record == "" {
		return RecordMain
	}
	return c.Record
}

// SegmentLength is the zone's segment length, or DefaultSegment.
func (r Recording) SegmentLength() time.Duration {
	if r.Segment.Duration == 0 {
		return DefaultSegment
	}
	return r.Segment.Duration
}

// RetentionPeriod is the zone's retention, never longer than a year.
func (r Recording) RetentionPeriod() time.Duration {
	if r.Retention.Duration <= 0 || r.Retention.Duration > MaxRetention {
		return MaxRetention
	}
	return r.Retention.Duration
}

// QuotaBytes and MinFreeBytes are the limits in bytes.
func (r Recording) QuotaBytes() int64 { return int64(r.QuotaGB * 1e9) }

func (r Recording) MinFreeBytes() int64 {
	if r.MinFreeGB == 0 {
		return 1e9
	}
	return int64(r.MinFreeGB * 1e9)
}

func (r Recording) validate() error {
	var errs []error
	if d := r.Segment.Duration; d != 0 && (d < minSegment || d > maxSegment) {
		errs = append(errs, fmt.Errorf("recording: segment %s must be between %s and %s", d, minSegment, maxSegment))
	}
	if d := r.Retention.Duration; d < 0 || d > MaxRetention {
		errs = append(errs, fmt.Errorf("recording: retention %s must be positive and at most one year", d))
	}
	if r.QuotaGB < 0 || r.MinFreeGB < 0 || r.QuotaGB != r.QuotaGB || r.MinFreeGB != r.MinFreeGB {
		errs = append(errs, errors.New("recording: quota_gb and min_free_gb must be 0 or more"))
	}
	return errors.Join(errs...)
}

func validRecord(s string) bool {
	return s == "" || s == RecordMain || s == RecordSub || s == RecordOff
}

// ANPR is the zone's plate-reading settings.
type ANPR struct {
	// Retention is how long passages and their images are kept (at most a
	// year; shorter if the zone says so), unless an evidence hold keeps
	// them.
	Retention Duration `toml:"retention,omitempty"`
}

// RetentionPeriod is the zone's passage retention, never longer than a year.
func (a ANPR) RetentionPeriod() time.Duration {
	if a.Retention.Duration <= 0 || a.Retention.Duration > MaxRetention {
		return MaxRetention
	}
	return a.Retention.Duration
}

// AMS is where the zone's passages go: the one national ANPR database
// endpoint, and the zone's sender id. Empty: no forwarding.
type AMS struct {
	Endpoint string `toml:"endpoint,omitempty"`
	Sender   string `toml:"sender,omitempty"`
}
