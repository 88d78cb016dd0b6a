package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// RecordingLimits are the zone's recording limits as an administrator
// sets them: retention (at most the law's year), the footage quota and the
// free-space floor (GB; 0 for none, a floor of 0 keeps the default 1 GB).
type RecordingLimits = zone.Recording

// ErrNoRecordings is returned when the recordings did not open.
var ErrNoRecordings = errors.New("recordings unavailable")

// RecordingLimitsOf are the limits in force, for an administrator.
func (c *Console) RecordingLimitsOf(ctx context.Context, s *Session) (RecordingLimits, error) {
	if !c.access.May(s, ActSettings) {
		return RecordingLimits{}, &DeniedError{Decision: policy.Deny(CodeRoleNotPermitted, "the recording limits are the administrator's")}
	}
	if c.footage == nil {
		return RecordingLimits{}, ErrNoRecordings
	}
	return c.footage.Limits(), nil
}

// SetRecordingLimits changes the retention, quota and free-space floor at
// once, without a restart: audited first, applied by the cleaner from its
// next run, and written to the zone file (atomically, so the change is in
// the file the DPO reviews). The simulated zone has no zone file: there
// the change lasts until the console stops.
func (c *Console) SetRecordingLimits(ctx context.Context, s *Session, retention time.Duration, quotaGB, minFreeGB float64) error {
	if c.footage == nil {
		return ErrNoRecordings
	}
	switch {
	case retention <= 0 || retention > zone.MaxRetention:
		return fmt.Errorf("recording limits: retention %s: between a day and %d days", retention, int(zone.MaxRetention.Hours()/24))
	case quotaGB < 0 || minFreeGB < 0:
		return errors.New("recording limits: the quota and the floor are 0 or more GB")
	}
	rc := c.footage.Limits()
	rc.Retention, rc.QuotaGB, rc.MinFreeGB = zone.Duration{Duration: retention}, quotaGB, minFreeGB
	detail := trail.Settings{Change: "recording.limits",
		Limits: &trail.RecordingLimits{Retention: trail.Duration(retention), QuotaGB: quotaGB, MinFreeGB: minFreeGB}}
	if err := c.access.Allow(ctx, s, ActSettings, Resource{Target: "recording"}, s.Shift, detail); err != nil {
		return err
	}
	if c.cfg.ZonePath != "" {
		z, err := zone.LoadZone(c.cfg.ZonePath)
		if err != nil {
			return fmt.Errorf("recording limits: %w", err)
		}
		z.Recording.Retention, z.Recording.QuotaGB, z.Recording.MinFreeGB = rc.Retention, rc.QuotaGB, rc.MinFreeGB
		if err := zone.SaveZone(c.cfg.ZonePath, z); err != nil {
			return fmt.Errorf("recording limits: %w", err)
		}
	}
	c.footage.SetLimits(rc)
	c.log.Info("recording limits changed", "by", s.User.Name, "retention", retention, "quota_gb", quotaGB, "min_free_gb", minFreeGB)
	return nil
}
