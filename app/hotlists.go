package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/hotlist"
)

// Hotlist types the UI and the shell use.
type (
	HotlistVersion    = hotlist.Version
	HotlistImport     = hotlist.ImportResult
	HotlistFieldError = hotlist.FieldError
	// HotlistValidationError lists every line-numbered error of a rejected file.
	HotlistValidationError = hotlist.ValidationError
)

// ErrInvalidList is returned for a list name the store refuses.
var ErrInvalidList = hotlist.ErrInvalidList

// ImportHotlist makes a file (CSV or JSON, picked by its name or content)
// the next version of a list: the policy decides (administrators), the
// attempt is audited as list.change with the file's SHA-256, the file is
// validated as a whole (a *hotlist.ValidationError with line-numbered
// errors imports nothing), and the outcome is audited with the version and
// the counts.
func (c *Console) ImportHotlist(ctx context.Context, s *Session, list, fileName string, data io.Reader) (HotlistImport, error) {
	hot, _, err := c.stores(ctx)
	if err != nil {
		return HotlistImport{}, err
	}
	return importList(ctx, c.access, hot, s, list, fileName, data)
}

// HotlistVersions lists every version of every list, newest first per list,
// for a session that may change lists.
func (c *Console) HotlistVersions(ctx context.Context, s *Session) ([]HotlistVersion, error) {
	if !c.access.May(s, ActLists) {
		return nil, &DeniedError{Decision: deny(CodeRoleNotPermitted, "lists are managed by an administrator")}
	}
	hot, _, err := c.stores(ctx)
	if err != nil {
		return nil, err
	}
	return listVersions(ctx, hot)
}

func listVersions(ctx context.Context, hot *hotlist.Store) ([]HotlistVersion, error) {
	active, err := hot.Lists(ctx)
	if err != nil {
		return nil, err
	}
	var out []HotlistVersion
	for _, a := range active {
		vs, err := hot.Versions(ctx, a.List)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	return out, nil
}

func importList(ctx context.Context, acc *Access, hot *hotlist.Store, s *Session, list, fileName string, data io.Reader) (HotlistImport, error) {
	if s == nil {
		return HotlistImport{}, ErrNoSession
	}
	// The file is read first so that its hash stands in the decision's entry.
	b, err := io.ReadAll(io.LimitReader(data, hotlist.MaxFileSize+1))
	if err != nil {
		return HotlistImport{}, fmt.Errorf("list %s: read %s: %w", list, fileName, err)
	}
	sum := sha256.Sum256(b)
	sha := hex.EncodeToString(sum[:])
	res := Resource{Target: "list:" + list}
	detail := fmt.Sprintf("import file=%q bytes=%d sha256=%s", filepath.Base(fileName), len(b), sha)
	dec, err := acc.Check(ctx, s, ActLists, res, s.Shift, detail)
	if err != nil {
		return HotlistImport{}, err
	}
	if !dec.Allow {
		return HotlistImport{}, &DeniedError{Decision: dec}
	}
	r, ierr := hot.Import(ctx, hotlist.ImportRequest{List: list, User: s.User.Name, FileName: fileName, Data: bytes.NewReader(b)})
	var outcome string
	var ve *hotlist.ValidationError
	switch {
	case ierr == nil:
		outcome = fmt.Sprintf("imported version=%d previous=%d entries=%d added=%d removed=%d sha256=%s format=%s",
			r.Version.Version, r.Previous, r.Entries, r.Added, r.Removed, r.SHA256, r.Format)
	case errors.As(ierr, &ve):
		outcome = fmt.Sprintf("rejected errors=%d sha256=%s nothing imported", len(ve.Errors)+ve.Omitted, sha)
	default:
		outcome = fmt.Sprintf("failed sha256=%s err=%q", sha, ierr.Error())
	}
	if err := acc.Record(context.WithoutCancel(ctx), s, audit.ActListChange, "list:"+list, s.Shift, outcome); err != nil {
		return r, errors.Join(ierr, err)
	}
	return r, ierr
}

// HotlistShell imports lists from the command line with the console's own
// stores and rules: the user logs in (console "shell"), the policy decides,
// and every change is audited exactly as from the import screen.
type HotlistShell struct {
	users    *Users
	audit    *audit.Log
	sessions *Sessions
	access   *Access
	hot      *hotlist.Store
	sess     *Session
}

// OpenHotlistShell opens the user, audit and hotlist stores of dataDir.
func OpenHotlistShell(ctx context.Context, dataDir string, log *slog.Logger) (*HotlistShell, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	users, err := OpenUsers(filepath.Join(dataDir, "users.db"), log)
	if err != nil {
		return nil, err
	}
	al, err := audit.Open(filepath.Join(dataDir, "audit.db"), audit.Options{
		KeyPath: filepath.Join(dataDir, "keys", "audit.ed25519"), Logger: log})
	if err != nil {
		users.Close()
		return nil, err
	}
	hot, err := hotlist.Open(ctx, filepath.Join(dataDir, "hotlist.db"), hotlist.Options{Logger: log})
	if err != nil {
		users.Close()
		al.Close()
		return nil, err
	}
	sessions := NewSessions(users, al, nil)
	return &HotlistShell{users: users, audit: al, sessions: sessions, access: NewAccess(Policy{}, al, sessions, nil), hot: hot}, nil
}

// Login checks the user's password (audited like any login).
func (h *HotlistShell) Login(ctx context.Context, name, password string) error {
	s, err := h.sessions.Login(ctx, name, password, "shell", "")
	if err != nil {
		return err
	}
	h.sess = s
	return nil
}

// Import is ImportHotlist for the logged-in user.
func (h *HotlistShell) Import(ctx context.Context, list, fileName string, data io.Reader) (HotlistImport, error) {
	if h.sess == nil {
		return HotlistImport{}, ErrNoSession
	}
	return importList(ctx, h.access, h.hot, h.sess, list, fileName, data)
}

// Versions lists every version of every list.
func (h *HotlistShell) Versions(ctx context.Context) ([]HotlistVersion, error) {
	return listVersions(ctx, h.hot)
}

// Close logs out and closes the stores; idempotent.
func (h *HotlistShell) Close() error {
	var errs []error
	if h.sess != nil {
		errs = append(errs, h.sessions.Logout(context.Background(), h.sess))
		h.sess = nil
	}
	if h.hot != nil {
		errs = append(errs, h.hot.Close())
		h.hot = nil
	}
	if h.users != nil {
		errs = append(errs, h.users.Close())
		h.users = nil
	}
	if h.audit != nil {
		errs = append(errs, h.audit.Close())
		h.audit = nil
	}
	return errors.Join(errs...)
}
