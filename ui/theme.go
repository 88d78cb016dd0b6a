package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// controlRoom is the dark theme of a dispatch room: low glare for long
// shifts in a dim room, so the video is the brightest thing on screen.
type controlRoom struct{ base fyne.Theme }

func newTheme() fyne.Theme { return controlRoom{base: theme.DefaultTheme()} }

// Colours of the control room. State colours are chosen to stay apart for
// the common colour-vision deficiencies and are always paired with words.
var (
	colBackground = color.NRGBA{R: 0x0E, G: 0x12, B: 0x17, A: 0xFF}
	colPanel      = color.NRGBA{R: 0x16, G: 0x1B, B: 0x22, A: 0xFF}
	colInput      = color.NRGBA{R: 0x1C, G: 0x23, B: 0x2C, A: 0xFF}
	colForeground = color.NRGBA{R: 0xD6, G: 0xDD, B: 0xE5, A: 0xFF}
	colMuted      = color.NRGBA{R: 0x8B, G: 0x95, B: 0xA1, A: 0xFF}
	colPrimary    = color.NRGBA{R: 0x2F, G: 0x81, B: 0xF7, A: 0xFF}
	colSeparator  = color.NRGBA{R: 0x2A, G: 0x31, B: 0x3A, A: 0xFF}
	colTileBg     = color.NRGBA{R: 0x05, G: 0x07, B: 0x0A, A: 0xFF}
	colCaption    = color.NRGBA{R: 0x0B, G: 0x0E, B: 0x12, A: 0xE0}

	colConnecting   = color.NRGBA{R: 0xE3, G: 0xB3, B: 0x41, A: 0xFF}
	colLive         = color.NRGBA{R: 0x3F, G: 0xB9, B: 0x50, A: 0xFF}
	colLost         = color.NRGBA{R: 0xF8, G: 0x51, B: 0x49, A: 0xFF}
	colRecording    = color.NRGBA{R: 0xE5, G: 0x35, B: 0x35, A: 0xFF}
	colUnauthorised = color.NRGBA{R: 0xBC, G: 0x8C, B: 0xFF, A: 0xFF}
	colIdle         = color.NRGBA{R: 0x58, G: 0x62, B: 0x6E, A: 0xFF}
)

func (t controlRoom) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return colBackground
	case theme.ColorNameForeground:
		return colForeground
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colPrimary
	case theme.ColorNameInputBackground, theme.ColorNameButton:
		return colInput
	case theme.ColorNameMenuBackground, theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground:
		return colPanel
	case theme.ColorNameSeparator, theme.ColorNameInputBorder:
		return colSeparator
	case theme.ColorNamePlaceHolder, theme.ColorNameDisabled:
		return colMuted
	case theme.ColorNameError:
		return colLost
	case theme.ColorNameSuccess:
		return colLive
	case theme.ColorNameWarning:
		return colConnecting
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
