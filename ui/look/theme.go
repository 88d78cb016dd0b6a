package look

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// controlRoom is the dark theme of a dispatch room: low glare for long
// shifts in a dim room, so the video is the brightest thing on screen.
type controlRoom struct{ base fyne.Theme }

func NewTheme() fyne.Theme { return controlRoom{base: theme.DefaultTheme()} }

// Colours of the control room. State colours are chosen to stay apart for
// the common colour-vision deficiencies and are always paired with words.
var (
	ColBackground = color.NRGBA{R: 0x0E, G: 0x12, B: 0x17, A: 0xFF}
	ColPanel      = color.NRGBA{R: 0x16, G: 0x1B, B: 0x22, A: 0xFF}
	ColInput      = color.NRGBA{R: 0x1C, G: 0x23, B: 0x2C, A: 0xFF}
	ColForeground = color.NRGBA{R: 0xD6, G: 0xDD, B: 0xE5, A: 0xFF}
	ColMuted      = color.NRGBA{R: 0x8B, G: 0x95, B: 0xA1, A: 0xFF}
	ColPrimary    = color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0xFF}
	ColSeparator  = color.NRGBA{R: 0x2A, G: 0x31, B: 0x3A, A: 0xFF}
	ColTileBg     = color.NRGBA{R: 0x05, G: 0x07, B: 0x0A, A: 0xFF}
	ColCaption    = color.NRGBA{R: 0x0B, G: 0x0E, B: 0x12, A: 0xE0}

	ColConnecting   = color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}
	ColLive         = color.NRGBA{R: 0x3F, G: 0xB9, B: 0x50, A: 0xFF}
	ColLost         = color.NRGBA{R: 0xF8, G: 0x51, B: 0x49, A: 0xFF}
	ColRecording    = color.NRGBA{R: 0xE5, G: 0x35, B: 0x35, A: 0xFF}
	ColUnauthorised = color.NRGBA{R: 0xBC, G: 0x8C, B: 0xFF, A: 0xFF}
	ColIdle         = color.NRGBA{R: 0x58, G: 0x62, B: 0x6E, A: 0xFF}
)

func (t controlRoom) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return ColBackground
	case theme.ColorNameForeground:
		return ColForeground
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return ColPrimary
	case theme.ColorNameInputBackground, theme.ColorNameButton:
		return ColInput
	case theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return ColPanel
	case theme.ColorNameSeparator, theme.ColorNameInputBorder:
		return ColSeparator
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return ColMuted
	case theme.ColorNameError:
		return ColLost
	case theme.ColorNameSuccess:
		return ColLive
	case theme.ColorNameWarning:
		return ColConnecting
	}
	return t.base.Color(n, theme.VariantDark)
}

func (t controlRoom) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t controlRoom) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t controlRoom) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText {
		return 13
	}
	return t.base.Size(n)
}
