package identity

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLen is the shortest password Add and SetPassword take, in
// characters. A passphrase of four words passes it without effort, so
// there is no rule on digits or capitals: length is what makes a guess slow.
const MinPasswordLen = 12

// PasswordError says why a password is refused; the UI and the CLI
// translate or print the value. Every one matches ErrWeakPassword.
type PasswordError string

// The password refusals.
const (
	ErrWeakPassword     PasswordError = "password too weak"
	ErrPasswordEmpty    PasswordError = "password is empty"
	ErrPasswordTooLong  PasswordError = "password longer than 1024 bytes"
	ErrPasswordTooShort PasswordError = "password shorter than 12 characters: use a longer one or a passphrase of four words"
	ErrPasswordHasName  PasswordError = "password contains the user name"
	ErrPasswordCommon   PasswordError = "password is on the list of common passwords"
	ErrPasswordRepeats  PasswordError = "password is too repetitive (fewer than 5 different characters)"
	ErrPasswordNotText  PasswordError = "password is not valid UTF-8 text or holds control characters"
)

func (e PasswordError) Error() string { return string(e) }

// Is makes errors.Is(err, ErrWeakPassword) true for every refusal.
func (e PasswordError) Is(target error) bool { return target == ErrWeakPassword }

//go:embed common_passwords.txt
var commonPasswords string

// CheckPassword applies the password policy to a password chosen for the
// user name: at least MinPasswordLen characters, not the name nor holding
// it, not common, not one character repeated. The UI may call it while the
// administrator types; Add and SetPassword call it again.
func CheckPassword(name, password string) error {
	if err := checkPasswordSize(password); err != nil {
		return err
	}
	if !utf8.ValidString(password) || strings.IndexFunc(password, unicode.IsControl) >= 0 {
		return ErrPasswordNotText
	}
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return ErrPasswordTooShort
	}
	lower := strings.ToLower(password)
	// Names of one or two letters ("an") are in too many good passphrases
	// to forbid; those of three or more are what a guesser tries first.
	if n := normName(name); n != "" && (lower == n || len(n) >= 3 && strings.Contains(lower, n)) {
		return ErrPasswordHasName
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return ErrPasswordRepeats
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if isCommon(lower) || isCommon(core) {
		return ErrPasswordCommon
	}
	return nil
}

func checkPasswordSize(pw string) error {
	switch {
	case pw == "":
		return ErrPasswordEmpty
	case len(pw) > 1024:
		return ErrPasswordTooLong
	}
	return nil
}

// isCommon looks s up in the embedded list; a thousand lines are scanned in
// microseconds, next to the tens of milliseconds of the hash.
func isCommon(s string) bool {
	if s == "" {
		return false
	}
	for line := range strings.Lines(commonPasswords) {
		if strings.TrimRight(line, "\n") == s {
			return true
		}
	}
	return false
}
