package look

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

func TestLanguageChoice(t *testing.T) {
	for _, tc := range []struct {
		name, asked, system, want string
	}{
		{"asked wins", "fr", "en_GB.UTF-8", "fr"},
		{"asked with region", "en-GB", "nl_BE.UTF-8", "en"},
		{"system French", "", "fr_BE.UTF-8", "fr"},
		{"system English", "", "en_US.UTF-8", "en"},
		{"system German falls back to Dutch", "", "de_DE.UTF-8", "nl"},
		{"C locale falls back to Dutch", "", "C.UTF-8", "nl"},
		{"unknown asked falls back to system", "xx", "fr_FR.UTF-8", "fr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANGUAGE", "")
			t.Setenv("LANG", tc.system)
			if got := PickLanguage(tc.asked); got != tc.want {
				t.Errorf("PickLanguage(%q) with LANG=%s = %q, want %q", tc.asked, tc.system, got, tc.want)
			}
		})
	}
}

func TestSetLanguage(t *testing.T) {
	t.Setenv("LANG", "C")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANGUAGE", "")
	for _, code := range []string{"fr", "en", "nl"} {
		if err := SetLanguage(code); err != nil {
			t.Fatal(err)
		}
		if got, want := lang.L("lang.code"), code; got != want {
			t.Errorf("after SetLanguage(%s): lang.L(lang.code) = %q, want %q", code, got, want)
		}
		if got := CurrentLanguage(); got != code {
			t.Errorf("CurrentLanguage() = %q after SetLanguage(%s)", got, code)
		}
	}
}
