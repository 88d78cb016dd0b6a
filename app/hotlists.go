package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
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
		return nil, &DeniedError{Decision: policy.Deny(CodeRoleNotPermitted, "lists are managed by an administrator")}
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

func importList(ctx context.Context, acc *access.Gate, hot *hotlist.Store, s *Session, list, fileName string, data io.Reader) (HotlistImport, error) {
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
	detail := trail.ListChange{File: filepath.Base(fileName), Bytes: int64(len(b)), SHA256: sha}
	if _, err := acc.Check(ctx, s, ActLists, res, s.Shift, detail); err != nil {
		return HotlistImport{}, err
	}
	r, ierr := hot.Import(ctx, hotlist.ImportRequest{List: list, User: s.User.Name, FileName: fileName, Data: bytes.NewReader(b)})
	outcome := trail.ListChange{SHA256: sha}
	var ve *hotlist.ValidationError
	switch {
	case ierr == nil:
		outcome = trail.ListChange{Outcome: "imported", Version: r.Version.Version, Previous: r.Previous, Entries: r.Entries,
			Added: r.Added, Removed: r.Removed, SHA256: r.SHA256, Format: fmt.Sprint(r.Format)}
	case errors.As(ierr, &ve):
		outcome.Outcome, outcome.Errors = "rejected", len(ve.Errors)+ve.Omitted
	default:
		outcome.Outcome, outcome.Error = "failed", ierr.Error()
	}
	if err := acc.Record(context.WithoutCancel(ctx), s, "list:"+list, s.Shift, outcome); err != nil {
		return r, errors.Join(ierr, err)
	}
	return r, ierr
}
