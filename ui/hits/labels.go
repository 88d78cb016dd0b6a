package hits

import (
	"context"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/assets/sounds"
	"github.com/politiezone/zoneconsole/ui/look"
)

// plateText is the plate as read, in its display form when the reader gave one.
func plateText(h app.Hit) string {
	if h.Display != "" {
		return h.Display
	}
	return h.Plate
}

// matchColour: red for an exact match of a new hit, amber for a near match,
// grey once handled.
func matchColour(h app.Hit) color.Color {
	switch {
	case h.Status == app.HitRejected || h.Status == app.HitDispatched:
		return colHitDone
	case h.Match == app.MatchExact:
		return colHitExact
	}
	return colHitNear
}

func matchLabel(k app.MatchKind) string {
	switch k {
	case app.MatchExact:
		return lang.L("hits.match.exact")
	case app.MatchLookalike:
		return lang.L("hits.match.lookalike")
	case app.MatchOneEdit:
		return lang.L("hits.match.one_edit")
	}
	return string(k)
}

func statusLabel(s app.HitStatus) string {
	switch s {
	case app.HitNew:
		return lang.L("hits.status.new")
	case app.HitConfirmed:
		return lang.L("hits.status.confirmed")
	case app.HitRejected:
		return lang.L("hits.status.rejected")
	case app.HitDispatched:
		return lang.L("hits.status.dispatched")
	}
	return string(s)
}

func priorityLabel(p int) string {
	switch p {
	case 1:
		return lang.L("hits.priority.1")
	case 2:
		return lang.L("hits.priority.2")
	case 3:
		return lang.L("hits.priority.3")
	case 4:
		return lang.L("hits.priority.4")
	case 5:
		return lang.L("hits.priority.5")
	}
	return strconv.Itoa(p)
}

func rejectLabel(r app.RejectReason) string {
	switch r {
	case app.RejectMisread:
		return lang.L("hits.reject.misread")
	case app.RejectWrongCountry:
		return lang.L("hits.reject.wrong_country")
	case app.RejectPlateNotOnCar:
		return lang.L("hits.reject.plate_not_on_vehicle")
	case app.RejectEntryOutdated:
		return lang.L("hits.reject.list_entry_outdated")
	case app.RejectOther:
		return lang.L("hits.reject.other")
	}
	return string(r)
}

func stepLabel(what string) string {
	switch what {
	case "read":
		return lang.L("hits.step.read")
	case "alert":
		return lang.L("hits.step.alert")
	case "passage":
		return lang.L("hits.step.passage")
	case "confirm":
		return lang.L("hits.step.confirm")
	case "reject":
		return lang.L("hits.step.reject")
	case "dispatch":
		return lang.L("hits.step.dispatch")
	case "on_scene":
		return lang.L("hits.step.on_scene")
	case "free":
		return lang.L("hits.step.free")
	case "unavailable":
		return lang.L("hits.step.unavailable")
	case "quiet":
		return lang.L("hits.step.quiet")
	case "promote":
		return lang.L("hits.step.promote")
	}
	return what
}

func patrolStatusLabel(s app.PatrolStatus) string {
	switch s {
	case app.PatrolFree:
		return lang.L("hits.patrol.free")
	case app.PatrolEnRoute:
		return lang.L("hits.patrol.en_route")
	case app.PatrolOnScene:
		return lang.L("hits.patrol.on_scene")
	case app.PatrolUnavailable:
		return lang.L("hits.patrol.unavailable")
	}
	return string(s)
}

func patrolColour(s app.PatrolStatus) color.Color {
	switch s {
	case app.PatrolFree:
		return look.ColLive
	case app.PatrolEnRoute:
		return colHitNear
	case app.PatrolOnScene:
		return look.ColPrimary
	}
	return look.ColIdle
}

// diffMarks says which positions of the read and of the listed plate differ.
func diffMarks(h app.Hit) (read, listed map[int]bool) {
	read, listed = map[int]bool{}, map[int]bool{}
	for _, d := range h.Diffs {
		switch d.Op {
		case "extra":
			read[d.ReadPos] = true
		case "missing":
			listed[d.ListedPos] = true
		default:
			read[d.ReadPos], listed[d.ListedPos] = true, true
		}
	}
	return read, listed
}

// setPlateRow draws a plate one character per cell, the differing cells on
// amber, so a near match shows where it is near.
func setPlateRow(row *fyne.Container, plate string, marks map[int]bool) {
	row.Objects = row.Objects[:0]
	for i, ch := range plate {
		t := canvas.NewText(string(ch), look.ColForeground)
		t.TextSize = 26
		t.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
		bg := canvas.NewRectangle(look.ColInput)
		if marks[i] {
			bg.FillColor = colHitDiff
			t.Color = colHitNear
		}
		row.Add(container.NewStack(bg, container.NewPadded(t)))
	}
	row.Refresh()
}

// PlayAlert plays the alert sound with whichever player the machine has
// (ffplay comes with ffmpeg, a dependency of the console); with none, the
// banner alone alerts. It returns when the sound has played.
func PlayAlert(ctx context.Context) {
	path := filepath.Join(os.TempDir(), "zoneconsole-alert.wav")
	if _, err := os.Stat(path); err != nil {
		if err := os.WriteFile(path, sounds.Alert, 0o644); err != nil {
			return
		}
	}
	for _, p := range [][]string{
		{"paplay", path}, {"aplay", "-q", path}, {"ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet", path},
	} {
		bin, err := exec.LookPath(p[0])
		if err != nil {
			continue
		}
		_ = exec.CommandContext(ctx, bin, p[1:]...).Run()
		return
	}
}
