package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// TranslationsDir is the folder of Translations holding one JSON file per
// language (nl.json, fr.json, en.json), keyed by message id.
const TranslationsDir = "translations"

// Translations are loaded by the UI with lang.AddTranslationsFS.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (also named in FyneApp.toml).
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", iconPNG) }
