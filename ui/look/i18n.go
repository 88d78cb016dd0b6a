package look

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/politiezone/zoneconsole/assets"
)

// Languages the console speaks, in the order the picker shows them. Dutch
// comes first: it is the language of the zone and the default.
var Languages = []string{"nl", "fr", "en"}

const defaultLanguage = "nl"

// LanguageName is the name of each language in that language, so a user who
// does not read the current one still finds their own.
func LanguageName(code string) string {
	switch code {
	case "fr":
		return "Français"
	case "en":
		return "English"
	}
	return "Nederlands"
}

// PickLanguage chooses the language at start: the one asked for, else the
// system's when it is French or English, else Dutch (a Belgian police zone
// in Flanders; lang alone would fall back to English).
func PickLanguage(asked string) string {
	if asked = strings.ToLower(strings.TrimSpace(asked)); asked != "" {
		for _, l := range Languages {
			if strings.HasPrefix(asked, l) {
				return l
			}
		}
	}
	sys := systemLanguage()
	for _, l := range []string{"fr", "en", "nl"} {
		if strings.HasPrefix(sys, l) {
			return l
		}
	}
	return defaultLanguage
}

// systemLanguage reads the user's language the way gettext does (LANGUAGE,
// then LC_ALL, LC_MESSAGES, LANG); "" under the C locale. lang.SystemLocale
// is not used: it reports English for C, and we want Dutch then.
func systemLanguage() string {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			loc = v
			break
		}
	}
	if loc == "C" || loc == "POSIX" {
		return ""
	}
	if l := os.Getenv("LANGUAGE"); l != "" {
		loc = strings.Split(l, ":")[0]
	}
	if loc == "C" || strings.HasPrefix(loc, "C.") {
		return ""
	}
	return strings.ToLower(loc)
}

// SetLanguage loads the translations and makes code the language of lang.L.
// Fyne 2.7 has no call to choose the language: it matches the environment's
// LANGUAGE list against the loaded files each time translations are added.
// So the choice is written there (process-wide, as Fyne's own state is) and
// the files are loaded again to make Fyne read it.
func SetLanguage(code string) error {
	if code == "" {
		code = defaultLanguage
	}
	// go-locale ignores LANGUAGE under the C or POSIX locale.
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" {
			if err := os.Setenv(k, "C.UTF-8"); err != nil {
				return fmt.Errorf("language %s: %w", code, err)
			}
		}
		break
	}
	if err := os.Setenv("LANGUAGE", code); err != nil {
		return fmt.Errorf("language %s: %w", code, err)
	}
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return fmt.Errorf("translations: %w", err)
	}
	return nil
}

// CurrentLanguage reports which of our Languages lang.L speaks now.
func CurrentLanguage() string {
	probe := lang.L("lang.code")
	for _, l := range Languages {
		if probe == l {
			return l
		}
	}
	return defaultLanguage
}
