package wall

import (
	"image/color"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/app"
	"github.com/politiezone/zoneconsole/ui/look"
)

// camState is a camera's state on the wall, as app's CameraStatus names it
// (video.State's String), plus "idle" for a camera not on screen.
type camState string

const (
	stIdle         camState = "idle"
	stOpening      camState = "opening"
	stConnecting   camState = "connecting"
	stLive         camState = "live"
	stLost         camState = "lost"
	stUnauthorised camState = "unauthorised"
	stDenied       camState = "denied"
	stNoPicture    camState = "no picture" // packets but nothing decodes
)

func stateOf(st app.CameraStatus) camState { return camState(st.State.String()) }

func stateLabel(s camState) string {
	switch s {
	case stOpening:
		return lang.L("state.opening")
	case stConnecting:
		return lang.L("state.connecting")
	case stLive:
		return lang.L("state.live")
	case stLost:
		return lang.L("state.lost")
	case stUnauthorised:
		return lang.L("state.unauthorised")
	case stDenied:
		return lang.L("state.denied")
	case stNoPicture:
		return lang.L("state.nopicture")
	}
	return lang.L("state.idle")
}

func stateColor(s camState) color.Color {
	switch s {
	case stLive:
		return look.ColLive
	case stConnecting, stOpening:
		return look.ColConnecting
	case stLost, stNoPicture:
		return look.ColLost
	case stUnauthorised, stDenied:
		return look.ColUnauthorised
	}
	return look.ColIdle
}
