package anpr

import (
	"image"
	"time"
)

// A read without a known format (Country "", "format unknown") is kept as a
// passage: a foreign plate of a series the plate package lacks must not be
// lost. What else reads as a plate-like string is text that either does not
// move (the camera's own timestamp, a shop sign, a parking notice) or rides
// on a vehicle above its plate (lettering on a van or a lorry). So such a
// track passes when it moved like a vehicle and no plate of a known format
// moved with it below it. Reads of a known format are judged as before.

// unknownMinReads is how many reads a format-unknown track needs: a single
// read, however sure, is not enough to tell motion.
const unknownMinReads = 3

// plausibleUnknown reports whether the format-unknown track tr looks like
// a plate: read several times, moving, and not riding above a plate that
// moved with it. others are the tracks flushed with it.
func (t *Tracker) plausibleUnknown(tr *track, others []*track) bool {
	if tr.reads < max(unknownMinReads, t.cfg.MinReads) || !moved(tr) {
		return false
	}
	for _, set := range [][]*track{t.tracks, others, t.recent} {
		for _, o := range set {
			if o != tr && o.camera == tr.camera && knownFormat(o) && ridesAbove(tr, o) {
				return false
			}
		}
	}
	return true
}

// moved reports whether the track's box travelled at least half its height
// between its first and its last read: a vehicle passing a camera does, a
// timestamp or a sign does not.
func moved(tr *track) bool {
	a, b := tr.firstBox, tr.lastBox
	if a.Empty() || b.Empty() || !tr.last.After(tr.firstAt) {
		return false
	}
	dx, dy := centreDelta(a, b)
	h := float64(max(a.Dy(), b.Dy()))
	return dx*dx+dy*dy >= 0.25*h*h
}

// ridesAbove reports whether tr sits above plate track p while both were
// read, and moved with it: lettering on the vehicle that carries p.
func ridesAbove(tr, p *track) bool {
	if tr.last.Before(p.firstAt) || p.last.Before(tr.firstAt) {
		return false // not in the frame at the same time
	}
	if tr.lastBox.Max.Y > p.lastBox.Min.Y+p.lastBox.Dy()/2 {
		return false // not above the plate
	}
	// On the same vehicle: a van is some three and a half plates wide, so
	// its lettering is centred within three plate widths of its plate.
	cx := float64(tr.lastBox.Min.X+tr.lastBox.Max.X-p.lastBox.Min.X-p.lastBox.Max.X) / 2
	if cx*cx > 9*float64(p.lastBox.Dx()*p.lastBox.Dx()) {
		return false
	}
	tx, ty := centreDelta(tr.firstBox, tr.lastBox)
	px, py := centreDelta(p.firstBox, p.lastBox)
	// Same motion within half of it, per second of each track's span (the
	// two were not read over exactly the same frames).
	ts, ps := tr.last.Sub(tr.firstAt).Seconds(), p.last.Sub(p.firstAt).Seconds()
	if ts <= 0 || ps <= 0 {
		return false
	}
	tx, ty, px, py = tx/ts, ty/ts, px/ps, py/ps
	ddx, ddy := tx-px, ty-py
	return ddx*ddx+ddy*ddy <= 0.25*(px*px+py*py)
}

// knownFormat reports whether the track's best read has a known format.
func knownFormat(tr *track) bool {
	for _, o := range tr.best {
		if o.Read.Country != "" {
			return true
		}
	}
	return false
}

func centreDelta(a, b image.Rectangle) (float64, float64) {
	return float64(b.Min.X+b.Max.X-a.Min.X-a.Max.X) / 2, float64(b.Min.Y+b.Max.Y-a.Min.Y-a.Max.Y) / 2
}

// remember keeps the flushed tracks for a few Gaps, so that lettering
// flushed after its van's plate is still judged against that plate.
func (t *Tracker) remember(now time.Time, gone []*track) {
	keep := t.recent[:0]
	for _, r := range t.recent {
		if now.Sub(r.last) <= 3*t.cfg.Gap {
			keep = append(keep, r)
		}
	}
	for i := len(keep); i < len(t.recent); i++ {
		t.recent[i] = nil
	}
	t.recent = append(keep, gone...)
}
