// Package clocale keeps Fyne from logging "Error parsing user locale C" on
// every command run under LANG=C.UTF-8 (Debian's default in containers, CI
// and fresh installs).
//
// Fyne's lang package reads the locale in its init, before main runs, and
// go-locale turns C.UTF-8 into the tag "C", which does not parse. Nothing in
// the console's own module can run before that init: Go initialises packages
// in import-path order once their imports are ready, and "fyne.io/..." sorts
// before "github.com/...". This package is its own module with a path that
// sorts first ("console.invalid": the .invalid domain can never be fetched,
// go.mod replaces it with this directory), so its init runs before Fyne's and
// can give go-locale a language list it understands. main calls Restore as
// soon as it starts, so the console's own language choice sees the
// environment the user set.
package clocale

import (
	"os"
	"strings"
)

// defaulted is set when init wrote LANGUAGE itself.
var defaulted bool

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	// The variable go-locale reads: the first of these that is set.
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		// Plain C and POSIX go-locale handles itself; only the forms with an
		// encoding ("C.UTF-8", "POSIX.utf8") come out as the tag "C".
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			defaulted = os.Setenv("LANGUAGE", "en") == nil
		}
		return
	}
}

// Restore undoes what init set, so that later choices of language read the
// environment as the user left it. It is safe to call more than once.
func Restore() {
	if defaulted {
		os.Unsetenv("LANGUAGE")
		defaulted = false
	}
}
