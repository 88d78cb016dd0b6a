package ui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/politiezone/zoneconsole/assets"
	"github.com/politiezone/zoneconsole/ui/look"
)

// loadMessages merges the translation files per language. A screen may keep
// its messages in a file of its own, "[prefix.]<lang>.json" (as lang loads
// them), so each helper owns the file of its screen.
func loadMessages(t testing.TB) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	from := map[string]string{} // lang/key -> file, to find a key defined twice
	for _, code := range look.Languages {
		out[code] = map[string]string{}
	}
	entries, err := assets.Translations.ReadDir(assets.TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		parts := strings.Split(strings.TrimSuffix(name, ".json"), ".")
		code := parts[len(parts)-1]
		if _, ok := out[code]; !ok {
			t.Errorf("translation file %s: language %q is not one of %v", name, code, look.Languages)
			continue
		}
		b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, v := range m {
			if prev, dup := from[code+"/"+k]; dup {
				t.Errorf("key %q is in both %s and %s", k, prev, name)
			}
			from[code+"/"+k] = name
			out[code][k] = v
		}
	}
	return out
}

// usedKeys scans the sources of ui and its packages for literal lang.L keys.
func usedKeys(t *testing.T) map[string][]string {
	t.Helper()
	re := regexp.MustCompile(`lang\.(?:L|X)\("([^"]+)"`)
	// Every package of the ui: the shell and the screens under it.
	var files []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	used := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = append(used[m[1]], f)
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d lang.L keys in the sources: is the scan broken?", len(used))
	}
	return used
}

func TestTranslationsComplete(t *testing.T) {
	msgs := loadMessages(t)
	used := usedKeys(t)
	for _, code := range look.Languages {
		m := msgs[code]
		for key, files := range used {
			if strings.TrimSpace(m[key]) == "" {
				t.Errorf("%s.json: key %q (used in %s) is missing or empty", code, key, strings.Join(files, ", "))
			}
		}
		for key, text := range m {
			if _, ok := msgs["en"][key]; !ok {
				t.Errorf("%s.json: key %q is not in en.json", code, key)
			}
			if _, err := template.New(key).Parse(text); err != nil {
				t.Errorf("%s.json: key %q: template: %v", code, key, err)
			}
		}
		for key := range msgs["en"] {
			if _, ok := m[key]; !ok {
				t.Errorf("%s.json: key %q of en.json is missing", code, key)
			}
		}
		if m["lang.code"] != code {
			t.Errorf("%s.json: lang.code = %q, want %q", code, m["lang.code"], code)
		}
	}
	var unused []string
	for key := range msgs["en"] {
		if _, ok := used[key]; !ok {
			unused = append(unused, key)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("keys in the JSON that no source uses (remove them or use them): %v", unused)
	}
}

// TestTemplatesAgree checks that a translation uses the same template fields
// as the English text, so no value silently disappears from a message.
func TestTemplatesAgree(t *testing.T) {
	msgs := loadMessages(t)
	re := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	for key, en := range msgs["en"] {
		want := strings.Join(sortedMatches(re, en), ",")
		for _, code := range look.Languages {
			if got := strings.Join(sortedMatches(re, msgs[code][key]), ","); got != want {
				t.Errorf("%s.json %q: template fields %q, en.json has %q", code, key, got, want)
			}
		}
	}
}

func sortedMatches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}
