package reports

import (
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// trailLog builds audit entries as the console writes them, numbered in
// order.
type trailLog struct {
	t   *testing.T
	seq int64
	es  []audit.Entry
}

func newLog(t *testing.T) *trailLog { return &trailLog{t: t} }

// add appends one entry: user, subject and detail at time at; out is the
// outcome (allowed unless denied is asked for); kind the legal ground.
func (l *trailLog) add(at time.Time, user, subject string, kind string, out audit.Outcome, d trail.Detail) audit.Entry {
	l.t.Helper()
	l.seq++
	e := audit.Entry{Seq: l.seq, Time: at.UTC(), User: user, Role: "dispatcher", Console: "console-1",
		Action: d.Action(), Subject: subject, JustKind: kind, JustText: "toezicht", Outcome: out,
		Detail: trail.MustEncode(d, trail.Facts{})}
	l.es = append(l.es, e)
	return e
}

func (l *trailLog) start(at time.Time, cam, view, kind string) {
	l.add(at, "ann", "camera:"+cam, kind, audit.OutcomeAllowed, trail.LiveStart{View: view, Stream: "sub"})
}

func (l *trailLog) stop(at time.Time, cam, view string, dur time.Duration, ended string) {
	l.add(at, "ann", "camera:"+cam, "operational", audit.OutcomeAllowed,
		trail.LiveStop{View: view, Duration: trail.Duration(dur), Ended: ended})
}

func day(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// testZone is a small zone with one camera of several kinds.
func testZone() ([]zone.Camera, []zone.Round) {
	cams := []zone.Camera{
		{ID: "cam01", Name: "Stationsplein", Kind: zone.KindFixed, Owner: "police", Municipality: "Borgloon", Address: "Stationsplein 1"},
		{ID: "cam02", Name: "Markt", Kind: zone.KindFixed, Owner: "municipality", Municipality: "Borgloon", Address: "Markt 3"},
		{ID: "anpr01", Name: "N79 invalsweg", Kind: zone.KindANPRFixed, Owner: "police", Address: "Tongersesteenweg"},
		{ID: "drone1", Name: "Drone 1", Kind: zone.KindDrone, Owner: "police"},
		{ID: "body1", Name: "Bodycam 1", Kind: zone.KindBodycam, Owner: "police"},
	}
	rounds := []zone.Round{{Name: "Stationsbuurt", Steps: []zone.RoundStep{
		{Cameras: []string{"cam01"}, Dwell: zone.Duration{Duration: 20 * time.Second}},
		{Cameras: []string{"cam02", "cam01"}, Dwell: zone.Duration{Duration: 20 * time.Second}},
	}}}
	return cams, rounds
}
