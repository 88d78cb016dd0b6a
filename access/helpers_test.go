package access

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

var (
	adminWhy = policy.Reason{Kind: policy.JustAdmin, Ref: "BM-2026-12", Text: "overlast"}
	caseWhy  = policy.Reason{Kind: policy.JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal"}
	authWhy  = policy.Reason{Kind: policy.JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal", AuthRef: "ONDERZ 45/26"}
	eventWhy = policy.Reason{Kind: policy.JustEvent, Ref: "Fietsfeesten Borgloon"}
)

// openTestUsers opens a real account store (real argon2id: a few logins
// per test cost some tens of milliseconds each).
func openTestUsers(t *testing.T, _ bool) (*identity.Users, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.db")
	u, err := identity.OpenUsers(path, nil)
	if err != nil {
		t.Fatalf("OpenUsers: %v", err)
	}
	t.Cleanup(func() { u.Close() })
	return u, path
}

func mustAdd(t *testing.T, u *identity.Users, usr identity.User, pw string) {
	t.Helper()
	if err := u.Add(context.Background(), usr, pw); err != nil {
		t.Fatalf("Add(%s): %v", usr.Name, err)
	}
}

// decision folds Check's answer back into the policy's decision, so the
// tests read as a table of decisions; err is the non-refusal error.
func decision(_ Consultation, err error) (policy.Decision, error) {
	var de *policy.DeniedError
	if errors.As(err, &de) {
		return de.Decision, de.Cause
	}
	if err != nil {
		return policy.Decision{}, err
	}
	return policy.Allow(), nil
}

// note is a test detail: the text of a hit rejection's note, or none.
func note(s string) trail.Detail {
	if s == "" {
		return nil
	}
	return testNote{Note: s}
}

// testNote is a detail with no action of its own: the entry keeps the
// action the policy action maps to.
type testNote struct {
	Note string `json:"note"`
}

func (testNote) Action() audit.Action { return "" }
