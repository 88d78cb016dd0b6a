package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// TranslationsDir is the folder of Translations: per language a base file
// (nl.json, fr.json, en.json) and one file per screen that keeps its own
// messages (rounds.nl.json, ...), all keyed by message id. lang.L loads
// them all; the UI's test checks every language has every key.
const TranslationsDir = "translations"

// Translations are loaded by the UI with lang.AddTranslationsFS.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (also named in FyneApp.toml).
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", iconPNG) }
